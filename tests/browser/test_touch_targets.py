"""Every clickable element of the delegate's tablet, the console and the hall screen is at
least 44 px high at 1024×768, and at 390 px (a phone) no page scrolls sideways."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from paperless import db
from tests.browser.test_whole_session import _online, _page

pytestmark = pytest.mark.browser

# Radios and checkboxes are reached through their label: the label is the target.
MEASURE = """() => {
  const seen = new Set(), small = [];
  const targets = document.querySelectorAll(
    'a[href], button, select, summary, input:not([type=hidden]), [role=button], label.check');
  for (let el of targets) {
    if (['radio', 'checkbox'].includes(el.type)) el = el.closest('label') || el;
    if (seen.has(el)) continue;
    seen.add(el);
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden') continue;
    if (box.height < 44) small.push(`${el.tagName} "${(el.textContent || el.name || '').trim().slice(0, 40)}" ${Math.round(box.height)}px`);
  }
  return small;
}"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _open_session(meeting_id):
    from paperless.models import User
    from paperless.services import live
    from paperless.services.access import actor_for

    chair = actor_for(db.session.scalar(select(User).where(User.username == "chutoa")))
    live.change_phase(chair, meeting_id, "open")
    live.mark_attendance(chair, meeting_id, 5, "present")
    live.request_floor(actor_for(db.session.scalar(select(User).where(
        User.username == "daibieu05"))), meeting_id, "speech", "Về ngân sách")
    # a vote prepared on the current item: its card, cancel reason and hand-count form
    from paperless.services import votes

    current = live.snapshot(chair, meeting_id)["current_item"]["id"]
    votes.create_vote(chair, current, kind="open", title="Thông qua chương trình kỳ họp")


def test_touch_targets_and_no_sideways_scroll(live_server, browser):
    from paperless.models import Meeting

    meeting_id = db.session.scalar(select(Meeting.id))
    _open_session(meeting_id)
    pages = {"tablet": ("daibieu05", f"/meetings/{meeting_id}/live"),
             "console": ("chutoa", f"/meetings/{meeting_id}/console"),
             "screen": ("manhinh", f"/meetings/{meeting_id}/screen")}
    problems = {}
    for name, (user, path) in pages.items():
        page = _page(browser, live_server, user, (1024, 768), "vi", path)
        _online(page)
        if name == "console":
            page.wait_for_selector("[data-list=votes] .console-vote.status-draft")
            page.click(".manual-count-form summary")  # the hand-count form, open
        small = page.evaluate(MEASURE)
        if small:
            problems[name] = small
        page.context.close()
    assert not problems, problems
    for name, (user, path) in pages.items():
        page = _page(browser, live_server, user, (390, 844), "vi", path)
        _online(page)
        assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways at 390 px"
        page.context.close()
    # The phone's document viewer: the tool rows wrap, nothing sideways.
    from tests.browser.test_whole_session import _seed_documents

    document_id, _old, _shown = _seed_documents(meeting_id)
    page = _page(browser, live_server, "daibieu05", (390, 844), "vi",
                 f"/documents/{document_id}/view")
    page.wait_for_selector("#viewer-app.ready")
    width = page.evaluate("() => Math.max(...[...document.querySelectorAll("
                          "'.viewer-toolbar, .viewer-tools')].map((e) => e.scrollWidth))")
    assert width <= 390 and page.evaluate(OVERFLOW) <= 0, f"viewer toolbar {width}px wide"
    page.context.close()
