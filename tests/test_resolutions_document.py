"""The resolution as the council's office issues it (issue 17): the demo's budget resolution
from its DOCX draft, in the Decree 30 layout, signed at its signature place; an electronic
copy and an attachment signed at the top right of their first page."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

import signing
from paperless import db
from paperless.models import Council
from paperless.pdf import official
from paperless.services import resolutions as service
from paperless.services import signing_keys
from paperless.services.demo import add_budget_draft
from paperless.services.errors import ServiceError
from tests.conftest import ARTIFACTS
from tests.resolution_support import (
    POPPLER_VALID,
    actor,
    chair_signs,
    draft_pdf,
    make_test_ca,
    passed_vote,
    pdfsig,
    pdftotext,
    render,
)

BASE = "https://kyhop.example.vn"
SHOTS = ARTIFACTS / "resolutions"


def _widgets(pdf: bytes) -> dict[str, tuple[int, list[float]]]:
    reader = PdfReader(io.BytesIO(pdf))
    found = {}
    for index, page in enumerate(reader.pages):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") == "/Widget" and annot.get("/FT") == "/Sig":
                found[str(annot["/T"])] = (index, [float(v) for v in annot["/Rect"]])
    return found


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def archived(demo, monkeypatch):
    """The demo's budget resolution: DOCX draft on its item, vote passed, issued, signed by
    the chair and by the council."""
    monkeypatch.delenv(signing_keys.PASSPHRASE_ENV, raising=False)
    make_test_ca()
    council = db.session.scalar(select(Council).where(Council.name.like("%Tân Phú%")))
    draft = add_budget_draft(council)
    assert draft.current.converted_from == "docx" and draft.current.source_sha256
    vote = passed_vote(yes=27, with_draft=False)
    [res] = service.list_for_meeting(actor("thuky"), vote["meeting_id"])
    res = service.issue(actor("thuky"), res.id, verify_base_url=BASE,
                        issued_on=date(2026, 12, 5))
    chair_signs(actor("chutoa"), res.id)
    service.sign_as_organisation(actor("thuky"), res.id)
    return res


def test_budget_resolution_from_its_docx_draft_is_the_decree_30_text_signed_in_place(
        archived, tmp_path):
    res = archived
    assert (res.state, res.number_text, res.draft_source) == ("archived", "01/NQ-HĐND",
                                                               "agenda_draft")
    _, signed = service.file_of(actor("thuky"), res.id, "signed")
    reader = PdfReader(io.BytesIO(signed))
    pages = len(reader.pages)
    for page in reader.pages:  # every page A4 portrait
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5

    text = [pdftotext(signed, tmp_path, page=n) for n in range(1, pages + 1)]
    first, whole = text[0], _flat(" ".join(text))
    # the header: council, national motto, number and the italic place-and-date line
    for expected in ("HỘI ĐỒNG NHÂN DÂN", "XÃ TÂN PHÚ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "Số: 01/NQ-HĐND",
                     "Tân Phú, ngày 05 tháng 12 năm 2026", "NGHỊ QUYẾT",
                     "Về dự toán ngân sách nhà nước xã năm 2027",
                     "HỘI ĐỒNG NHÂN DÂN XÃ TÂN PHÚ"):
        assert expected in first, expected
    heading = next(line for line in first.splitlines() if "KHÓA" in line)
    assert heading.strip() == "KHÓA XII, KỲ HỌP THỨ NĂM"
    assert "Nghị quyết về" not in first  # the title does not repeat the document type
    # the body, Vietnamese intact, in order; the closing formula from the council's data
    order = ["Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
             "Xét Tờ trình số 145/TTr-UBND", "QUYẾT NGHỊ:",
             "Điều 1. Phê chuẩn dự toán ngân sách nhà nước năm 2027",
             "Điều 3. Hiệu lực thi hành",
             "Nghị quyết này đã được Hội đồng nhân dân xã Tân Phú khóa XII, kỳ họp thứ năm "
             "thông qua ngày"]
    positions = [whole.find(part) for part in order]
    assert -1 not in positions and positions == sorted(positions), list(zip(order, positions, strict=False))
    # then the two columns side by side: recipients left, the signature place right
    for part in ("Nơi nhận:", "- Thường trực HĐND tỉnh Đồng Nai;", "- Lưu: VT.",
                 "TM. HỘI ĐỒNG NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn Hùng"):
        assert whole.find(part) > positions[-1], part
    # no vote result anywhere: it belongs to the minutes and the archive entry
    for page in text:
        assert "Tán thành" not in page and "Kết quả biểu quyết" not in page
        assert "27/30" not in page
    # the signer's title and name once each (the stamps add neither)
    last = text[-1]
    assert last.count("CHỦ TỊCH") == 1 and last.count("Nguyễn Văn Hùng") == 1

    # fonts: all embedded, all Liberation Serif (Times New Roman metrics) — text and stamps
    embedded, missing = official.embedded_fonts(reader)
    assert not missing
    assert embedded and all(name.startswith("LiberationSerif") for name in embedded), embedded
    # PDF/A-2b from LibreOffice's export, kept through the incremental signatures
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part(>|=")2', xmp) and re.search(r'pdfaid:conformance(>|=")B',
                                                                  xmp)

    # both fields on the last page; the council's seal overlaps the left part of the chair's
    widgets = _widgets(signed)
    (chair_page, chair), (seal_page, seal) = (widgets[signing.SIGNER_FIELD],
                                              widgets[signing.ORGANISATION_FIELD])
    assert chair_page == seal_page == pages - 1
    chair_width = chair[2] - chair[0]
    assert seal[0] < chair[0] < seal[2] <= chair[0] + chair_width / 2
    assert seal[1] < chair[3] and chair[1] < seal[3]  # they overlap vertically too

    reports = signing.validate_pdf(signed, signing_keys.trust_roots(2))
    assert [(r.field_name, r.status) for r in reports] == [
        (signing.SIGNER_FIELD, signing.VALID), (signing.ORGANISATION_FIELD, signing.VALID)]
    assert pdfsig(signed, tmp_path) == {signing.SIGNER_FIELD: POPPLER_VALID,
                                        signing.ORGANISATION_FIELD: POPPLER_VALID}
    # the organisation's time in ISO 8601, the council's zone (+07:00)
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", last)

    # a person looks at them (tests/artifacts/resolutions/)
    assert render(signed, SHOTS / "budget-resolution-page-1.png", dpi=100).stat().st_size
    assert render(signed, SHOTS / "budget-resolution-last-page.png", dpi=100,
                  page=pages).stat().st_size


def test_copy_and_attachment_are_signed_at_the_top_right_of_their_first_page(
        archived, tmp_path):
    staff = actor("thuky")
    copy = service.electronic_copy(staff, archived.id)
    widgets = _widgets(copy)
    assert list(widgets) == [service.COPY_FIELD]  # the original's signatures drawn flat
    page, box = widgets[service.COPY_FIELD]
    assert page == 0 and box[2] > 595.3 - 60 and box[3] > 841.9 - 20  # top right of page 1
    reports = signing.validate_pdf(copy, signing_keys.trust_roots(2))
    assert [(r.field_name, r.status) for r in reports] == [(service.COPY_FIELD, signing.VALID)]
    assert pdfsig(copy, tmp_path) == {service.COPY_FIELD: POPPLER_VALID}
    top = pdftotext(copy, tmp_path)
    assert "SAO Y — Số: 01/NQ-HĐND" in top and "HỘI ĐỒNG NHÂN DÂN XÃ TÂN PHÚ" in top
    assert render(copy, SHOTS / "electronic-copy-page-1.png", dpi=100).stat().st_size

    attachment = service.sign_attachment(staff, archived.id, draft_pdf(1, "Phụ lục",
                                                                       number=None),
                                         filename="phu-luc.pdf")
    page, box = _widgets(attachment)[service.COPY_FIELD]
    assert page == 0 and box[2] > 595.3 - 60 and box[3] > 841.9 - 20
    [report] = signing.validate_pdf(attachment, signing_keys.trust_roots(2))
    assert report.status == signing.VALID
    assert "PHỤ LỤC KÈM THEO NGHỊ QUYẾT SỐ 01/NQ-HĐND" in pdftotext(attachment, tmp_path)
    with pytest.raises(service.Invalid):
        service.electronic_copy(staff, archived.id, form="bản nháp")


def test_the_heading_and_closing_follow_the_councils_configuration():
    from paperless.domain import resolutions as rules

    assert [rules.roman(n) for n in (1, 4, 9, 11, 12, 14, 40)] == \
        ["I", "IV", "IX", "XI", "XII", "XIV", "XL"]
    assert [rules.ordinal_words(n) for n in (1, 2, 4, 5, 10, 14, 15, 21, 24, 25)] == \
        ["nhất", "hai", "tư", "năm", "mười", "mười bốn", "mười lăm", "hai mươi mốt",
         "hai mươi tư", "hai mươi lăm"]
    assert rules.session_line(12, "2026–2031", 5) == "KHÓA XII, KỲ HỌP THỨ NĂM"
    assert rules.session_line(12, "2026–2031", 5, "digits") == "KHÓA XII, KỲ HỌP THỨ 5"
    assert rules.session_line(None, "2026–2031", 2) == "NHIỆM KỲ 2026–2031, KỲ HỌP THỨ HAI"
    assert rules.subject_line("Nghị quyết về dự toán") == "Về dự toán"
    assert rules.closing_formula("Hội đồng nhân dân xã Tân Phú", 12, "", 5, date(2026, 12, 5),
                                 date(2027, 1, 1)) == (
        "Nghị quyết này đã được Hội đồng nhân dân xã Tân Phú khóa XII, kỳ họp thứ năm thông "
        "qua ngày 05 tháng 12 năm 2026 và có hiệu lực từ ngày 01 tháng 01 năm 2027.")
    assert rules.recipients("Thường trực HĐND tỉnh\n- UBND xã;\n\nLưu: VT") == \
        ["- Thường trực HĐND tỉnh;", "- UBND xã;", "- Lưu: VT."]
    with pytest.raises(rules.RuleError):
        rules.roman(0)


def test_a_final_pdf_without_its_number_is_refused_and_uses_no_number(demo, monkeypatch):
    monkeypatch.delenv(signing_keys.PASSPHRASE_ENV, raising=False)
    make_test_ca()
    vote = passed_vote(with_draft=False)
    [res] = service.list_for_meeting(actor("thuky"), vote["meeting_id"])
    for body, code in ((draft_pdf(1, number="07/NQ-HĐND"), "number_missing"),
                       (draft_pdf(1, signature_place=False), "signature_place_missing")):
        with pytest.raises(ServiceError) as refused:
            service.issue(actor("thuky"), res.id, verify_base_url=BASE, upload=body,
                          filename="nq.pdf")
        assert refused.value.code == code
    db.session.refresh(res)
    assert (res.state, res.number) == ("to_issue", None)
    issued = service.issue(actor("thuky"), res.id, verify_base_url=BASE, upload=draft_pdf(1),
                           filename="nq.pdf")
    assert issued.number == 1  # the refused attempts left no hole


def _landscape_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=landscape(A4))
    c.drawString(60, 500, "Phu luc: bang du toan chi tiet")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_copies_and_attachments_over_the_api_and_the_page(archived, client, tmp_path):
    from tests.support import login, token_for

    rid = archived.id
    url = f"/api/v1/resolutions/{rid}"
    staff = token_for(client, "thuky")
    for other in ("chutoa", "daibieu07"):  # the chair and a delegate may not make copies
        headers = token_for(client, other)
        assert client.post(f"{url}/copies", headers=headers, json={}).status_code == 403
        assert client.post(f"{url}/attachments", headers=headers, data={
            "file": (io.BytesIO(draft_pdf(1)), "p.pdf")}).status_code == 403
    _, signed = service.file_of(actor("thuky"), rid, "signed")
    pages = official.page_count(signed)
    assert pages >= 2

    # sao y: the whole text, signed at the top right of page 1, valid for poppler and us
    made = client.post(f"{url}/copies", headers=staff, json={"form": "sao_y"})
    assert made.status_code == 201 and made.mimetype == "application/pdf"
    copy = made.get_data()
    assert official.page_count(copy) == pages
    page, box = _widgets(copy)[service.COPY_FIELD]
    assert page == 0 and box[2] > 595.3 - 60 and box[3] > 841.9 - 20
    assert pdfsig(copy, tmp_path) == {service.COPY_FIELD: POPPLER_VALID}
    # trích sao: only the pages asked for, named on the stamp
    part = client.post(f"{url}/copies", headers=staff, json={"form": "trich_sao", "pages": "1"})
    assert part.status_code == 201, part.get_json()
    extract = part.get_data()
    assert official.page_count(extract) == 1
    assert "TRÍCH SAO — Số: 01/NQ-HĐND (trang 1)" in _flat(pdftotext(extract, tmp_path))
    [report] = signing.validate_pdf(extract, signing_keys.trust_roots(2))
    assert (report.field_name, report.status) == (service.COPY_FIELD, signing.VALID)
    for body, code in (({"form": "trich_sao"}, "pages_required"),
                       ({"form": "trich_sao", "pages": f"1-{pages}"}, "pages_required"),
                       ({"form": "sao_y", "pages": "1"}, "pages_not_allowed"),
                       ({"form": "trich_sao", "pages": "2-99"}, "invalid_pages"),
                       ({"form": "trich_sao", "pages": "a-b"}, "invalid_pages"),
                       ({"form": "ban_nhap"}, "invalid_copy_form")):
        refused = client.post(f"{url}/copies", headers=staff, json=body)
        assert refused.status_code == 422 and refused.get_json()["error"]["code"] == code, body

    # an attachment in landscape: signed at the top right of its own first page
    attached = client.post(f"{url}/attachments", headers=staff,
                           data={"file": (io.BytesIO(_landscape_pdf()), "phu-luc.pdf")})
    assert attached.status_code == 201, attached.get_json()
    signed_attachment = attached.get_data()
    page, box = _widgets(signed_attachment)[service.COPY_FIELD]
    assert page == 0 and 841.9 - 60 < box[2] <= 841.9 and 595.3 - 20 < box[3] <= 595.3
    assert pdfsig(signed_attachment, tmp_path) == {service.COPY_FIELD: POPPLER_VALID}
    [report] = signing.validate_pdf(signed_attachment, signing_keys.trust_roots(2))
    assert report.status == signing.VALID
    # an attachment that is already signed cannot take the council's field afterwards
    again = client.post(f"{url}/attachments", headers=staff,
                        data={"file": (io.BytesIO(signed_attachment), "phu-luc.pdf")})
    assert again.status_code == 422
    assert again.get_json()["error"]["code"] == "field_already_signed"
    for data, code in (({}, "file_required"),
                       ({"file": (io.BytesIO(b"not a pdf"), "x.pdf")}, None)):
        refused = client.post(f"{url}/attachments", headers=staff, data=data)
        assert refused.status_code == 422, refused.get_json()
        assert code is None or refused.get_json()["error"]["code"] == code

    # the page: the secretariat sees both forms, and the copy comes back signed
    login(client, "thuky")
    page_html = client.get(f"/resolutions/{rid}").get_data(as_text=True)
    assert 'data-testid="copy-form"' in page_html and 'data-testid="attachment-form"' in page_html
    downloaded = client.post(f"/resolutions/{rid}/copies", data={"form": "sao_luc"})
    assert downloaded.status_code == 200 and downloaded.mimetype == "application/pdf"
    assert "SAO LỤC — Số: 01/NQ-HĐND" in pdftotext(downloaded.get_data(), tmp_path)
    bad = client.post(f"/resolutions/{rid}/copies", data={"form": "trich_sao", "pages": "x"},
                      follow_redirects=True)
    assert "không hợp lệ" in bad.get_data(as_text=True)


def test_pages_of_a_copy():
    from paperless.domain import resolutions as rules

    assert rules.extract_pages("", 3) == [1, 2, 3]
    assert rules.extract_pages("3, 1-2,2", 5) == [1, 2, 3]
    assert rules.extract_pages(" 2 – 4 ", 5) == [2, 3, 4]
    for bad in ("0", "3-2", "6", "1-", "-1", "1,,2", "١", "1-2-3", "9" * 7,
                ",".join(["1"] * 51)):
        with pytest.raises(rules.RuleError):
            rules.extract_pages(bad, 5)
    assert rules.copy_pages("sao_y", None, 4) == [1, 2, 3, 4]
    assert rules.copy_pages("trich_sao", "2", 4) == [2]
    for form, spec in (("sao_luc", "1"), ("trich_sao", ""), ("trich_sao", "1-4"),
                       ("ban_nhap", None)):
        with pytest.raises(rules.RuleError):
            rules.copy_pages(form, spec, 4)
