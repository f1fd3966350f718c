"""Signatures per second: the project's signing path vs pyHanko called directly, same stamp.

On the official PDF of a resolution (the demo's budget resolution rendered from its DOCX
draft by LibreOffice, both signature fields at its signature place — or, with --no-docx,
a reportlab final text), for RSA-2048 and ECDSA P-256 TEST keys, measured in the same run
on the same input bytes:

* project: what one "Ký số" click costs the server — the signer from the signing folder
  (`signing.load_pkcs12_signer`: key decrypted and parsed once per process), the
  council's seal stamp (red seal, name, ISO 8601 time in Liberation Serif), a fixed
  signature reservation, and the validation of every signature of the output made in
  the same parse that reads the PAdES level (`sign_pdf(validate_with=roots)`);
* pyHanko direct, same stamp: pyHanko's `PdfSigner` with a `SimpleSigner` loaded once,
  the same stamp style drawn with pyHanko's own font engine (font parsed and subset on
  every signature), pyHanko's sizing signature, no validation — the baseline;
* pyHanko direct, no stamp: the same, invisible.

The cells take turns (`--rounds`), so a load that comes and goes on a shared machine
falls on all of them alike. Prints the CPUs usable and the load average before and after,
then a table (per wall-clock second, and per CPU second of the process: on a shared,
loaded machine the second is what one process does per core) and writes
bench/results/signing.json. `--quick` runs short cells.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASS_ENV = "BENCH_SIGNING_PASS"
ORGANISATION = "HỘI ĐỒNG NHÂN DÂN XÃ TÂN PHÚ"


def bench_identities(prefix: str):
    """A throw-away CA and the council's seal identity as RSA-2048 and ECDSA P-256 (the
    passphrase in PASS_ENV): the same keys for every signing bench."""
    from signing import testca

    folder = Path(tempfile.mkdtemp(prefix=prefix))
    secret = b"bench-passphrase"
    os.environ[PASS_ENV] = secret.decode()
    root = testca.make_root(folder, secret)
    identities = {
        "RSA-2048": testca.issue(root, folder, "org-rsa", f"{ORGANISATION} (TEST)",
                                 passphrase=secret),
        "ECDSA P-256": testca.issue(root, folder, "org-ec", f"{ORGANISATION} (TEST EC)",
                                    passphrase=secret, key_type="ec"),
    }
    return folder, secret, root, identities


def _fields():
    from datetime import date

    from paperless.domain import resolutions as rules
    from paperless.pdf import official

    return official.ResolutionFields(
        header_1="HỘI ĐỒNG NHÂN DÂN", header_2="XÃ TÂN PHÚ", number="01/NQ-HĐND",
        place_date=rules.place_date_line("Tân Phú", date(2026, 12, 5)),
        council_upper=ORGANISATION, session_line=rules.session_line(12, "2026–2031", 5),
        closing=rules.closing_formula("Hội đồng nhân dân xã Tân Phú", 12, "", 5,
                                      date(2026, 12, 5), date(2026, 12, 5)),
        recipients=rules.recipients(""), chair_name="Nguyễn Văn Hùng")


def _official(docx: bool) -> bytes:
    import signing
    from paperless.pdf import official

    if docx:
        from paperless.services.demo_documents import resolution_docx

        made = official.from_office(resolution_docx(), "docx", _fields())
    else:
        from tests.resolution_support import draft_pdf

        made = official.from_final_pdf(draft_pdf(2))
    page = made.signature_page
    return signing.add_signature_fields(made.pdf, [
        signing.FieldPlacement(signing.SIGNER_FIELD, page, made.chair_box),
        signing.FieldPlacement(signing.ORGANISATION_FIELD, page, made.seal_box)])


def _rates(cells: dict, min_seconds: float, min_runs: int, rounds: int) -> dict:
    """Per cell: (per wall second, runs, wall seconds, per CPU second of this process).

    The cells run in turns (``rounds`` turns of ``min_seconds / rounds`` each), so a load
    that comes and goes on a shared machine falls on all of them alike; the CPU rate is
    what one process does per core whatever the load."""
    totals = {label: [0, 0.0, 0.0] for label in cells}
    for fn in cells.values():
        fn()  # warm-up (the project's caches fill here, once per process)
    for _turn in range(rounds):
        for label, fn in cells.items():
            runs, start, cpu = 0, time.perf_counter(), time.process_time()
            while runs < max(1, min_runs // rounds) or \
                    time.perf_counter() - start < min_seconds / rounds:
                fn()
                runs += 1
            total = totals[label]
            total[0] += runs
            total[1] += time.perf_counter() - start
            total[2] += time.process_time() - cpu
    return {label: (runs / wall, runs, wall, runs / cpu if cpu else 0.0)
            for label, (runs, wall, cpu) in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="minimum time per cell")
    parser.add_argument("--runs", type=int, default=5, help="minimum signatures per cell")
    parser.add_argument("--quick", action="store_true", help="1.5 s cells")
    parser.add_argument("--rounds", type=int, default=3,
                        help="turns the cells take (a passing load falls on all alike)")
    parser.add_argument("--no-docx", action="store_true",
                        help="a reportlab final text instead of LibreOffice's rendering")
    args = parser.parse_args()
    if args.quick:
        args.seconds = 1.5
    import logging

    # pyHanko's own engine (the baseline) subsets the stamp font on every signature and
    # fontTools warns each time about FontForge's FFTM table: not a figure, just noise
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load_before = os.getloadavg()
    print(f"{cpus} CPUs for this process, load average {load_before[0]:.2f} "
          f"{load_before[1]:.2f} {load_before[2]:.2f} before the run (a shared machine: "
          "compare the per-CPU-second rates when the load exceeds the CPUs)", flush=True)

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers import PdfSignatureMetadata

    import signing

    folder, secret, root, identities = bench_identities("bench-signing-")
    pdf = _official(not args.no_docx)
    roots = [root.certificate]
    rows = []
    for key_name, ident in identities.items():
        direct_signer = signers.SimpleSigner.load_pkcs12(str(ident.p12), passphrase=secret)

        def project(ident=ident):
            signer = signing.load_pkcs12_signer(ident.p12, PASS_ENV)
            result = signing.sign_pdf(
                pdf, signer, field_name=signing.ORGANISATION_FIELD,
                stamp=signing.seal_stamp(ORGANISATION, time_zone="Asia/Ho_Chi_Minh"),
                validate_with=roots)
            assert [r.status for r in result.reports] == [signing.VALID], result.reports

        def direct(stamp=None, direct_signer=direct_signer):
            w = IncrementalPdfFileWriter(BytesIO(pdf))
            meta = PdfSignatureMetadata(field_name=signing.ORGANISATION_FIELD,
                                        md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES)
            signers.PdfSigner(meta, signer=direct_signer, stamp_style=stamp).sign_pdf(
                w, existing_fields_only=True)

        def direct_same_stamp():
            direct(signing.seal_stamp(ORGANISATION, time_zone="Asia/Ho_Chi_Minh",
                                      cache_fonts=False))

        cells = {}
        measured = _rates({"project": project, "pyhanko_direct_same_stamp": direct_same_stamp,
                           "pyhanko_direct_no_stamp": direct}, args.seconds, args.runs,
                          args.rounds)
        for label, (rate, runs, elapsed, cpu_rate) in measured.items():
            cells[label] = {"per_second": round(rate, 2), "runs": runs,
                            "seconds": round(elapsed, 2), "per_cpu_second": round(cpu_rate, 2)}
        ratio = cells["project"]["per_second"] / cells["pyhanko_direct_same_stamp"]["per_second"]
        cpu_ratio = (cells["project"]["per_cpu_second"]
                     / cells["pyhanko_direct_same_stamp"]["per_cpu_second"])
        row = {"key": key_name, "bytes": len(pdf), **cells,
               "ratio_project_vs_direct_same_stamp": round(ratio, 2),
               "ratio_per_cpu_second": round(cpu_ratio, 2)}
        rows.append(row)
        cpu = {k: v["per_cpu_second"] for k, v in cells.items()}
        print(f"{key_name:<12} {len(pdf) / 1024:>5.0f} KiB | "
              f"project (validated) {cells['project']['per_second']:>6.2f}/s "
              f"({cpu['project']:.1f}/CPU-s) | pyHanko direct, same stamp "
              f"{cells['pyhanko_direct_same_stamp']['per_second']:>6.2f}/s "
              f"({cpu['pyhanko_direct_same_stamp']:.1f}/CPU-s) | no stamp "
              f"{cells['pyhanko_direct_no_stamp']['per_second']:>6.2f}/s "
              f"({cpu['pyhanko_direct_no_stamp']:.1f}/CPU-s) | ratio {ratio:.2f} "
              f"({cpu_ratio:.2f} per CPU-s)", flush=True)
    load_after = os.getloadavg()
    print(f"load average {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} after "
          "the run", flush=True)
    result = {"benchmark": "signing", "machine": {"cpus": os.cpu_count(), "cpus_usable": cpus,
                                                  "load_before": [round(v, 2) for v in
                                                                  load_before],
                                                  "load_after": [round(v, 2) for v in
                                                                 load_after],
                                                  "python": platform.python_version()},
              "min_seconds_per_cell": args.seconds, "document": "docx" if not args.no_docx
              else "reportlab", "rows": rows}
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "signing.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"wrote {out / 'signing.json'}")


if __name__ == "__main__":
    main()
