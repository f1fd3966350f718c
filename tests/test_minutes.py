"""Biên bản kỳ họp: built from the record of a demo session, edited, sealed with the
audit chain's head, signed and validated (our validator and poppler's pdfsig)."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from paperless import db
from paperless.models import AuditEntry, Meeting, Minutes
from paperless.services import audit, minutes, signing_keys
from paperless.services.errors import ServiceError
from tests import session_script as script
from tests.support import login, token_for


@pytest.fixture
def meeting(demo):
    return db.session.scalar(select(Meeting))


@pytest.fixture
def session(meeting):
    return script.demo_session(meeting)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "") for page in reader.pages).split())


def test_minutes_hold_attendance_votes_in_legal_wording_and_questions(meeting, session):
    pdf = minutes.preview_pdf(script.actor("thuky"), meeting.id)
    text = _text(pdf)
    assert "BIÊN BẢN KỲ HỌP" in text and meeting.title in text
    assert "Có mặt: 27; vắng có lý do: 1; vắng không lý do: 1; chưa điểm danh: 1" in text
    for delegate in session["delegates"][:27]:
        assert delegate.full_name in text
    assert f"{session['excused'].full_name} (Đi công tác)" in text
    assert f"vắng không lý do: {session['absent'].full_name}" in text
    assert f"chưa điểm danh: {session['unmarked'].full_name}" in text
    for vote in session["votes"]:
        db.session.refresh(vote)
        assert vote.result["statement"]
        for line in vote.result["statement"]:
            assert " ".join(line.split()) in text, line
    assert "Tán thành: 24/30 đại biểu, chiếm 80,00% tổng số đại biểu" in text
    assert "Kết quả: được thông qua" in text
    for slip in session["questions"]:
        assert slip.text in text
    assert "Do vướng giải phóng mặt bằng; hoàn thành trong quý II." in text
    # speakers, by agenda item, with the time they spoke
    assert f"{session['delegates'][3].full_name} — phát biểu" in text
    assert f"{session['delegates'][5].full_name} — tranh luận" in text
    assert "(Dự thảo — chưa hoàn tất)" in text


def test_sections_are_edited_then_sealed_and_frozen(client, meeting, session):
    headers = token_for(client, "thuky")
    url = f"/api/v1/meetings/{meeting.id}/minutes"
    edited = client.put(url, headers=headers, json={"sections": {
        "discussion": "Các đại biểu thống nhất cao với dự toán ngân sách.",
        "conclusion": "Chủ tọa kết luận và bế mạc kỳ họp lúc 16 giờ."}})
    assert edited.status_code == 200, edited.get_json()
    bad = client.put(url, headers=headers, json={"sections": {"votes": "sửa kết quả"}})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_section"
    assert client.put(url, headers=token_for(client, "daibieu02"),
                      json={"sections": {"conclusion": "x"}}).status_code == 403

    head_before = audit.head()
    final = client.post(url + "/finalize", headers=headers)
    assert final.status_code == 200, final.get_json()
    row = db.session.get(Minutes, meeting.id)
    db.session.refresh(row)
    assert row.status == "final" and (row.head_seq, row.head_hash) == head_before
    text = _text(client.get(url + "/pdf", headers=headers).get_data())
    assert f"đến mục số {head_before[0]}" in text and head_before[1] in text
    assert "Các đại biểu thống nhất cao với dự toán ngân sách." in text
    assert "(Dự thảo" not in text
    entry = db.session.get(AuditEntry, head_before[0] + 1)
    assert entry.action == "minutes.finalized"
    assert entry.details == {"head_seq": head_before[0], "head_hash": head_before[1],
                             "sha256": row.pdf_sha256}
    assert audit.verify().ok

    again = client.put(url, headers=headers, json={"sections": {"conclusion": "đổi"}})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "minutes_final"
    assert client.post(url + "/finalize", headers=headers).status_code == 409
    db.session.refresh(row)
    assert row.sections["conclusion"].startswith("Chủ tọa kết luận")


def test_minutes_are_final_only_after_the_meeting_closes(meeting):
    script.open_session(meeting)
    with pytest.raises(ServiceError) as refused:
        minutes.finalize(script.actor("thuky"), meeting.id)
    assert refused.value.code == "meeting_not_closed"


@pytest.fixture
def keys(app, meeting, tmp_path, monkeypatch):
    """A TEST PKI written into the application's signing layout."""
    from signing import testca

    pki = testca.make_test_pki(tmp_path / "pki", chair_name="Nguyễn Văn Hùng",
                               organisation_name="HỘI ĐỒNG NHÂN DÂN XÃ TÂN PHÚ")
    folder = signing_keys.folder() / f"council-{meeting.council_id}"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(pki.chair.p12, folder / "chair.p12")
    shutil.copy(pki.organisation.p12, folder / "organisation.p12")
    shutil.copy(pki.root.cert_pem, folder.parent / "ca.pem")
    monkeypatch.setenv("PAPERLESS_SIGNING_PASSPHRASE", pki.passphrase.decode())
    return pki


