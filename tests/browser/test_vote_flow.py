"""A vote in Chromium: the chair prepares and opens it, three tablets vote, the screen counts."""

import pytest

from tests.browser.test_live_flow import _online, _page
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "votes"


def test_three_tablets_vote_and_the_screen_shows_the_result(live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    chair = _page(browser, live_server, "chutoa")
    chair.click("text=Bàn điều hành phiên họp")
    _online(chair)
    chair.click("[data-action=open]")
    chair.wait_for_selector("[data-bind=current-title]:has-text('1. Khai mạc')")
    chair.click(".console-agenda button:has-text('7. Xem xét, thông qua Nghị quyết về dự toán')")
    chair.wait_for_selector("[data-bind=current-title]:has-text('7. Xem xét')")

    tablets = []
    for username in ("daibieu02", "daibieu03", "daibieu04"):
        tablet = _page(browser, live_server, username, size=(1024, 768))
        _online(tablet)
        tablet.click("[data-action=check-in]")
        tablet.wait_for_selector("text=✓ Đã điểm danh")
        tablets.append(tablet)
    screen = _page(browser, live_server, "manhinh")
    _online(screen)

    chair.click("summary:has-text('Chuẩn bị biểu quyết')")
    assert "dự toán" in chair.input_value("[data-form=vote] input[name=title]")
    chair.click("[data-form=vote] button[type=submit]")
    chair.click("[data-list=votes] button:has-text('Mở biểu quyết')")
    screen.wait_for_selector("[data-bind=vote-progress]:has-text('Đã nhận 0 phiếu')")
    screen.screenshot(path=SHOTS / "01-screen-open.png")

    choices = ["Tán thành", "Tán thành", "Không tán thành"]
    for count, (tablet, choice) in enumerate(zip(tablets, choices, strict=True), start=1):
        tablet.wait_for_selector(f"button.choice:has-text('{choice}')")
        tablet.click(f"button.choice:text-is('{choice}')")
        tablet.wait_for_selector(f"[data-bind=vote-mine]:has-text('Đã nhận phiếu: {choice}')")
        screen.wait_for_selector(f"[data-bind=vote-progress]:has-text('Đã nhận {count} phiếu')")
        assert choice not in screen.inner_text("#screen")  # counts, never content, while open
    tablets[0].screenshot(path=SHOTS / "02-tablet-voted.png", full_page=True)
    screen.screenshot(path=SHOTS / "03-screen-counting.png")

    chair.click("[data-list=votes] button:has-text('Kết thúc biểu quyết')")
    chair.wait_for_selector(".console-vote .statement:has-text('Tán thành: 2/30 đại biểu')")
    chair.click("[data-list=votes] button:has-text('Công bố kết quả')")
    screen.wait_for_selector(".verdict:has-text('KHÔNG ĐƯỢC THÔNG QUA')")
    assert "Tán thành" in screen.inner_text(".bar-chart")
    for tablet in tablets:
        tablet.wait_for_selector(".statement:has-text('Tán thành: 2/30 đại biểu, chiếm 6,67% "
                                 "tổng số đại biểu')")
    screen.screenshot(path=SHOTS / "04-screen-result.png")
    tablets[2].screenshot(path=SHOTS / "05-tablet-result.png", full_page=True)
    chair.screenshot(path=SHOTS / "06-console-result.png", full_page=True)


def test_a_hand_count_entered_by_the_secretariat_and_confirmed_by_the_chair(live_server,
                                                                            browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    chair = _page(browser, live_server, "chutoa")
    chair.click("text=Bàn điều hành phiên họp")
    _online(chair)
    console_url = chair.url
    chair.click("[data-action=open]")
    chair.wait_for_selector("[data-bind=current-title]:has-text('1. Khai mạc')")
    chair.click(".console-agenda button:has-text('7. Xem xét, thông qua Nghị quyết về dự toán')")
    chair.wait_for_selector("[data-bind=current-title]:has-text('7. Xem xét')")
    chair.click("summary:has-text('Chuẩn bị biểu quyết')")
    chair.click("[data-form=vote] button[type=submit]")
    chair.wait_for_selector("[data-list=votes] button:has-text('Mở biểu quyết')")
    screen = _page(browser, live_server, "manhinh")
    _online(screen)

    secretary = _page(browser, live_server, "thuky")
    secretary.goto(console_url)
    _online(secretary)
    secretary.click("summary:has-text('Nhập kết quả kiểm thủ công')")
    form = "[data-testid^=manual-form-]"
    secretary.fill(f"{form} input[name=count-yes]", "24")
    secretary.focus(f"{form} input[name=count-no]")
    secretary.evaluate(f"() => {{ document.querySelector('{form}').dataset.marked = 'yes'; }}")
    # live events arrive while the form is being filled: it stays as it is, focus included
    for action in ("pause", "resume"):
        assert chair.evaluate("(a) => window.__live.command('live:phase', {action: a})",
                              action)["ok"]
        secretary.wait_for_function(
            f"() => window.__live.state.phase === '{'paused' if action == 'pause' else 'running'}'")
    assert secretary.evaluate(
        f"() => document.querySelector('{form}').dataset.marked === 'yes' && "
        f"document.activeElement === document.querySelector('{form} input[name=count-no]')")
    assert secretary.input_value(f"{form} input[name=count-yes]") == "24"
    for name, value in (("count-no", "3"), ("count-abstain", "1"),
                        ("ballots_issued", "28"), ("note", "Biểu quyết bằng hình thức giơ tay")):
        secretary.fill(f"{form} input[name={name}]", value)
    secretary.click(f"{form} button[type=submit]")
    secretary.wait_for_selector("[data-testid^=manual-pending-]")

    # the chair's console shows what was entered, to confirm
    chair.wait_for_selector("[data-testid^=manual-pending-]:has-text('Tán thành: 24')")
    chair.screenshot(path=SHOTS / "07-console-manual-pending.png", full_page=True)
    chair.click("[data-testid^=manual-pending-] button:has-text('Xác nhận kết quả')")
    chair.wait_for_selector(".console-vote .manual-count:has-text('KẾT QUẢ KIỂM THỦ CÔNG')")
    chair.click("[data-list=votes] button:has-text('Công bố kết quả')")
    screen.wait_for_selector(".manual-count:has-text('KẾT QUẢ KIỂM THỦ CÔNG')")
    # (the screen draws the chart and verdict; the statement lines are on the tablets)
    screen.wait_for_selector(".verdict:has-text('ĐƯỢC THÔNG QUA')")
    screen.screenshot(path=SHOTS / "08-screen-manual-result.png")
