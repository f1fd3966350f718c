"""Opinions on the budget draft in Chromium: two delegates mark a passage, a group secretary
records one for the group, the secretariat merges two, the drafting agency's official answers,
the report lists each opinion with its answer, and the chair opens a vote on one point."""

import io

import pytest
from sqlalchemy import select

from paperless import db
from paperless.models import Delegate, Meeting, MeetingInvitee
from tests.browser.test_live_flow import _online, _page
from tests.conftest import ARTIFACTS
from tests.support import token_for
from tests.test_opinions import NEW, OLD, draft_pdf

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "opinions"
PASSAGE = "Dự toán thu ngân sách xã năm 2027 là 12 tỷ đồng."


def _budget_draft(app) -> int:
    """The secretariat uploads and publishes the budget draft on item 7, drafted by the
    Trưởng phòng Kinh tế; delegate no. 7 is the secretary of their group."""
    client = app.test_client()
    staff = token_for(client, "thuky")
    meeting = db.session.scalar(select(Meeting))
    item = sorted(meeting.agenda_items, key=lambda i: i.position)[6]
    uploaded = client.post(f"/api/v1/meetings/{meeting.id}/documents", headers=staff,
                           data={"file": (io.BytesIO(draft_pdf(OLD)), "du-thao.pdf"),
                                 "title": "Dự thảo Nghị quyết dự toán ngân sách 2027",
                                 "agenda_item_id": str(item.id)},
                           content_type="multipart/form-data")
    document_id = uploaded.get_json()["id"]
    client.post(f"/api/v1/documents/{document_id}/publish", headers=staff)
    official = db.session.scalar(select(MeetingInvitee.id).where(
        MeetingInvitee.full_name == "Lê Thị Mai"))
    client.put(f"/api/v1/documents/{document_id}/drafting-agency", headers=staff,
               json={"invitee_ids": [official]})
    group_id = db.session.get(Delegate, 7).group_id
    assert client.put(f"/api/v1/delegate-groups/{group_id}/secretary", headers=staff,
                      json={"delegate_id": 7}).status_code == 200
    db.session.remove()
    return document_id


def _give(page, base, document_id, text, *, for_group=False):
    page.goto(f"{base}/documents/{document_id}/opinions?page=1&quote={PASSAGE}")
    page.fill("[data-testid=give-opinion] input[name=article]", "Điều 1")
    assert page.input_value("[data-testid=give-opinion] textarea[name=quote]") == PASSAGE
    page.fill("[data-testid=give-opinion] textarea[name=text]", text)
    if for_group:
        page.check("[data-testid=give-opinion] input[name=for_group]")
    page.click("[data-testid=give-opinion] button[type=submit]")
    page.wait_for_selector("text=Đã ghi nhận ý kiến.")


