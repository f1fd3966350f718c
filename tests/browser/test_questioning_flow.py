"""Questioning in Chromium: slip → group → the floor with timers → written answer → delegate."""

import pytest

from tests.browser.test_live_flow import _online, _page
from tests.conftest import ARTIFACTS, CORPUS

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "questioning"
XSS = 'Đường liên xã khi nào xong? <script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def _no_script_ran(page):
    assert page.evaluate("() => window.__xss") is None


def test_questioning_from_slip_to_written_answer(live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    delegate = _page(browser, live_server, "daibieu03", size=(1024, 768))
    _online(delegate)
    meeting_id = delegate.evaluate("() => window.__live.meetingId")
    delegate.goto(f"{live_server}/meetings/{meeting_id}/questions")
    delegate.select_option("select[name=official_id]", label="Trần Quốc Bảo — Chủ tịch UBND xã")
    delegate.fill("input[name=topic]", "Giao thông")
    delegate.fill("textarea[name=text]", XSS)
    delegate.click("[data-testid=file-slip] button[type=submit]")
    delegate.wait_for_selector("text=Đã gửi phiếu chất vấn.")
    assert XSS in delegate.inner_text(".slip-text")
    _no_script_ran(delegate)

    staff = _page(browser, live_server, "thuky")
    staff.goto(f"{live_server}/meetings/{meeting_id}/questions")
    assert XSS in staff.inner_text(".slip-text")
    _no_script_ran(staff)
    staff.fill("input[name=title][placeholder='Tên nhóm vấn đề']", "Giao thông nông thôn")
    staff.click("button:has-text('Thêm nhóm vấn đề')")
    staff.select_option(".slip select[name=group_id]", label="Giao thông nông thôn")
    staff.click(".slip button:has-text('Xếp nhóm')")
    staff.wait_for_selector(".slip .state:has-text('Đã đưa vào nhóm vấn đề')")
    staff.screenshot(path=SHOTS / "01-secretariat-slips.png", full_page=True)

    chair = _page(browser, live_server, "chutoa")
    chair.goto(f"{live_server}/meetings/{meeting_id}/console")
    _online(chair)
    screen = _page(browser, live_server, "manhinh")
    _online(screen)
    chair.click("[data-action=open]")
    chair.click(".console-agenda button:has-text('6. Chất vấn')")
    chair.click("[data-list=question-groups] button:has-text('Mở nhóm')")
    screen.wait_for_selector("[data-bind=questioning-title]:has-text('Giao thông nông thôn')")

    delegate.goto(f"{live_server}/meetings/{meeting_id}/live")
    _online(delegate)
    delegate.click("[data-action=check-in]")
    delegate.click("button[value=question]")
    chair.wait_for_selector("[data-list=queue] li:has-text('Chất vấn')")
    chair.click("[data-list=queue] li >> text=Mời phát biểu")
    screen.wait_for_selector(".screen-question:has-text('Đường liên xã khi nào xong?')")
    assert "<script>" in screen.inner_text(".screen-question")
    chair.click("[data-list=answer-officials] button:has-text('Mời Trần Quốc Bảo trả lời')")
    screen.wait_for_selector("[data-bind=answer-name]:has-text('Trần Quốc Bảo')")
    screen.wait_for_function(
        "() => /^4:\\d\\d$/.test(document.querySelector('[data-bind=answer-countdown]').textContent)")
    screen.wait_for_function(
        "() => /^[0-3]:\\d\\d$/.test(document.querySelector('[data-bind=speaker-countdown]').textContent)")
    screen.screenshot(path=SHOTS / "02-screen-question-and-answer.png")
    for page in (screen, chair, delegate):
        _no_script_ran(page)

    staff.reload()
    staff.click(".slip summary:has-text('Ghi nhận trả lời')")
    staff.check(".slip input[name=mode][value=written]")
    staff.click(".slip details button:has-text('Lưu')")
    staff.wait_for_selector(".slip .state:has-text('Sẽ trả lời bằng văn bản')")

    official = _page(browser, live_server, "ubnd")
    official.goto(f"{live_server}/meetings/{meeting_id}/questions")
    assert XSS in official.inner_text(".slip-text")
    official.set_input_files(".slip input[type=file]", str(CORPUS / "pdf" / "minimal-document.pdf"))
    official.click(".slip button:has-text('Tải lên văn bản trả lời')")
    official.wait_for_selector("text=Đã tải lên văn bản trả lời.")
    _no_script_ran(official)
    official.screenshot(path=SHOTS / "03-official.png", full_page=True)

    delegate.goto(f"{live_server}/meetings/{meeting_id}/questions")
    delegate.wait_for_selector(".slip .state:has-text('Đã trả lời bằng văn bản')")
    assert delegate.locator(".slip a:has-text('Văn bản trả lời')").count() == 1
    delegate.screenshot(path=SHOTS / "04-delegate-sees-answer.png", full_page=True)
    _no_script_ran(delegate)
