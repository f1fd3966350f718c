"""Signatures per second: the project's signing path vs pyHanko called directly.

For a 1-page and a 50-page resolution (official PDF/A made by paperless.pdf.official,
both signature fields added) and for RSA-2048 and ECDSA P-256 TEST keys, measures in the
same run and on the same input bytes:

* project: ``signing.sign_pdf`` with the Decree 30 signer stamp (visible block, Noto Sans
  reduced to Latin + Vietnamese once, as the app does) plus the post-signing validation the app does before storing
  (``signing.validate_pdf``) — what one "Ký số" click costs the server;
* project (sign only): ``signing.sign_pdf`` with the stamp, without validation;
* pyHanko direct: pyHanko's ``PdfSigner`` (what ``signers.sign_pdf`` wraps) with a
  ``SimpleSigner`` into the same field, no stamp, no checks — the requested baseline;
* pyHanko direct + the same stamp: the same with our Decree 30 stamp style, to show
  where the time goes.

Prints a table and writes bench/results/signing.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import date
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASS_ENV = "BENCH_SIGNING_PASS"


def _body(pages: int) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "BenchSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("BenchSerif",
                                       "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"))
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, initialFontName="BenchSerif")
    for page in range(pages):
        c.setFont("BenchSerif", 12)
        for line in range(40):
            c.drawString(72, 790 - 18 * line,
                         f"Điều {page + 1}.{line + 1}. Phê chuẩn dự toán thu, chi ngân sách "
                         "nhà nước trên địa bàn xã năm 2027.")
        c.showPage()
    c.save()
    return buf.getvalue()


def _official(pages: int) -> bytes:
    import signing
    from paperless.pdf.official import (
        ORGANISATION_BOX,
        SIGNER_BOX,
        OfficialText,
        make_official_pdf,
    )

    text = OfficialText(
        council_name="Hội đồng nhân dân xã Tân Phú", number_line="Số: 01/NQ-HĐND",
        place_date="Tân Phú, ngày 05 tháng 12 năm 2026",
        title="Nghị quyết về dự toán ngân sách nhà nước xã năm 2027",
        session_line="Nhiệm kỳ 2026–2031, kỳ họp thứ 5",
        adoption=["Tán thành: 27/30 đại biểu, chiếm 90,00% tổng số đại biểu"],
        chair_name="Nguyễn Văn Hùng", verify_url="https://kyhop.example.vn/r/abcdefgh12345678",
        issued_on=date(2026, 12, 5))
    pdf = make_official_pdf(text, _body(pages - 1) if pages > 1 else None).pdf
    return signing.add_signature_fields(pdf, [
        signing.FieldPlacement(signing.SIGNER_FIELD, 0, SIGNER_BOX),
        signing.FieldPlacement(signing.ORGANISATION_FIELD, 0, ORGANISATION_BOX)])


def _rate(fn, min_seconds: float, min_runs: int) -> tuple[float, int, float]:
    fn()  # warm-up (fonts, caches)
    runs, start = 0, time.perf_counter()
    while runs < min_runs or time.perf_counter() - start < min_seconds:
        fn()
        runs += 1
    elapsed = time.perf_counter() - start
    return runs / elapsed, runs, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="minimum time per cell")
    parser.add_argument("--runs", type=int, default=5, help="minimum signatures per cell")
    parser.add_argument("--pages", type=int, nargs="+", default=[1, 50])
    args = parser.parse_args()

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers import PdfSignatureMetadata

    import signing
    from signing import testca

    folder = Path(tempfile.mkdtemp(prefix="bench-signing-"))
    secret = b"bench-passphrase"
    os.environ[PASS_ENV] = secret.decode()
    root = testca.make_root(folder, secret)
    identities = {
        "RSA-2048": testca.issue(root, folder, "chair-rsa", "Nguyễn Văn Hùng (TEST)",
                                 passphrase=secret, title="Chủ tịch HĐND"),
        "ECDSA P-256": testca.issue(root, folder, "chair-ec", "Nguyễn Văn Hùng (TEST EC)",
                                    passphrase=secret, title="Chủ tịch HĐND", key_type="ec"),
    }
    documents = {pages: _official(pages) for pages in args.pages}
    rows = []
    for key_name, ident in identities.items():
        project_signer = signing.load_pkcs12_signer(ident.p12, PASS_ENV)
        direct_signer = signers.SimpleSigner.load_pkcs12(str(ident.p12), passphrase=secret)
        # the app's stamp: Noto Sans reduced once to Latin + Vietnamese (see signing.stamp)
        stamp = signing.signer_stamp("Nguyễn Văn Hùng", "Chủ tịch",
                                     fonts=signing.vietnamese_fonts(folder / "fonts"))
        for pages, pdf in documents.items():
            def project_full(pdf=pdf, project_signer=project_signer, stamp=stamp):
                out = signing.sign_pdf(pdf, project_signer, field_name=signing.SIGNER_FIELD,
                                       stamp=stamp).pdf
                [report] = signing.validate_pdf(out, [root.certificate])
                assert report.status == signing.VALID, report.problems

            def project_sign(pdf=pdf, project_signer=project_signer, stamp=stamp):
                signing.sign_pdf(pdf, project_signer, field_name=signing.SIGNER_FIELD,
                                 stamp=stamp)

            def direct(pdf=pdf, direct_signer=direct_signer, stamp=None):
                w = IncrementalPdfFileWriter(BytesIO(pdf))
                meta = PdfSignatureMetadata(field_name=signing.SIGNER_FIELD,
                                            md_algorithm="sha256",
                                            subfilter=fields.SigSeedSubFilter.PADES)
                signers.PdfSigner(meta, signer=direct_signer, stamp_style=stamp).sign_pdf(
                    w, existing_fields_only=True)

            def direct_stamp(pdf=pdf, direct_signer=direct_signer, stamp=stamp):
                direct(pdf, direct_signer, stamp)

            cells = {}
            for label, fn in (("project", project_full), ("project_sign_only", project_sign),
                              ("pyhanko_direct", direct),
                              ("pyhanko_direct_same_stamp", direct_stamp)):
                rate, runs, elapsed = _rate(fn, args.seconds, args.runs)
                cells[label] = {"per_second": round(rate, 2), "runs": runs,
                                "seconds": round(elapsed, 2)}
            row = {"key": key_name, "pages": pages, "bytes": len(pdf), **cells,
                   "ratio_project_vs_direct": round(cells["project"]["per_second"]
                                                    / cells["pyhanko_direct"]["per_second"], 3),
                   "ratio_sign_only_vs_direct": round(
                       cells["project_sign_only"]["per_second"]
                       / cells["pyhanko_direct"]["per_second"], 3)}
            rows.append(row)
            print(f"{key_name:<12} {pages:>3} p {len(pdf) / 1024:>7.0f} KiB | "
                  f"project {cells['project']['per_second']:>6.2f}/s | "
                  f"sign only {cells['project_sign_only']['per_second']:>6.2f}/s | "
                  f"pyHanko direct {cells['pyhanko_direct']['per_second']:>6.2f}/s "
                  f"(+stamp {cells['pyhanko_direct_same_stamp']['per_second']:>6.2f}/s) | "
                  f"ratio {row['ratio_project_vs_direct']:.2f} "
                  f"(sign only {row['ratio_sign_only_vs_direct']:.2f})", flush=True)
    result = {"benchmark": "signing", "machine": {"cpus": os.cpu_count(),
                                                  "python": platform.python_version()},
              "min_seconds_per_cell": args.seconds, "rows": rows}
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "signing.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"wrote {out / 'signing.json'}")


if __name__ == "__main__":
    main()
