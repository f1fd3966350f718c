"""Helpers for the resolution tests: a passed vote with a draft, poppler wrappers."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import select

from paperless import db
from paperless.models import AgendaItem, Meeting, User
from paperless.services import documents, signing_keys, votes
from paperless.services.access import actor_for

POPPLER_VALID = "Signature is Valid."


def actor(username: str):
    return actor_for(db.session.scalar(select(User).where(User.username == username)))


def chair_signs(chair, resolution_id: int, password: str = "kyhopso"):
    """The chair signs in the app as the signing page does: the hash of the official PDF
    they saw and their password typed again."""
    from paperless.models import Resolution
    from paperless.services import auth, resolutions

    seen = db.session.get(Resolution, resolution_id).official_sha256
    return resolutions.sign_as_chair(chair, resolution_id, document_sha256=seen,
                                     reauth=auth.Reauthentication(password, "127.0.0.1"))


def draft_pdf(pages: int = 1, title: str = "Dự thảo Nghị quyết về dự toán ngân sách",
              number: str | None = "01/NQ-HĐND", signature_place: bool = True) -> bytes:
    """A final text made elsewhere: it carries its number ("Số: 01/NQ-HĐND", as a final PDF
    must) and its signature place on the last page ("CHỦ TỊCH", the name)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "TestSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("TestSerif",
                                       "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, initialFontName="TestSerif")
    for page in range(1, pages + 1):
        c.setFont("TestSerif", 13)
        if page == 1 and number:
            c.drawString(85, 805, f"Số: {number}")
        c.drawString(85, 780, title)
        c.drawString(85, 750, f"Điều {page}. Phê chuẩn dự toán thu, chi ngân sách xã năm 2027.")
        for line in range(20):
            c.drawString(85, 720 - 22 * line,
                         f"Khoản {line + 1}: tổng thu ngân sách nhà nước trên địa bàn {page}.{line}")
        if page == pages and signature_place:
            c.drawCentredString(430, 230, "TM. HỘI ĐỒNG NHÂN DÂN")
            c.drawCentredString(430, 214, "CHỦ TỊCH")
            c.drawCentredString(430, 130, "Nguyễn Văn Hùng")
        c.showPage()
    c.save()
    return buf.getvalue()


def docx_draft(meeting_id: int, item_id: int):
    """The demo's budget resolution draft, the Văn phòng's Word file, on the item."""
    from paperless.services.demo_documents import resolution_docx

    return documents.upload(actor("thuky"), meeting_id, resolution_docx(),
                            filename="du-thao-nghi-quyet.docx", title="Dự thảo Nghị quyết",
                            agenda_item_id=item_id)


def passed_vote(yes: int = 20, with_draft: bool = True, docx: bool = False) -> dict:
    """The demo's budget item voted (manual count) and announced as passed."""
    meeting_id = db.session.scalar(select(Meeting.id).order_by(Meeting.id))
    item = db.session.scalars(select(AgendaItem).where(AgendaItem.kind == "vote")
                              .order_by(AgendaItem.position)).first()
    staff = actor("thuky")
    doc = None
    if with_draft and docx:
        doc = docx_draft(meeting_id, item.id)
    elif with_draft:
        doc = documents.upload(staff, meeting_id, draft_pdf(2), filename="du-thao.pdf",
                               title="Dự thảo Nghị quyết", agenda_item_id=item.id)
    vote = votes.create_vote(staff, item.id, kind="open", title=item.title)
    votes.record_manual_result(staff, vote.id, {"yes": yes, "no": 30 - yes - 2, "abstain": 2},
                               "Giơ tay")
    votes.decide_manual_result(actor("chutoa"), vote.id, True)  # the chair confirms
    votes.announce(actor("chutoa"), vote.id)
    return {"meeting_id": meeting_id, "item_id": item.id, "vote_id": vote.id,
            "document_id": doc.id if doc else None}


def make_test_ca(council_id: int = 2) -> list[str]:
    from paperless.services.resolutions import _chair_name

    return signing_keys.init_test_ca([(council_id, "Hội đồng nhân dân xã Tân Phú",
                                       _chair_name(council_id))])


def _need(tool: str) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} missing: install poppler-utils"
    return path