def test_opinions_from_passage_to_report_and_point_vote(app, live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    document_id = _budget_draft(app)

    first = _page(browser, live_server, "daibieu03", size=(1024, 768))
    _give(first, live_server, document_id, "Đề nghị làm rõ nguồn thu từ đất.")
    first.screenshot(path=SHOTS / "01-delegate-opinion.png", full_page=True)
    second = _page(browser, live_server, "daibieu09", size=(1024, 768))
    _give(second, live_server, document_id, "Nguồn thu từ đất chưa chắc chắn.")
    secretary = _page(browser, live_server, "daibieu07", size=(1024, 768))
    _give(secretary, live_server, document_id, "Tổ đề nghị tăng thu lên 13 tỷ đồng.",
          for_group=True)
    assert "Tổ đại biểu số 1" in secretary.inner_text(".opinion .authors")

    staff = _page(browser, live_server, "thuky")
    staff.goto(f"{live_server}/documents/{document_id}/opinions")
    staff.wait_for_selector(".opinion:has-text('Nguồn thu từ đất chưa chắc chắn.')")
    ids = staff.eval_on_selector_all(".opinion", "els => els.map(e => e.dataset.opinionId)")
    assert len(ids) == 3
    staff.check(f".opinion[data-opinion-id='{ids[0]}'] input[name=keep_id]")
    staff.check(f".opinion[data-opinion-id='{ids[1]}'] input[name=opinion_id]")
    staff.click("[data-testid=merge]")
    staff.wait_for_selector("text=Đã gộp các ý kiến trùng.")
    assert staff.inner_text(f".opinion[data-opinion-id='{ids[0]}'] .authors") == \
        "Lê Minh Tuấn, Đỗ Văn Thành"
    assert staff.locator(".opinion").count() == 2
    staff.screenshot(path=SHOTS / "02-secretariat-merged.png", full_page=True)

    official = _page(browser, live_server, "truongphong")
    official.goto(f"{live_server}/documents/{document_id}/opinions")
    answers = {ids[0]: ("explained", "Giữ nguyên 12 tỷ đồng vì nguồn thu đất chưa chắc chắn."),
               ids[2]: ("accepted", "Tiếp thu, nâng dự toán thu lên 13 tỷ đồng.")}
    for opinion_id, (state, text) in answers.items():
        card = f".opinion[data-opinion-id='{opinion_id}']"
        official.click(f"{card} summary:has-text('Trả lời ý kiến')")
        official.check(f"{card} input[name=state][value={state}]")
        official.fill(f"{card} textarea[name=text]", text)
        official.click(f"{card} button:has-text('Lưu trả lời')")
        official.wait_for_selector("text=Đã ghi nhận trả lời.")
        official.wait_for_selector(f"{card} .answer:has-text('{text}')")
    official.screenshot(path=SHOTS / "03-agency-answers.png", full_page=True)
    # another official (not the drafting agency) sees none and cannot answer
    other = _page(browser, live_server, "ubnd")
    other.goto(f"{live_server}/documents/{document_id}/opinions")
    assert other.locator(".opinion").count() == 0

    report = staff.request.get(
        f"{live_server}/api/v1/documents/{document_id}/opinions/response-report")
    assert report.status == 200
    from pypdf import PdfReader

    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(report.body())).pages
                             ).split())
    for needle in ("Đề nghị làm rõ nguồn thu từ đất.", "Lê Minh Tuấn", "Đỗ Văn Thành",
                   "Giữ nguyên 12 tỷ đồng vì nguồn thu đất chưa chắc chắn.",
                   "Tổ đề nghị tăng thu lên 13 tỷ đồng.", "Tiếp thu, nâng dự toán thu lên 13 tỷ đồng.",
                   "Giải trình", "Tiếp thu"):
        assert needle in text, needle
    (SHOTS / "bao-cao-tiep-thu-giai-trinh.pdf").write_bytes(report.body())

    chair = _page(browser, live_server, "chutoa")
    chair.goto(f"{live_server}/documents/{document_id}/opinions")
    chair.click(f".opinion[data-opinion-id='{ids[2]}'] button:has-text('Biểu quyết riêng điểm này')")
    chair.wait_for_selector("text=Đã tạo cuộc biểu quyết riêng")
    chair.wait_for_selector(f".opinion[data-opinion-id='{ids[2]}'] :text('Có biểu quyết riêng')")
    meeting_id = db.session.scalar(select(Meeting.id))
    chair.goto(f"{live_server}/meetings/{meeting_id}/console")
    _online(chair)
    chair.click("[data-action=open]")
    chair.wait_for_selector("[data-bind=current-title]:has-text('1. Khai mạc')")
    chair.click(".console-agenda button:has-text('7. Xem xét, thông qua Nghị quyết về dự toán')")
    chair.wait_for_selector("[data-bind=current-title]:has-text('7. Xem xét')")
    chair.click("[data-list=votes] .console-vote:has-text('Biểu quyết riêng về Điều 1') "
                "button:has-text('Mở biểu quyết')")
    screen = _page(browser, live_server, "manhinh")
    _online(screen)
    screen.wait_for_selector("[data-bind=vote-title]:has-text('Biểu quyết riêng về Điều 1')")
    chair.screenshot(path=SHOTS / "04-chair-point-vote.png", full_page=True)
    screen.screenshot(path=SHOTS / "05-screen-point-vote.png")


def test_difference_view_between_two_versions(app, live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    document_id = _budget_draft(app)
    client = app.test_client()
    revised = client.post(f"/api/v1/documents/{document_id}/versions",
                          headers=token_for(client, "thuky"),
                          data={"file": (io.BytesIO(draft_pdf(NEW)), "du-thao-2.pdf")},
                          content_type="multipart/form-data")
    assert revised.status_code == 201
    db.session.remove()
    delegate = _page(browser, live_server, "daibieu03", size=(1024, 768))
    delegate.goto(f"{live_server}/documents/{document_id}")
    delegate.click("a:has-text('So sánh phiên bản')")
    delegate.wait_for_selector("[data-testid=diff]")
    assert delegate.inner_text("[data-testid=diff] del") == OLD[1]
    assert delegate.inner_text("[data-testid=diff] ins") == NEW[2]
    assert "Thêm 1 câu, bỏ 1 câu." in delegate.inner_text("[data-testid=diff-summary]")
    delegate.screenshot(path=SHOTS / "06-diff.png", full_page=True)
