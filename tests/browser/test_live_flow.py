"""Chair, delegate and hall screen in three Chromium contexts stay in step without reloads."""

import re

import pytest

from tests.conftest import ARTIFACTS, CORPUS
from tests.support import token_for

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "live"


def _page(browser, base, username, size=(1280, 800)):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "kyhopso")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def _online(page):
    page.wait_for_function("() => window.__live && window.__live.state && window.__live.online")


def test_chair_moves_the_agenda_and_gives_the_floor(live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    chair = _page(browser, live_server, "chutoa")
    chair.click("text=Bàn điều hành phiên họp")
    _online(chair)
    delegate = _page(browser, live_server, "daibieu05", size=(1024, 768))
    assert re.search(r"/meetings/\d+/live$", delegate.url)
    _online(delegate)
    screen = _page(browser, live_server, "manhinh")
    _online(screen)
    marker = "window.__notReloaded = true"
    for page in (delegate, screen):
        page.evaluate(marker)

    chair.click("[data-action=open]")
    for page in (chair, delegate, screen):
        page.wait_for_selector("[data-bind=current-title]:has-text('1. Khai mạc kỳ họp')")
    chair.click("[data-action=next]")
    for page in (delegate, screen):
        page.wait_for_selector("[data-bind=current-title]:has-text('2. Báo cáo tình hình')")

    delegate.click("[data-action=check-in]")
    delegate.wait_for_selector("text=✓ Đã điểm danh")
    screen.wait_for_selector("[data-bind=present-line]:has-text('Có mặt 1/30')")
    chair.wait_for_selector("[data-bind=present]:has-text('1/30')")

    delegate.fill("input[name=topic]", "Về kế hoạch đầu tư công")
    delegate.click("button[value=speech]")
    chair.wait_for_selector("[data-list=queue] li:has-text('Hoàng Văn Nam')")
    chair.click("[data-list=queue] li:has-text('Hoàng Văn Nam') >> text=Mời phát biểu")
    screen.wait_for_selector("[data-bind=speaker-name]:has-text('Hoàng Văn Nam')")
    delegate.wait_for_selector("text=Bạn đang phát biểu")
    screen.wait_for_function(
        "() => /^[45]:\\d\\d$/.test(document.querySelector('.screen-countdown').textContent)")

    # the delegate browses another item, then follows the chair again
    delegate.click(".live-agenda button:has-text('6. Chất vấn')")
    delegate.wait_for_selector("[data-action=follow]", state="visible")
    chair.click("[data-action=next]")
    delegate.wait_for_selector("[data-bind=current-title]:has-text('3. Báo cáo thẩm tra')")
    assert "focus" in delegate.get_attribute(".live-agenda li:has-text('6. Chất vấn')", "class")
    delegate.click("[data-action=follow]")
    delegate.wait_for_selector("[data-action=follow]", state="hidden")

    chair.fill("textarea[name=text]", "Mời các đại biểu nghỉ giải lao 15 phút")
    chair.click("[data-form=notice] button[type=submit]")
    screen.wait_for_selector(".screen-notice:has-text('nghỉ giải lao')")
    delegate.wait_for_selector(".notice-banner:has-text('nghỉ giải lao')")

    # a missed change (a gap in the sequence) makes the client fetch a fresh snapshot
    delegate.evaluate("""() => {
        const s = window.__live;
        window.dispatchEvent(new CustomEvent('paperless:live.item',
            {detail: {seq: s.state.seq + 2, current_item: {id: -1, number: '9', title: 'sai'}}}));
    }""")
    delegate.wait_for_function("() => window.__live.resyncs === 1")
    delegate.wait_for_selector("[data-bind=current-title]:has-text('3. Báo cáo thẩm tra')")

    for page in (delegate, screen):
        assert page.evaluate("window.__notReloaded") is True
    chair.screenshot(path=SHOTS / "01-chair-console.png", full_page=True)
    delegate.screenshot(path=SHOTS / "02-delegate-tablet.png", full_page=True)
    screen.screenshot(path=SHOTS / "03-hall-screen.png")


# Serve the viewer's live module only after the page's socket is online, as a loaded tablet
# does when documents-live.js (which connects first) wins the race.
LATE_VIEWER_LIVE = ("await new Promise((resolve) => window.addEventListener("
                    "'paperless:online', () => setTimeout(resolve, 100), {once: true}));\n")


def _published_document(app, meeting_id: int) -> int:
    client = app.test_client()
    staff = token_for(client, "thuky")
    uploaded = client.post(f"/api/v1/meetings/{meeting_id}/documents", headers=staff,
                           data={"file": ((CORPUS / "pdf" / "pdflatex-4-pages.pdf").open("rb"),
                                          "to-trinh.pdf"), "title": "Tờ trình"},
                           content_type="multipart/form-data")
    assert uploaded.status_code == 201, uploaded.get_json()
    document_id = uploaded.get_json()["id"]
    assert client.post(f"/api/v1/documents/{document_id}/publish",
                       headers=staff).status_code == 200
    return document_id


def test_a_viewer_whose_socket_came_online_first_still_says_online(app, live_server, browser):
    chair = _page(browser, live_server, "chutoa")
    chair.click("text=Bàn điều hành phiên họp")
    _online(chair)
    chair.click("[data-action=open]")
    meeting_id = chair.evaluate("() => window.__live.meetingId")

    document_id = _published_document(app, meeting_id)
    reader = _page(browser, live_server, "daibieu08", size=(1024, 768))

    def late(route):
        original = route.fetch()
        route.fulfill(response=original, body=LATE_VIEWER_LIVE + original.text())

    reader.route("**/static/js/viewer-live.js*", late)
    reader.goto(f"{live_server}/meetings/{meeting_id}/documents")
    reader.click(f"[data-live-bag] .doc[data-document-id='{document_id}'] .doc-open")
    reader.wait_for_selector("#viewer-app.ready")
    reader.wait_for_function("() => window.__live && window.__live.state", timeout=15_000)
    # Before the fix: the state arrived but `online` stayed false for good (the event that
    # sets it had fired before the session object listened), and the page said "offline".
    reader.wait_for_function("() => window.__live.online", timeout=5_000)


def test_a_join_refused_as_too_fast_is_sent_again(live_server, browser):
    """Guests or hall screens sharing one account reconnect together after a Wi-Fi blip; a
    join the server refuses `rate_limited` must be sent again (static/js/live.js), not leave
    the screen without the session. The first join's answer is replaced by that refusal."""
    import json

    refused = []
    answer = json.dumps([{"ok": False, "error": {
        "code": "rate_limited", "message": "Thao tác quá nhanh.",
        "details": {"retry_after": 0.3}}}])

    def relay(ws):
        server = ws.connect_to_server()

        def from_page(message):
            join = re.match(r'^42(\d+)\["meeting:join"', message) if isinstance(message, str) \
                else None
            if join and not refused:
                refused.append(join.group(1))
                ws.send(f"43{join.group(1)}{answer}")  # the ack, as the server would send it
                return
            server.send(message)

        ws.on_message(from_page)
        server.on_message(ws.send)

    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="vi-VN")
    context.route_web_socket(re.compile(r".*/socket\.io/.*"), relay)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "daibieu06")
    page.fill("input[name=password]", "kyhopso")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/meetings/\d+/live$"))
    _online(page)
    assert refused, "the page never sent meeting:join over the websocket"
    context.close()
