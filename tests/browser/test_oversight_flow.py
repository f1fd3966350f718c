"""The oversight cycle in Chromium: a delegate group records a meeting with voters and three
petitions, the secretariat forwards them, an official answers one, the session's report
lists all three with their state; an answer's commitment becomes overdue and the chair puts
it on the next meeting's agenda. Screenshots in tests/artifacts/oversight."""

import io
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from paperless import db
from paperless.models import Council, Meeting, MeetingInvitee
from paperless.services import meetings as meeting_service
from paperless.services import oversight, questioning
from tests.browser.test_live_flow import _page
from tests.conftest import ARTIFACTS
from tests.resolution_support import actor

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "oversight"
PETITIONS = ("Đề nghị sửa cầu treo ấp 4 đã xuống cấp nghiêm trọng.",
             "Đề nghị mở rộng điểm trường mầm non ấp 4.",
             "Đề nghị xử lý tình trạng khai thác cát trái phép trên sông.")


def _setup():
    """An answered question of the demo session and a later standing-committee sitting."""
    staff = actor("thuky")
    session = db.session.scalar(select(Meeting).order_by(Meeting.id))
    official = db.session.scalar(select(MeetingInvitee.id).where(
        MeetingInvitee.meeting_id == session.id, MeetingInvitee.full_name == "Trần Quốc Bảo"))
    slip = questioning.file_slip(staff, session.id, official_id=official, topic="Chợ xã",
                                 text="Khi nào sửa xong mái chợ xã?", delegate_id=5)
    questioning.record_answer(staff, slip.id, mode="session",
                              summary="UBND xã hứa sửa xong trong tháng này.")
    later = meeting_service.create_meeting(
        staff, term_id=session.term_id, kind="thuong_truc",
        title="Phiên họp Thường trực HĐND tháng sau", number=None, place="Phòng họp HĐND",
        start_date=session.start_date + timedelta(days=30),
        end_date=session.start_date + timedelta(days=30))
    ids = {"council_id": session.council_id, "session_id": session.id, "slip_id": slip.id,
           "later_id": later.id, "session_title": session.title}
    db.session.remove()
    return ids