def test_signed_minutes_validate_with_our_validator_and_pdfsig(client, meeting, session, keys,
                                                               tmp_path):
    import signing

    url = f"/api/v1/meetings/{meeting.id}/minutes"
    assert client.post(url + "/finalize", headers=token_for(client, "thuky")).status_code == 200
    assert client.post(url + "/sign", headers=token_for(client, "thuky")).status_code == 403
    signed = client.post(url + "/sign", headers=token_for(client, "chutoa"))
    assert signed.status_code == 200, signed.get_json()
    assert signed.get_json()["status"] == "signed"
    row = db.session.get(Minutes, meeting.id)
    db.session.refresh(row)
    sealed = minutes.store().read(row.pdf_sha256)
    pdf = client.get(url + "/pdf", headers=token_for(client, "chutoa")).get_data()
    assert pdf.startswith(sealed)  # the signatures are incremental updates of the sealed file

    reports = [r for r in signing.validate_pdf(pdf, [keys.root.certificate])
               if r.kind == "signature"]
    assert [r.field_name for r in reports] == [signing.SIGNER_FIELD, signing.ORGANISATION_FIELD]
    for report in reports:
        assert report.status == signing.VALID, report.to_dict()
        assert report.intact and report.trusted and not report.modified_after_signing
    assert reports[0].signer_common_name == "Nguyễn Văn Hùng"

    exe = shutil.which("pdfsig")
    assert exe, "pdfsig (poppler-utils) is required"
    path = tmp_path / "signed-minutes.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([exe, str(path)], capture_output=True, text=True).stdout
    verdicts = [line.split(":", 1)[1].strip() for line in out.splitlines()
                if "Signature Validation:" in line]
    assert verdicts == ["Signature is Valid.", "Signature is Valid."], out
    from tests.conftest import ARTIFACTS

    (ARTIFACTS / "minutes-signed.pdf").write_bytes(pdf)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "minutes.signed"))
    assert entry.details["sha256"] == row.signed_pdf_sha256
    assert client.post(url + "/sign", headers=token_for(client, "chutoa")).status_code == 409


def test_signing_without_keys_says_so_and_changes_nothing(client, meeting, session):
    url = f"/api/v1/meetings/{meeting.id}/minutes"
    client.post(url + "/finalize", headers=token_for(client, "thuky"))
    refused = client.post(url + "/sign", headers=token_for(client, "chutoa"))
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "signing_unavailable"
    assert "khóa ký số" in refused.get_json()["error"]["message"]
    assert db.session.get(Minutes, meeting.id).status == "final"


def test_minutes_page_for_the_secretariat(app, meeting, session):
    page = login(app.test_client(), "thuky").get(f"/meetings/{meeting.id}/minutes")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Tóm tắt ý kiến thảo luận" in html and "textarea" in html
    assert login(app.test_client(), "daibieu03").get(
        f"/meetings/{meeting.id}/minutes").status_code == 403


def test_hostile_section_text_is_printed_as_text(client, meeting, session):
    headers = token_for(client, "thuky")
    url = f"/api/v1/meetings/{meeting.id}/minutes"
    hostile = '<font name="Nope">x</font> </para><b>&amp; =HYPERLINK("http://x")'
    assert client.put(url, headers=headers,
                      json={"sections": {"discussion": hostile + "\x00"}}).status_code == 200
    text = _text(client.get(url + "/pdf", headers=headers).get_data())
    assert '<font name="Nope">x</font> </para><b>&amp; =HYPERLINK("http://x")' in text
    for body in ({"sections": {"discussion": 5}}, {"sections": "x"}, {"nothing": 1}, [1, 2]):
        refused = client.put(url, headers=headers, json=body)
        assert refused.status_code == 422, body
    too_long = client.put(url, headers=headers, json={"sections": {"opening": "a" * 20001}})
    assert too_long.status_code == 422
    assert client.get(url, headers=headers).get_json()["sections"]["discussion"] == hostile


def test_minutes_list_the_resolutions_issued_at_the_meeting(meeting, session):
    from datetime import date

    from paperless.models import Resolution

    for number, state in ((1, "archived"), (None, "to_issue")):
        db.session.add(Resolution(
            council_id=meeting.council_id, meeting_id=meeting.id, title=f"Nghị quyết {state}",
            public_id=f"pub-{state}", signatures=[], state=state, year=2026 if number else None,
            number=number, number_text=f"{number:02d}/NQ-HĐND" if number else "",
            issued_on=date(2026, 12, 5) if number else None))
    db.session.commit()
    text = _text(minutes.preview_pdf(script.actor("thuky"), meeting.id))
    assert ("Nghị quyết số 01/NQ-HĐND ngày 05/12/2026: Nghị quyết archived (đã ký số, lưu trữ)"
            in text)
    assert "Nghị quyết to_issue" not in text  # not issued: no number, not in the minutes
