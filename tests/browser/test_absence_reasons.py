"""In Debian's Chromium (issue 16): an absence carries its real reason — the delegate sends it
from their tablet, the secretariat types another one on the console (suggestions offered,
any text allowed), and the roster keeps both."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from paperless import db
from paperless.models import Attendance, Meeting
from tests.browser.test_whole_session import _online, _page
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "absence-reasons"


def _reasons():
    db.session.expire_all()
    return {a.delegate_id: (a.status, a.reason) for a in db.session.scalars(select(Attendance))}


def test_absence_reasons_from_tablet_and_console(live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    meeting_id = db.session.scalar(select(Meeting.id))
    console = _page(browser, live_server, "thuky", (1280, 800), "vi",
                    f"/meetings/{meeting_id}/console")
    _online(console)
    chair = _page(browser, live_server, "chutoa", (1280, 800), "vi",
                  f"/meetings/{meeting_id}/console")
    _online(chair)
    chair.click("[data-action=open]")
    tablet = _page(browser, live_server, "daibieu09", (390, 844), "vi",
                   f"/meetings/{meeting_id}/live")
    _online(tablet)
    me = tablet.evaluate("() => window.__live.state.me.delegate_id")

    # (a) The delegate cannot come: the reason is sent from the phone, in their words.
    report = tablet.locator("details.report-absence")
    expect(report).to_be_visible(timeout=15000)
    report.locator("summary").click()
    report.locator("input[name=reason]").fill("Đi khám bệnh theo lịch hẹn")
    report.locator("button[type=submit]").click()
    expect(tablet.locator("[data-show=absent-reported]")).to_contain_text(
        "Đi khám bệnh theo lịch hẹn", timeout=15000)
    expect(report).to_be_hidden()
    assert _reasons()[me] == ("absent_excused", "Đi khám bệnh theo lịch hẹn")
    tablet.screenshot(path=SHOTS / "01-phone-absence-reported.png", full_page=True)

    # (b) The console's roster shows it; the secretariat marks another delegate with a typed
    # reason (not a fixed "Có lý do").
    row = console.locator("[data-list=roster] tr", has=console.locator(
        f'input.absence-reason[data-delegate-id="{me}"]'))
    expect(row.locator("input.absence-reason")).to_have_value("Đi khám bệnh theo lịch hẹn",
                                                               timeout=15000)
    other = console.locator("[data-list=roster] tr").nth(2)
    other.locator("select").select_option("absent_excused")
    reason = other.locator("input.absence-reason")
    expect(reason).to_be_focused()
    other_id = int(reason.get_attribute("data-delegate-id"))
    assert other_id not in _reasons()  # nothing sent before the reason is there
    reason.fill("Dự lớp bồi dưỡng của tỉnh")
    reason.press("Enter")
    console.wait_for_function(
        "(id) => (window.__live.state.roster || []).some("
        "(r) => r.delegate_id === id && r.reason === 'Dự lớp bồi dưỡng của tỉnh')", arg=other_id)
    assert _reasons()[other_id] == ("absent_excused", "Dự lớp bồi dưỡng của tỉnh")
    suggestions = console.evaluate(
        "() => [...document.querySelectorAll('#absence-reasons option')].map((o) => o.value)")
    assert "Đi công tác" in suggestions and "Có lý do" not in suggestions
    # The reason boxes stay inside the roster: the console never scrolls sideways.
    assert console.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    # found and scrolled in one step: the roll (coalesced) may redraw the roster in between
    console.evaluate("(id) => document.querySelector(`[data-list=roster] "
                     "input.absence-reason[data-delegate-id='${id}']`)"
                     ".closest('tr').scrollIntoView({block: 'center', behavior: 'instant'})", me)
    console.screenshot(path=SHOTS / "02-console-roster-reasons.png", full_page=True)

    # (c) Without reason: nothing to type, none kept.
    other.locator("select").select_option("absent")
    console.wait_for_function(
        "(id) => (window.__live.state.roster || []).some("
        "(r) => r.delegate_id === id && r.status === 'absent')", arg=other_id)
    assert _reasons()[other_id] == ("absent", "")
    expect(other.locator("input.absence-reason")).to_be_hidden()
    for page in (console, chair, tablet):
        page.context.close()