def test_voters_petitions_and_a_commitment_followed_up(live_server, browser, monkeypatch):
    SHOTS.mkdir(parents=True, exist_ok=True)
    ids = _setup()
    base, council = live_server, ids["council_id"]

    # 1. a delegate of Tổ đại biểu số 1 records the meeting with voters and three petitions
    delegate = _page(browser, base, "daibieu07")
    delegate.goto(f"{base}/councils/{council}/petitions")
    form = delegate.locator("[data-testid=record-voter-meeting]")
    assert form.locator("select[name=group_id] option").all_inner_texts() == ["Tổ đại biểu số 1"]
    form.locator("select[name=session_id]").select_option(str(ids["session_id"]))
    form.locator("input[name=voters_present]").fill("112")
    form.locator("input[name=place]").fill("Hội trường ấp 4")
    fields = ("giao_thong", "giao_duc", "dat_dai")
    for i, (text, field) in enumerate(zip(PETITIONS, fields, strict=True)):
        form.locator("textarea[name=petition_text]").nth(i).fill(text)
        form.locator("select[name=petition_field]").nth(i).select_option(field)
    form.locator("button[type=submit]").click()
    delegate.wait_for_selector("text=Đã ghi nhận cuộc tiếp xúc cử tri và 3 kiến nghị.")
    for text in PETITIONS:
        assert delegate.locator(f"[data-testid=petitions] tr[data-petition-id]:has-text('{text}')"
                                ).count() == 1
    delegate.screenshot(path=SHOTS / "01-delegate-voters-meeting.png", full_page=True)

    # 2. the secretariat forwards them: two to UBND xã, one to the police
    staff = _page(browser, base, "thuky")
    staff.goto(f"{base}/councils/{council}/petitions?session_id={ids['session_id']}")
    bodies = ("UBND xã Tân Phú", "UBND xã Tân Phú", "Công an xã Tân Phú")
    for text, body in zip(PETITIONS, bodies, strict=True):
        row = staff.locator(f"[data-testid=petitions] tr[data-petition-id]:has-text('{text}')")
        actions = staff.locator(f"[data-actions-for='{row.get_attribute('data-petition-id')}']")
        actions.locator("select[name=body_id]").select_option(label=body)
        actions.locator("button:has-text('Chuyển')").click()
        staff.wait_for_selector("text=Đã chuyển kiến nghị tới cơ quan giải quyết.")
    for text in PETITIONS:
        row = staff.locator(f"[data-testid=petitions] tr[data-petition-id]:has-text('{text}')")
        assert "Đang chờ trả lời" in row.inner_text()
    staff.screenshot(path=SHOTS / "02-secretariat-forwarded.png", full_page=True)

    # 3. the official of UBND xã sees only their body's petitions and answers one
    official = _page(browser, base, "ubnd")
    official.goto(f"{base}/councils/{council}/petitions?session_id={ids['session_id']}")
    table = official.locator("[data-testid=petitions]")
    assert table.locator(f"tr:has-text('{PETITIONS[2]}')").count() == 0  # the police's
    row = table.locator(f"tr[data-petition-id]:has-text('{PETITIONS[0]}')")
    actions = table.locator(f"[data-actions-for='{row.get_attribute('data-petition-id')}']")
    actions.locator("textarea[name=answer]").fill("UBND xã đã bố trí vốn sửa cầu trong quý I.")
    actions.locator("button:has-text('Gửi trả lời')").click()
    official.wait_for_selector("text=Đã ghi nhận trả lời kiến nghị.")
    assert "Đã trả lời đúng hạn" in table.locator(
        f"tr[data-petition-id]:has-text('{PETITIONS[0]}')").inner_text()
    official.screenshot(path=SHOTS / "03-official-answered.png", full_page=True)

    # 4. the report for the session lists all three, each with its state
    report = staff.request.get(
        f"{base}/api/v1/meetings/{ids['session_id']}/petition-report?format=pdf")
    assert report.status == 200 and report.headers["content-type"] == "application/pdf"
    from pypdf import PdfReader

    text = " ".join(" ".join(p.extract_text().split())
                    for p in PdfReader(io.BytesIO(report.body())).pages)
    for petition in PETITIONS:
        assert " ".join(petition.split()[:4]) in text, petition
    assert text.count("Đã trả lời đúng hạn") >= 1 and text.count("Đang chờ trả lời") >= 2
    pdf_path = SHOTS / "04-petition-report.pdf"
    pdf_path.write_bytes(report.body())
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf_path), str(SHOTS / "04-petition-report")], check=True)

    # 5. the secretariat records the commitment made in the answer, due tomorrow
    staff.goto(f"{base}/councils/{council}/commitments")
    tomorrow = oversight.today_of(db.session.get(Council, council)) + timedelta(days=1)
    db.session.remove()
    form = staff.locator("[data-testid=record-commitment]")
    form.locator("select[name=source]").select_option("question")
    form.locator("select[name=question_slip_id]").select_option(str(ids["slip_id"]))
    form.locator("textarea[name=text]").fill("Sửa xong mái chợ xã")
    form.locator("input[name=committed_by]").fill("Chủ tịch UBND xã")
    form.locator("select[name=body_id]").select_option(label="UBND xã Tân Phú")
    form.locator("input[name=deadline]").fill(tomorrow.isoformat())
    form.locator("button[type=submit]").click()
    staff.wait_for_selector("text=Đã ghi nhận lời hứa.")
    card = staff.locator("[data-testid=commitments] article:has-text('Sửa xong mái chợ xã')")
    assert "Đang thực hiện" in card.inner_text()

    # two days later (in the council's time zone) it is overdue
    later = datetime.now(UTC) + timedelta(days=2)
    monkeypatch.setattr(oversight, "_now", lambda: later)
    chair = _page(browser, base, "chutoa")
    chair.goto(f"{base}/chair")
    assert "lời hứa, kiến nghị giám sát đã quá hạn" in chair.inner_text(
        "[data-testid=oversight-home]")
    chair.goto(f"{base}/councils/{council}/commitments")
    flagged = chair.locator("[data-testid=overdue-commitments]")
    assert "Sửa xong mái chợ xã" in flagged.inner_text()
    card = chair.locator("[data-testid=commitments] article:has-text('Sửa xong mái chợ xã')")
    assert "Quá hạn chưa thực hiện" in card.inner_text()
    chair.screenshot(path=SHOTS / "05-chair-overdue.png", full_page=True)

    # 6. the chair puts it on the next meeting's agenda, linked back to the answer
    card.locator("select[name=meeting_id]").select_option(str(ids["later_id"]))
    card.locator("button:has-text('Đưa vào chương trình')").click()
    chair.wait_for_selector("text=Đã đưa vào chương trình kỳ họp")
    card = chair.locator("[data-testid=commitments] article:has-text('Sửa xong mái chợ xã')")
    assert "Phiên họp Thường trực HĐND tháng sau" in card.inner_text() or \
        "Chất vấn lại" in card.inner_text()
    chair.screenshot(path=SHOTS / "06-chair-on-agenda.png", full_page=True)
    chair.goto(f"{base}/meetings/{ids['later_id']}")
    agenda = chair.inner_text("#agenda")
    assert "Chất vấn lại: Sửa xong mái chợ xã" in agenda
    assert "trả lời phiếu chất vấn số" in agenda  # linked back to where it started
    chair.screenshot(path=SHOTS / "07-next-meeting-agenda.png", full_page=True)

    # the other oversight pages and the emulation figures, as the secretariat sees them
    for name, path in (("08-supervision", "supervision"), ("09-receptions", "receptions")):
        staff.goto(f"{base}/councils/{council}/{path}")
        staff.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    assert "Nguyễn Văn Tư" in staff.inner_text("[data-testid=citizen-petitions]")  # staff only
    staff.goto(f"{base}/councils/{council}/statistics")
    staff.wait_for_function("() => document.body.dataset.chartsReady === '4'")
    assert int(staff.inner_text("[data-testid=stat-voter-meetings]")) >= 1  # ours, today
    staff.screenshot(path=SHOTS / "10-statistics-oversight.png", full_page=True)
