"""A whole session as the hall lives it, in Chromium: the chair's console, the secretariat,
three delegates (a tablet, a phone 390×844, one reading a document when a vote opens), the
hall screen at 1920×1080, an official and a guest. After each step every screen is checked
for what it must show — and for what is over being gone. The same runs in English."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from paperless import db
from paperless.services import signing_keys
from tests.browser import documents_steps as steps
from tests.conftest import ARTIFACTS, CORPUS

pytestmark = pytest.mark.browser

# Status strings of the live pages; none may be left on an English screen.
VIETNAMESE_STATUS = ["Đang họp", "Trực tuyến", "đại biểu có mặt", "Có mặt", "Vắng", "Phiên ",
                     "Đang biểu quyết", "Đã kết thúc", "Đã công bố", "Tạm dừng", "Đã bế mạc",
                     "Chưa khai mạc", "Đủ số đại biểu", "Chưa đủ số", "Đang phát biểu", "Tiếp theo",
                     "đang chờ", "Đã nhận phiếu", "Đã điểm danh", "Biểu quyết công khai",
                     "Bỏ phiếu kín", "Tán thành", "tổng số đại biểu", "THÔNG QUA", "KIỂM THỦ CÔNG",
                     "Biểu quyết lại", "Công bố kết quả", "Nhập kết quả", "Mời phát biểu",
                     # the projection, documents that change while open, absence reasons
                     "trang ", "Theo màn hình", "Đang chiếu", "Màn hình hội trường", "Trang ",
                     "đã được rút", "Lý do", "Chưa đọc", "Đọc được khi mất mạng", "Đã lưu",
                     "Túi tài liệu", "Vắng có lý do", "Báo vắng", "Đã báo vắng"]
ABSENCE = "Đi khám bệnh theo lịch hẹn"
SHOWN_TITLE = "Dự thảo Nghị quyết về dự toán ngân sách năm 2027"
RENAMED = "Tờ trình số 12/TTr-UBND về dự toán ngân sách năm 2027"
OLD_TITLE = "Báo cáo thẩm tra dự toán (bản cũ)"
WITHDRAW_REASON = "Thay bằng báo cáo đã sửa số liệu"
# how many pixels of a canvas are not white: PDF.js really drew the page
INKED = """(selector) => {
  const c = document.querySelector(selector);
  if (!c || !c.width) return 0;
  const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let inked = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] < 200) inked += 1;
  return inked;
}"""
TEXT = {
    "vi": {"running": "Đang họp", "paused": "Tạm dừng", "closed": "Đã bế mạc",
           "vote_closed": "Đã kết thúc", "received": "Đã nhận phiếu", "present3": "Có mặt 3/30",
           "passed": "ĐƯỢC THÔNG QUA", "clock_paused": "Đồng hồ đang dừng",
           "already": "Bạn đã đăng ký", "open_group": "Mở nhóm", "secret": "Bỏ phiếu kín",
           "manual": "KẾT QUẢ KIỂM THỦ CÔNG", "written": "Đã trả lời bằng văn bản",
           "uploaded": "Đã tải lên văn bản trả lời.", "wrong_password": "Mật khẩu không đúng",
           "chair_signed": "Chủ tịch đã ký", "signed_flash": "Đã ký số Nghị quyết số 01/NQ-HĐND",
           "failed": "KHÔNG ĐƯỢC THÔNG QUA", "no_reason": "phải ghi rõ lý do",
           "page": "trang {page}/{count}", "live_again": "diễn biến phiên họp",
           "saved": "✓ Đã lưu.", "gone": "Tài liệu “{title}” đã được rút. Lý do: {reason}"},
    "en": {"running": "In session", "paused": "Paused", "closed": "Closed",
           "vote_closed": "Closed", "received": "Ballot received", "present3": "3/30 delegates present",
           "passed": "PASSED", "clock_paused": "Clock paused",
           "already": "already", "open_group": "Open group", "secret": "Secret ballot",
           "manual": "HAND COUNT RESULT", "written": "Answered in writing",
           "uploaded": "uploaded", "wrong_password": "Wrong password",
           "chair_signed": "Signed by the chair", "signed_flash": "01/NQ-HĐND",
           "failed": "NOT PASSED", "no_reason": "needs a reason",
           "page": "page {page}/{count}", "live_again": "shows the live session",
           "saved": "✓ Saved.", "gone": "The document “{title}” was withdrawn. Reason: {reason}"},
}


def _page(browser, base, username, size, lang, path=None):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]},
                                  locale="vi-VN" if lang == "vi" else "en-GB",
                                  is_mobile=size[0] < 500, has_touch=size[0] < 500)
    context.set_default_timeout(60000)  # a loaded 2-core machine: wait on conditions, long
    # pages without a live state (the bag, the viewer) say when their socket has joined
    context.add_init_script("for (const name of ['paperless:joined', 'paperless:online'])"
                            "  window.addEventListener(name, () => { window.__joined = true; });")
    page = context.new_page()
    page.on("dialog", _accept)  # every destructive action asks once
    page.goto(f"{base}/login?lang={lang}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "kyhopso")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    if path:
        page.goto(base + path)
    return page


def _accept(dialog):
    dialog.accept()


def _online(page):
    page.wait_for_function("() => window.__live && window.__live.state && window.__live.online")


def _text(page, selector="body"):
    return page.inner_text(selector)


def _no_vietnamese(page, selector="body"):
    shown = _text(page, selector)
    left = [s for s in VIETNAMESE_STATUS if s in shown]
    assert not left, f"Vietnamese left on {page.url}: {left}"


def _api(page, method, url, body=None):
    return page.evaluate("""async ([method, url, body]) => {
        const token = document.querySelector('meta[name="csrf-token"]').content;
        const r = await fetch(url, {method, credentials: 'same-origin',
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
            body: body === null ? undefined : JSON.stringify(body)});
        return {status: r.status, body: await r.json().catch(() => null)};
    }""", [method, url, body])


def _command(page, name, payload=None):
    return page.evaluate("([name, payload]) => window.__live.command(name, payload)",
                         [name, payload or {}])


def _seed_documents(meeting_id):
    """Published documents: one the reader reads when the vote opens (renamed live), an old
    report the secretariat withdraws while a tablet reads it, and a public two-page draft of
    item 2 the chair shows on the hall screen (public: the screen's guests may see it)."""
    from paperless.models import Meeting
    from paperless.services import documents
    from paperless.services.access import SYSTEM
    from tests.test_opinions import OLD, draft_pdf
    from tests.world import small_pdf

    meeting = db.session.get(Meeting, meeting_id)
    from paperless.domain import agenda as agenda_rules

    second = [node.item.id for node, _ in agenda_rules.flatten(
        agenda_rules.build_tree(meeting.agenda_items))][1]
    read = documents.upload(SYSTEM, meeting_id, small_pdf(), filename="to-trinh.pdf",
                            title="Tờ trình dự toán ngân sách")
    old = documents.upload(SYSTEM, meeting_id, small_pdf("Bao cao cu"), filename="bao-cao.pdf",
                           title=OLD_TITLE)
    shown = documents.upload(SYSTEM, meeting_id, draft_pdf(OLD), filename="du-thao.pdf",
                             title=SHOWN_TITLE, agenda_item_id=second, access="public")
    documents.publish(SYSTEM, meeting_id, [read.id, old.id, shown.id])
    return read.id, old.id, shown.id


def _shows(page, number: int) -> None:
    """The page's projection box has drawn page `number` (PDF.js finished it)."""
    page.wait_for_selector(f"[data-projection][data-page='{number}'] canvas[data-page='{number}']",
                           state="attached")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_whole_session(live_server, browser, lang, monkeypatch):
    from paperless.models import AgendaItem, DocumentRead, Meeting, User

    say = TEXT[lang]
    monkeypatch.delenv(signing_keys.PASSPHRASE_ENV, raising=False)
    shots = ARTIFACTS / "whole_session" / lang
    shutil.rmtree(shots, ignore_errors=True)  # no screenshot of an earlier run is left
    shots.mkdir(parents=True, exist_ok=True)
    meeting_id = db.session.scalar(select(Meeting.id))
    document_id, old_id, shown_id = _seed_documents(meeting_id)
    vote_item = db.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting_id, AgendaItem.kind == "vote")).first().id
    live, screen_path = f"/meetings/{meeting_id}/live", f"/meetings/{meeting_id}/screen"

    chair = _page(browser, live_server, "chutoa", (1280, 800), lang,
                  f"/meetings/{meeting_id}/console")
    office = _page(browser, live_server, "thuky", (1280, 800), lang, f"/meetings/{meeting_id}")
    tablet = _page(browser, live_server, "daibieu05", (1024, 768), lang, live)
    phone = _page(browser, live_server, "daibieu06", (390, 844), lang, live)
    reader = _page(browser, live_server, "daibieu07", (1280, 800), lang, live)
    screen = _page(browser, live_server, "manhinh", (1920, 1080), lang, screen_path)
    official = _page(browser, live_server, "ubnd", (1280, 800), lang, live)
    guest = _page(browser, live_server, "khach", (1024, 768), lang, live)
    hall = [chair, tablet, phone, reader, screen, official, guest]
    for page in hall:
        _online(page)

    def shot(name, *pages):
        for who, page in pages:
            page.screenshot(path=shots / f"{name}-{who}.png")

    # 1. Opening: every screen says the session runs, item 1 is current.
    chair.click("[data-action=open]")
    for page in hall:
        page.wait_for_selector("[data-bind=current-title]:has-text('1.')")
        page.wait_for_selector(f"[data-bind=phase]:has-text('{say['running']}')")
    # The guest has no question slips to file: no button that leads to a 403.
    assert guest.locator(f"a[href$='/meetings/{meeting_id}/questions']").count() == 0
    assert tablet.locator(f"a[href$='/meetings/{meeting_id}/questions']").count() == 1

    # 1b. A delegate who cannot come says why from the phone, before any check-in; the
    #     console's roster shows the reason beside "absent with a reason".
    absentee = _page(browser, live_server, "daibieu09", (390, 844), lang, live)
    _online(absentee)
    report = absentee.locator("details.report-absence")
    report.wait_for()
    report.locator("summary").click()
    report.locator("input[name=reason]").fill(ABSENCE)
    report.locator("button[type=submit]").click()
    absentee.wait_for_selector(f"[data-show=absent-reported]:not([hidden]):has-text('{ABSENCE}')")
    report.wait_for(state="hidden")
    absent_id = absentee.evaluate("() => window.__live.state.me.delegate_id")
    chair.wait_for_function(
        "([id, reason]) => [...document.querySelectorAll('[data-list=roster] input.absence-reason')]"
        ".some((i) => i.dataset.delegateId === String(id) && i.value === reason && !i.hidden)",
        arg=[absent_id, ABSENCE])
    row = chair.locator("[data-list=roster] tr", has=chair.locator(
        f"input.absence-reason[data-delegate-id='{absent_id}']"))
    assert row.locator("select").input_value() == "absent_excused"
    # found and scrolled in one step: the roll (coalesced) may redraw the roster in between
    chair.evaluate("(id) => document.querySelector(`[data-list=roster] "
                   "input.absence-reason[data-delegate-id='${id}']`)"
                   ".closest('tr').scrollIntoView({block: 'center', behavior: 'instant'})",
                   absent_id)
    shot("01b-absence", ("phone", absentee), ("console", chair))
    if lang == "en":
        _no_vietnamese(absentee, "#tablet")
    chair.evaluate("() => window.scrollTo(0, 0)")
    absentee.context.close()

    # 2. Check-in on the tablet, the phone and the reader's tablet.
    for page in (tablet, phone, reader):
        page.click("[data-action=check-in]")
        page.wait_for_selector("[data-show=checked-in]:not([hidden])")
    screen.wait_for_selector(f"[data-bind=present-line]:has-text('{say['present3']}')")
    chair.wait_for_selector("[data-bind=present]:has-text('3/30')")
    shot("01-opened", ("screen", screen), ("console", chair), ("phone", phone))

    # 3. Agenda moves reach everyone.
    chair.click("[data-action=next]")
    for page in hall:
        page.wait_for_selector("[data-bind=current-title]:has-text('2.')")

    # 4. A speaker: a repeated request's message goes once the delegate gets the floor;
    #    +1 minute and the paused clock show on the hall screen.
    tablet.fill("input[name=topic]", "Về kế hoạch đầu tư công")
    tablet.click("button[value=speech]")
    chair.wait_for_selector("[data-list=queue] li")
    tablet.click("button[value=speech]")
    tablet.wait_for_selector(f"[data-bind=error]:has-text('{say['already']}')")
    chair.click("[data-list=queue] li button.primary")
    screen.wait_for_selector("[data-testid=screen-speaker]:not([hidden])")
    tablet.wait_for_selector("[data-show=my-turn]:not([hidden])")
    tablet.wait_for_function("() => !document.querySelector('[data-bind=error]').textContent")
    chair.click("[data-action=extend]")
    screen.wait_for_function("() => window.__live.state.speaker.limit_seconds === 360")
    screen.wait_for_function(
        "() => /^[56]:\\d\\d$/.test(document.querySelector('.screen-countdown').textContent)")
    chair.click("[data-action=clock-pause]")
    screen.wait_for_selector(f".screen-clock-paused:not([hidden]):has-text('{say['clock_paused']}')")
    shot("02-speaker-paused", ("screen", screen), ("console", chair), ("tablet", tablet))
    chair.click("[data-action=clock-pause]")
    screen.wait_for_selector(".screen-clock-paused", state="hidden")

    # 5. A notice that expires and leaves every screen.
    ack = _command(chair, "notice:send", {"text": "Nghỉ giải lao 15 phút", "audience": "all",
                                          "duration_seconds": 6})
    assert ack["ok"], ack
    for page in (screen, tablet, guest):
        page.wait_for_selector("[data-show=notice]:not([hidden]):has-text('Nghỉ giải lao')")
    shot("03-notice", ("screen", screen))
    for page in (screen, tablet, guest):
        page.wait_for_selector("[data-show=notice]", state="hidden", timeout=20000)

    # The session pauses: the hall screen says so in big letters.
    chair.click("[data-action=pause]")
    screen.wait_for_selector(f"[data-testid=screen-paused]:not([hidden]):has-text('{say['paused']}')")
    box = screen.locator("[data-testid=screen-paused]").bounding_box()
    assert box["height"] >= 100  # read from the back of the hall
    shot("04-paused", ("screen", screen))
    chair.click("[data-action=resume]")
    screen.wait_for_selector("[data-testid=screen-paused]", state="hidden")

    # 5b. The chair shows page 2 of item 2's public draft on the hall screen; the tablet,
    #     following the screen, turns to it; the presenter turns back a page, then stops:
    #     the hall screen is the live state again (the speaker, the agenda).
    form = "[data-form=projection]"
    chair.wait_for_selector(f"{form} select[name=document_id] option[value='{shown_id}']",
                            state="attached")
    chair.select_option(f"{form} select[name=document_id]", str(shown_id))
    chair.fill(f"{form} input[name=page]", "2")
    chair.click(f"{form} button[type=submit]")
    page_two = say["page"].format(page=2, count=2)
    chair.wait_for_selector(f"[data-projection-status]:has-text('{page_two}')")
    chair.wait_for_selector("[data-action=projection-stop]", state="visible")
    _shows(screen, 2)
    assert screen.is_visible("[data-projection] canvas") and screen.is_hidden(".screen-body")
    assert screen.inner_text("[data-projection-caption]") == f"{SHOWN_TITLE} — {page_two}"
    assert screen.evaluate(INKED, "[data-projection] canvas") > 50
    _shows(tablet, 2)
    assert tablet.is_checked("[data-action=follow-screen]")
    assert tablet.evaluate(INKED, "[data-projection] canvas") > 50
    shot("04b-projection-page-2", ("screen", screen), ("tablet", tablet), ("console", chair))
    if lang == "en":
        for page in (screen, chair, tablet):
            _no_vietnamese(page, "#screen, #console, #tablet")
    chair.click("[data-action=projection-prev]")
    page_one = say["page"].format(page=1, count=2)
    _shows(screen, 1)
    _shows(tablet, 1)
    screen.wait_for_selector(f"[data-projection-caption]:has-text('{page_one}')")
    chair.wait_for_selector(f"[data-projection-status]:has-text('{page_one}')")
    chair.click("[data-action=projection-stop]")
    for page in (screen, tablet, phone):
        page.wait_for_selector("[data-projection]", state="hidden")
    screen.wait_for_selector(".screen-body", state="visible")
    screen.wait_for_selector("[data-testid=screen-speaker]", state="visible")  # still speaking
    assert "2." in screen.inner_text("[data-bind=current-title]")
    assert tablet.is_visible("[data-bind=current-title]")
    chair.wait_for_selector(f"[data-projection-status]:has-text('{say['live_again']}')")
    assert chair.locator("[data-when-showing]").is_hidden()
    shot("04c-projection-stopped", ("screen", screen), ("tablet", tablet))

    # 5c. Documents change while open: the reader has the bag open, the tablet reads the old
    #     report. The secretariat renames the reader's document and withdraws the report
    #     (asked once): the bag shows the new title and loses the report, the tablet's viewer
    #     closes with the reason.
    bag = f"{live_server}/meetings/{meeting_id}/documents"
    reader.goto(bag)
    reader.wait_for_selector(f"[data-live-bag] .doc[data-document-id='{old_id}']")
    reader.wait_for_function("() => window.__joined === true")
    tablet.goto(f"{live_server}/documents/{old_id}/view")
    tablet.wait_for_selector("#viewer-app.ready")
    tablet.wait_for_function("() => window.__joined === true")
    office.goto(f"{live_server}/documents/{document_id}")
    steps.edit_document(office, title=RENAMED, saved=say["saved"])
    reader.wait_for_selector(f"[data-live-bag] .doc[data-document-id='{document_id}'] "
                             f".doc-title:text-is('{RENAMED}')")
    office.goto(f"{live_server}/documents/{old_id}")
    office.remove_listener("dialog", _accept)
    asked = steps.withdraw_document(office, WITHDRAW_REASON)
    office.on("dialog", _accept)
    assert len(asked) == 1 and OLD_TITLE in asked[0]
    steps.expect_viewer_closed(tablet, OLD_TITLE, WITHDRAW_REASON, said=say["gone"])
    reader.wait_for_selector(f"[data-live-bag] .doc[data-document-id='{old_id}']",
                             state="detached")
    assert RENAMED in _text(reader, "[data-live-bag]")
    assert OLD_TITLE not in _text(reader, "[data-live-bag]")
    shot("05b-documents-changed", ("reader", reader), ("tablet", tablet), ("office", office))
    if lang == "en":
        for page in (reader, tablet):
            _no_vietnamese(page, "main")
    tablet.goto(f"{live_server}{live}")
    _online(tablet)

    # 6. A timed vote that closes itself at 0:00, while one delegate reads a document
    #    (opened from the bag, under its new title).
    reader.click(f"[data-live-bag] .doc[data-document-id='{document_id}'] .doc-open")
    reader.wait_for_selector("#viewer-app.ready")
    _online(reader)
    assert RENAMED in _text(reader, "[data-document-title]")
    chair.click(f".console-agenda li:nth-child({_position(vote_item)}) button")
    for page in (screen, tablet):
        page.wait_for_function(f"() => window.__live.state.current_item.id === {vote_item}")
    made = _api(office, "POST", f"/api/v1/agenda-items/{vote_item}/votes",
                {"kind": "open", "title": "Thông qua Nghị quyết dự toán ngân sách",
                 "countdown_seconds": 50})
    assert made["status"] == 201, made
    chair.evaluate("() => window.__live.resync()")
    chair.click("[data-list=votes] .console-vote.status-draft button.primary")
    reader.wait_for_selector("[data-testid=viewer-vote]:not([hidden]) button.choice-yes")
    tablet.wait_for_selector("button.choice-yes")
    for page in (tablet, chair):
        page.wait_for_function(
            "() => /\\d:\\d\\d/.test(document.querySelector('.vote-countdown').textContent)")
    shot("05-vote-open", ("reader", reader), ("screen", screen), ("console", chair))
    reader.click("[data-testid=viewer-vote] button.choice-yes")
    reader.wait_for_selector(f"[data-testid=viewer-vote] [data-bind=vote-mine]:has-text('{say['received']}')")
    vote_button = phone.locator("button.choice-no")
    vote_button.scroll_into_view_if_needed()
    vote_button.click()
    phone.wait_for_selector(f"[data-bind=vote-mine]:has-text('{say['received']}')")
    shot("06-phone-voted", ("phone", phone))
    # 0:00: the server closes it; every screen shows it closed, no ballot button is left.
    screen.wait_for_function("() => window.__live.state.vote.vote.status === 'closed'",
                             timeout=120000)
    for page in (tablet, phone, reader, chair):
        page.wait_for_function("() => window.__live.state.vote.vote.status === 'closed'")
    screen.wait_for_selector(f"[data-bind=vote-kind]:has-text('{say['vote_closed']}')")
    for page in (tablet, phone, reader):
        assert page.locator("button.choice").count() == 0
    assert say["received"] in _text(phone, "[data-bind=vote-mine]")  # the ✓ stays
    reader.wait_for_selector("[data-testid=viewer-vote] [data-show=vote-over]:not([hidden])")
    shot("07-vote-closed", ("screen", screen), ("reader", reader), ("phone", phone))
    # The read from the viewer reached the server ("Chưa đọc" clears).
    reader_id = db.session.scalar(select(User.id).where(User.username == "daibieu07"))
    assert db.session.scalar(select(func.count()).select_from(DocumentRead).where(
        DocumentRead.document_id == document_id, DocumentRead.user_id == reader_id)) >= 1

    # 7. Announced: 2 of 30 took part, so it fails; the result is on every screen.
    chair.click("[data-list=votes] .console-vote.status-closed button.primary")
    screen.wait_for_selector(f".verdict.failed:has-text('{say['failed']}')", state="attached")
    tablet.wait_for_selector(".verdict.failed")
    assert screen.locator("[data-testid=screen-speaker]").is_visible()  # never hidden by a vote
    footer = screen.locator("[data-testid=screen-foot]").bounding_box()
    assert footer["y"] + footer["height"] <= 1080  # the attendance line stays on screen
    shot("08-result", ("screen", screen), ("tablet", tablet))

    # 8. A second round: opened, then cancelled (the tablets failed); the secretariat counts
    #    by show of hands, the chair confirms, the result is announced — and the failed
    #    round's verdict is gone from every screen.
    chair.click("[data-list=votes] .console-vote.status-announced .actions button")
    chair.wait_for_selector("[data-list=votes] .console-vote.status-draft")
    chair.click("[data-list=votes] .console-vote.status-draft button.primary")
    for page in (tablet, phone, screen):
        page.wait_for_function("() => window.__live.state.vote.vote.status === 'open' && "
                               "window.__live.state.vote.vote.round === 2")
    tablet.wait_for_selector("button.choice-yes")
    # asked once, refused without a reason: the message shows beside the button, in view —
    # even when the button sits at the bottom edge (the message goes below it)
    chair.locator("[data-list=votes] .console-vote.status-open button.danger").evaluate(
        "(b) => b.scrollIntoView({block: 'end', behavior: 'instant'})")
    chair.click("[data-list=votes] .console-vote.status-open button.danger")
    near = chair.locator("[data-list=votes] .console-vote.status-open .near-error")
    near.wait_for()
    assert say["no_reason"] in near.inner_text()
    # in view once the card settles (a live event may redraw the list around it)
    chair.wait_for_function(
        "(el) => { const r = el.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }",
        arg=near.element_handle(), timeout=3000)
    chair.fill("[data-list=votes] .console-vote.status-open input[name=cancel-reason]",
               "Máy tính bảng lỗi")
    chair.click("[data-list=votes] .console-vote.status-open button.danger")
    chair.wait_for_selector("[data-list=votes] .console-vote.status-cancelled")
    for page in (tablet, phone):
        page.wait_for_selector("[data-testid=vote]", state="hidden")
        assert page.locator("button.choice").count() == 0
    screen.wait_for_selector("[data-testid=screen-vote]", state="hidden")
    round_two = chair.evaluate(
        "() => window.__live.state.votes.find((v) => v.status === 'cancelled').id")
    counted = _api(office, "POST", f"/api/v1/votes/{round_two}/manual-result",
                   {"counts": {"yes": 24, "no": 3, "abstain": 1}, "ballots_issued": 28,
                    "note": "giơ tay"})
    assert counted["status"] == 200, counted
    pending = chair.locator(f"[data-testid=manual-pending-{round_two}]")
    pending.wait_for()
    assert "24" in pending.inner_text()
    shot("09-manual-pending", ("console", chair))
    pending.locator("button.primary").click()
    chair.click("[data-list=votes] .console-vote.status-closed button.primary")
    for page in (screen, tablet, phone):
        page.wait_for_selector(f".manual-count:has-text('{say['manual']}')", state="attached")
        page.wait_for_selector(".verdict.passed", state="attached")
        assert page.locator(".verdict.failed").count() == 0  # the failed round is gone
        assert say["failed"] not in _text(page)
    assert "24/30" in _text(tablet, "[data-testid=vote]")
    shot("10-manual-result", ("screen", screen), ("tablet", tablet))

    # 9. The chair moves on: the result leaves every screen (also after a reload).
    chair.click("[data-action=next]")
    for page in (screen, tablet, phone, guest):
        page.wait_for_selector("[data-testid=screen-vote], [data-testid=vote]", state="hidden")
    screen.reload()
    _online(screen)
    assert screen.locator("[data-testid=screen-vote]").is_hidden()

    # 10. A secret ballot: the screen counts ballots, never who chose what; then the result.
    secret_item = screen.evaluate("() => window.__live.state.current_item.id")
    made = _api(office, "POST", f"/api/v1/agenda-items/{secret_item}/votes",
                {"kind": "secret", "title": "Nghị quyết về kế hoạch đầu tư công năm 2027"})
    assert made["status"] == 201, made
    chair.evaluate("() => window.__live.resync()")
    chair.click("[data-list=votes] .console-vote.status-draft button.primary")
    for page in (tablet, phone):
        page.wait_for_selector(f"[data-bind=vote-kind]:has-text('{say['secret']}')")
        page.locator("button.choice-yes").click()
        page.wait_for_selector(f"[data-bind=vote-mine]:has-text('{say['received']}')")
    screen.wait_for_function("() => window.__live.state.vote.progress.received === 2")
    screen.wait_for_selector(f"[data-bind=vote-kind]:has-text('{say['secret']}')")
    assert screen.locator(".bar-chart").count() == 0  # counts only while it is open
    shot("11-secret-open", ("screen", screen), ("phone", phone))
    chair.click("[data-list=votes] .console-vote.status-open button.primary")
    chair.click("[data-list=votes] .console-vote.status-closed button.primary")
    screen.wait_for_selector(".vote-result .bar-chart", state="attached")
    for name in ("Hoàng Văn Nam", "Vũ Thị Thu"):  # no voter is named anywhere
        assert name not in _text(screen, "[data-testid=screen-vote]")
    shot("12-secret-result", ("screen", screen))
    if lang == "en":
        for page in (screen, chair, tablet, phone):
            _no_vietnamese(page, "#screen, #console, #tablet")

    # 11. Questioning on its item: a slip, a group made by the API (it reaches the console
    #     live), the slip put in it by the API; the question on the floor; a written answer.
    chair.click("[data-action=stop]")  # the first speaker's turn ends: gone everywhere
    screen.wait_for_selector("[data-testid=screen-speaker]", state="hidden")
    tablet.wait_for_selector("[data-show=my-turn]", state="hidden")
    chair.click(f".console-agenda li:nth-child({_position(_questioning_item(meeting_id))}) button")
    for page in (screen, tablet):
        page.wait_for_selector("[data-testid=screen-vote], [data-testid=vote]", state="hidden")
    filed = _api(tablet, "POST", f"/api/v1/meetings/{meeting_id}/question-slips",
                 {"official_id": _official_invitee(meeting_id, "ubnd"), "topic": "Giao thông",
                  "text": "Bao giờ đường liên xã Tân Phú được sửa?"})
    assert filed["status"] == 201, filed
    slip_id = filed["body"]["id"]
    made = _api(office, "POST", f"/api/v1/meetings/{meeting_id}/question-groups",
                {"title": "Giao thông nông thôn"})
    assert made["status"] == 201, made
    grouped = _api(office, "POST", f"/api/v1/question-slips/{slip_id}/group",
                   {"group_id": made["body"]["id"]})
    assert grouped["status"] == 200, grouped
    row = chair.locator(".question-group:has-text('Giao thông nông thôn')")
    row.wait_for()
    row.locator("button.primary").click()
    for page in (screen, tablet, official):
        page.wait_for_selector("[data-show=questioning]:not([hidden]):has-text('Giao thông')")
    tablet.click("button[value=question]")
    chair.click("[data-list=queue] li button.primary")
    screen.wait_for_selector(".screen-question:has-text('đường liên xã Tân Phú')")
    chair.click("[data-list=answer-officials] button.primary")
    screen.wait_for_selector("[data-show=answer]:not([hidden])")
    shot("13-questioning", ("screen", screen), ("console", chair))
    chair.click("[data-action=stop]")
    screen.wait_for_selector("[data-testid=screen-speaker]", state="hidden")
    chair.locator(".question-group.status-open button").click()
    chair.wait_for_selector(".question-group.status-done")
    assert chair.locator(".question-group.status-done button").count() == 0
    screen.wait_for_selector("[data-show=questioning]", state="hidden")
    # the rest in writing: recorded by the secretariat, uploaded by the official
    recorded = _api(office, "POST", f"/api/v1/question-slips/{slip_id}/answer",
                    {"mode": "written"})
    assert recorded["status"] == 200, recorded
    official.goto(f"{live_server}/meetings/{meeting_id}/questions")
    slip_box = f".slip[data-slip-id='{slip_id}']"
    official.set_input_files(f"{slip_box} input[type=file]",
                             str(CORPUS / "pdf" / "minimal-document.pdf"))
    official.click(f"{slip_box} form[enctype='multipart/form-data'] button[type=submit]")
    official.wait_for_selector(f".flash-success:has-text('{say['uploaded']}')")
    official.wait_for_selector(f"{slip_box} .state:has-text('{say['written']}')")
    shot("14-written-answer", ("official", official))
    slips = _api(tablet, "GET", f"/api/v1/meetings/{meeting_id}/question-slips")["body"]["slips"]
    assert [x["status"] for x in slips if x["id"] == slip_id] == ["written_answered"]
    official.goto(f"{live_server}{live}")
    _online(official)

    # 12. The chair signs the resolution of the passed vote from the console: every page
    #     of the document shown, the password typed again (a wrong one signs nothing).
    resolution_id = _issue_resolution(meeting_id)
    signer = chair.context.new_page()
    signer.goto(chair.url)
    signer.click("[data-testid=console-resolutions]")
    signer.click(f"[data-testid=resolution-{resolution_id}] [data-testid=to-sign]")
    signer.wait_for_selector("[data-testid=sign-preview].ready")
    assert signer.locator(".sign-page canvas").count() >= 1
    seen = signer.inner_text("[data-bind=official-sha]").strip()
    shot("15-sign-preview", ("signer", signer))
    signer.fill("[data-testid=sign-form] input[name=password]", "sai-mat-khau")
    signer.click("[data-testid=sign-submit]")
    signer.wait_for_selector(f"[data-testid=sign-error]:has-text('{say['wrong_password']}')")
    box = signer.locator("[data-testid=sign-error]").bounding_box()
    assert box["y"] + box["height"] <= signer.viewport_size["height"]  # beside the password
    _assert_state(resolution_id, "issued", seen)
    signer.wait_for_selector("[data-testid=sign-preview].ready")
    shot("15-sign-refused", ("signer", signer))
    if lang == "en":
        _no_vietnamese(signer, "main")
    signer.fill("[data-testid=sign-form] input[name=password]", "kyhopso")
    signer.click("[data-testid=sign-submit]")
    signer.wait_for_selector(f"[data-bind=state]:has-text('{say['chair_signed']}')")
    assert say["signed_flash"] in _text(signer, ".flash-success")
    _assert_state(resolution_id, "signed_by_chair", seen)
    shot("16-signed", ("signer", signer))
    if lang == "en":  # the vote's wording too, rebuilt from its figures
        _no_vietnamese(signer, "main")
        assert "24/30 delegates, 80.00% of all delegates" in _text(signer, "main")
    signer.close()

    if lang == "en":
        for page in (screen, chair, tablet, phone):
            _no_vietnamese(page, "#screen, #console, #tablet")

    # 13. Closing: asked once; then every screen says closed and nothing moves.
    chair.click("[data-action=close]")
    for page in [p for p in hall if p is not reader]:  # the reader is still in the viewer
        page.wait_for_selector(f"[data-bind=phase]:has-text('{say['closed']}')")
    assert chair.locator("[data-action=next]").is_disabled()
    screen.wait_for_function("() => !document.querySelector('[data-bind=quorum]').textContent")
    for page in (screen, tablet):  # the turn ended with the session
        page.wait_for_selector("[data-show=speaker]", state="hidden")
    refused = _command(chair, "live:goto", {"offset": 1})
    assert refused["ok"] is False and refused["error"]["code"] == "session_not_open"
    shot("17-closed", ("screen", screen), ("console", chair), ("tablet", tablet))
    if lang == "en":
        for page in (screen, chair, tablet):
            _no_vietnamese(page, "#screen, #console, #tablet")
    for page in hall + [office]:
        page.context.close()


