"""In Debian's Chromium: the secretariat builds a meeting and its agenda; a delegate reads it."""

import pytest

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "foundation"


def _login(page, base, username, password="kyhopso"):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def _agenda_titles(page):
    return [t.strip() for t in page.locator("[data-testid=agenda] .agenda-title").all_inner_texts()]


def test_secretariat_creates_meeting_reorders_agenda_and_delegate_reads_it(live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    secretariat = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page = secretariat.new_page()
    _login(page, live_server, "thuky")
    page.wait_for_url(f"{live_server}/manage")
    page.screenshot(path=SHOTS / "01-secretariat-home.png", full_page=True)

    page.click("text=Tạo kỳ họp")
    page.select_option("select[name=kind]", "chuyen_de")
    page.fill("input[name=number]", "6")
    page.fill("input[name=title]", "Kỳ họp chuyên đề về quy hoạch xã")
    page.fill("input[name=place]", "Hội trường UBND xã")
    page.fill("input[name=start_date]", "2026-12-15")
    page.fill("input[name=end_date]", "2026-12-15")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("text=Đã tạo kỳ họp.")

    for title in ("Khai mạc", "Tờ trình quy hoạch chung xã", "Biểu quyết thông qua"):
        page.fill("[data-testid=add-item] [name=title]", title)
        page.click("[data-testid=add-item] button[type=submit]")
        page.wait_for_selector(f"[data-testid=agenda] .agenda-title:text-is('{title}')")
    assert _agenda_titles(page) == ["Khai mạc", "Tờ trình quy hoạch chung xã",
                                    "Biểu quyết thông qua"]

    # Move the vote above the report, then the report to the top.
    page.click("button[aria-label='Lên: Biểu quyết thông qua']")
    page.wait_for_function("() => document.querySelectorAll('[data-testid=agenda] .agenda-title')[1]"
                           ".textContent.includes('Biểu quyết')")
    page.click("button[aria-label='Lên: Tờ trình quy hoạch chung xã']")
    page.click("button[aria-label='Lên: Tờ trình quy hoạch chung xã']")
    page.wait_for_function("() => document.querySelector('[data-testid=agenda] .agenda-title')"
                           ".textContent.includes('Tờ trình')")
    assert _agenda_titles(page) == ["Tờ trình quy hoạch chung xã", "Khai mạc",
                                    "Biểu quyết thông qua"]
    page.click("button:has-text('Công bố kỳ họp')")
    page.wait_for_selector("text=Kỳ họp: Đã công bố.")
    page.screenshot(path=SHOTS / "02-agenda-editor.png", full_page=True)
    meeting_url = page.url

    delegate = browser.new_context(viewport={"width": 1024, "height": 768}, locale="vi-VN")
    tablet = delegate.new_page()
    _login(tablet, live_server, "daibieu12")
    tablet.wait_for_url(f"{live_server}/meetings/*/live")
    assert "Dương Thị Hạnh" in tablet.inner_text(".role-line")
    tablet.screenshot(path=SHOTS / "03-delegate-home.png", full_page=True)
    tablet.goto(meeting_url)
    assert _agenda_titles(tablet) == ["Tờ trình quy hoạch chung xã", "Khai mạc",
                                      "Biểu quyết thông qua"]
    assert tablet.locator("[data-testid=add-item]").count() == 0  # read-only for delegates
    tablet.screenshot(path=SHOTS / "04-delegate-meeting.png", full_page=True)

    screen = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    _login(screen, live_server, "manhinh")
    screen.wait_for_url(f"{live_server}/meetings/*/screen")
    screen.screenshot(path=SHOTS / "05-hall-screen.png")
    secretariat.close()
    delegate.close()