def pdfsig(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    """Field name -> poppler's verdict for each signature."""
    f = tmp_path / "pdfsig.pdf"
    f.write_bytes(pdf)
    out = subprocess.run([_need("pdfsig"), str(f)], capture_output=True, text=True,
                         check=False).stdout
    verdicts = {}
    for block in re.split(r"^Signature #\d+:\n", out, flags=re.M)[1:]:
        name = re.search(r"Signature Field Name: (.*)", block)
        verdict = re.search(r"Signature Validation: (.*)", block)
        if name and verdict:
            verdicts[name.group(1).strip()] = verdict.group(1).strip()
    return verdicts


def pdftotext(pdf: bytes, tmp_path: Path, *, last: bool = False, page: int = 1) -> str:
    """Text of one page (the first, or the last) as poppler extracts it."""
    f = tmp_path / "text.pdf"
    f.write_bytes(pdf)
    if last:
        from pypdf import PdfReader

        page = len(PdfReader(io.BytesIO(pdf)).pages)
    return subprocess.run([_need("pdftotext"), "-enc", "UTF-8", "-f", str(page), "-l",
                           str(page), str(f), "-"], capture_output=True, text=True,
                          check=True).stdout


def render(pdf: bytes, target: Path, dpi: int = 80, page: int = 1) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    src = target.with_suffix(".pdf")
    src.write_bytes(pdf)
    subprocess.run([_need("pdftoppm"), "-png", "-r", str(dpi), "-f", str(page), "-l",
                    str(page), "-singlefile", str(src), str(target.with_suffix(""))], check=True)
    return target.with_suffix(".png")


def flip_byte_in_signed_range(pdf: bytes) -> bytes:
    """Change one byte covered by every signature, inside a string of the first revision:
    the PDF/A part number in the XMP ("2" -> "3"), else the producer's name."""
    for marker in (b"<pdfaid:part>", b'pdfaid:part="'):
        if marker in pdf:
            index = pdf.index(marker) + len(marker)
            return pdf[:index] + b"3" + pdf[index + 1:]
    index = pdf.index(b"ReportLab") + len(b"ReportLa")
    return pdf[:index] + b"X" + pdf[index + 1:]


FAIL_INSIDE = "[lỗi giữa chừng]"


def issue_many(database_url: str, instance: str, jobs: list[tuple[int, str]]
               ) -> list[tuple[int, int | None, str | None]]:
    """Issue resolutions concurrently from one app instance (its own engine and connections).

    ``jobs``: (resolution id, mode): "ok"; "broken" sends a damaged PDF (refused before
    numbering); "fail_inside" gets a title that makes issuing fail *after* the number was
    taken. Returns (id, number, error)."""
    import os
    import threading

    os.environ["PAPERLESS_INSTANCE_PATH"] = instance
    from paperless.services import resolutions as service
    from paperless.services.errors import ServiceError
    from tests.support import make_app

    real_check = service._check_number

    def numbered(official, number_text, title):
        # Numbering is under test here, not the text: one PDF stands for every number; a
        # FAIL_INSIDE title fails after its number was taken.
        if title == FAIL_INSIDE:
            raise RuntimeError("failed after numbering")

    service._check_number = numbered

    app = make_app(database_url)
    body = draft_pdf(1)
    results: list = []
    barrier = threading.Barrier(len(jobs))

    def one(resolution_id: int, mode: str) -> None:
        with app.app_context():
            barrier.wait(30)
            try:
                res = service.issue(actor("thuky"), resolution_id,
                                    verify_base_url="https://kyhop.example.vn",
                                    upload=b"%PDF-1.7 broken" if mode == "broken" else body,
                                    title=FAIL_INSIDE if mode == "fail_inside" else None,
                                    filename="nq.pdf")
                results.append((resolution_id, res.number, None))
            except ServiceError as exc:
                results.append((resolution_id, None, exc.code))
            except RuntimeError as exc:
                results.append((resolution_id, None, str(exc)))
            except Exception as exc:  # noqa: BLE001 - named in the result, so a failure says why
                results.append((resolution_id, None, f"{type(exc).__name__}: {exc}"))
            finally:
                db.session.remove()

    workers = [threading.Thread(target=one, args=job) for job in jobs]
    try:
        for w in workers:
            w.start()
        for w in workers:
            w.join(120)
    finally:
        service._check_number = real_check
    return results


def overlay_after_signing(pdf: bytes) -> bytes:
    """Append an incremental update that paints over page 1 (signed bytes stay intact)."""
    from io import BytesIO

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(BytesIO(pdf))
    paint = b"q 1 1 1 rg 80 560 450 60 re f 1 0 0 rg 90 580 m 500 600 l S Q"
    w.add_stream_to_page(0, w.add_object(generic.StreamObject(stream_data=paint)))
    out = BytesIO()
    w.write(out)
    return out.getvalue()