def _position(item_id):
    """The item's row in the console's flat agenda list (1-based)."""
    from paperless.domain import agenda as agenda_rules
    from paperless.models import AgendaItem, Meeting

    meeting = db.session.get(Meeting, db.session.get(AgendaItem, item_id).meeting_id)
    rows = [node.item.id for node, _ in agenda_rules.flatten(
        agenda_rules.build_tree(meeting.agenda_items))]
    return rows.index(item_id) + 1


def _questioning_item(meeting_id):
    from paperless.models import AgendaItem

    return db.session.scalars(select(AgendaItem.id).where(
        AgendaItem.meeting_id == meeting_id, AgendaItem.kind == "questioning")).first()


def _official_invitee(meeting_id, username):
    from paperless.models import MeetingInvitee, User

    return db.session.scalar(select(MeetingInvitee.id).join(
        User, User.id == MeetingInvitee.user_id).where(
        MeetingInvitee.meeting_id == meeting_id, User.username == username))


def _issue_resolution(meeting_id):
    """The secretariat issues the resolution of the vote passed by hand count (its final
    text uploaded, numbered 01/NQ-HĐND); the council's test keys sign it."""
    from paperless.models import Meeting
    from paperless.services import resolutions
    from tests.resolution_support import actor, draft_pdf, make_test_ca

    db.session.expire_all()
    make_test_ca(db.session.get(Meeting, meeting_id).council_id)
    staff = actor("thuky")
    [res] = [r for r in resolutions.list_for_meeting(staff, meeting_id) if r.state == "to_issue"]
    resolutions.issue(staff, res.id, upload=draft_pdf(1, number="01/NQ-HĐND"),
                      filename="nghi-quyet.pdf")
    return res.id


def _assert_state(resolution_id, state, official_sha256):
    from paperless.models import Resolution

    db.session.expire_all()
    res = db.session.get(Resolution, resolution_id)
    assert (res.state, res.official_sha256) == (state, official_sha256)
