"""The hall screen as a projector in Chromium: the chair shows page 2 of the budget draft
from the console, the hall screen draws it with PDF.js, a tablet that follows the screen
turns to it and one that does not stays; the chair turns back a page, shows an opinion with
its passage, and ends the showing: the screen is the live state again."""

import io

import pytest
from sqlalchemy import select

from paperless import db
from paperless.models import Meeting
from tests.browser.test_live_flow import _online, _page
from tests.conftest import ARTIFACTS
from tests.support import token_for
from tests.test_opinions import OLD, draft_pdf

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "projection"
PASSAGE = "Dự toán thu ngân sách xã năm 2027 là 12 tỷ đồng."
# how many pixels of the canvas are not white: PDF.js really drew the page
INKED = """(selector) => {
  const c = document.querySelector(selector);
  if (!c || !c.width) return 0;
  const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let inked = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] < 200) inked += 1;
  return inked;
}"""


def _public_draft(app) -> tuple[int, int, int]:
    """The budget draft, public (the hall screen's guests may see it), with an opinion of
    delegate no. 3 on its first passage."""
    client = app.test_client()
    staff = token_for(client, "thuky")
    meeting = db.session.scalar(select(Meeting))
    item = sorted(meeting.agenda_items, key=lambda i: i.position)[6]
    uploaded = client.post(f"/api/v1/meetings/{meeting.id}/documents", headers=staff,
                           data={"file": (io.BytesIO(draft_pdf(OLD)), "du-thao.pdf"),
                                 "title": "Dự thảo Nghị quyết dự toán ngân sách 2027",
                                 "agenda_item_id": str(item.id), "access": "public"},
                           content_type="multipart/form-data")
    document_id = uploaded.get_json()["id"]
    assert client.post(f"/api/v1/documents/{document_id}/publish",
                       headers=staff).status_code == 200
    opinion = client.post(f"/api/v1/documents/{document_id}/opinions",
                          headers=token_for(client, "daibieu03"),
                          json={"text": "Đề nghị làm rõ nguồn thu từ đất.", "article": "Điều 1",
                                "page": 1, "rect": [50, 750, 420, 775], "quote": PASSAGE})
    assert opinion.status_code == 201
    meeting_id = meeting.id
    db.session.remove()
    return meeting_id, document_id, opinion.get_json()["id"]


def _shows(page, number: int) -> None:
    page.wait_for_selector(f"[data-projection][data-page='{number}'] canvas[data-page='{number}']",
                           state="attached")


def test_chair_shows_page_two_and_a_following_tablet_turns_to_it(app, live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    meeting_id, document_id, opinion_id = _public_draft(app)

    chair = _page(browser, live_server, "chutoa")
    chair.goto(f"{live_server}/meetings/{meeting_id}/console")
    _online(chair)
    chair.click("[data-action=open]")
    screen = _page(browser, live_server, "manhinh")
    _online(screen)
    follower = _page(browser, live_server, "daibieu05", size=(1024, 768))
    follower.goto(f"{live_server}/meetings/{meeting_id}/live")
    _online(follower)
    browsing = _page(browser, live_server, "daibieu06", size=(1024, 768))
    browsing.goto(f"{live_server}/meetings/{meeting_id}/live")
    _online(browsing)
    assert screen.is_hidden("[data-projection]") and screen.is_visible(".screen-body")

    chair.wait_for_selector(
        f"[data-form=projection] select[name=document_id] option[value='{document_id}']",
        state="attached")
    chair.select_option("[data-form=projection] select[name=document_id]", str(document_id))
    chair.fill("[data-form=projection] input[name=page]", "2")
    chair.click("[data-form=projection] button[type=submit]")
    chair.wait_for_selector("[data-projection-status]:has-text('trang 2/2')")

    _shows(screen, 2)
    assert screen.is_visible("[data-projection] canvas") and screen.is_hidden(".screen-body")
    assert "trang 2/2" in screen.inner_text("[data-projection-caption]")
    assert screen.evaluate(INKED, "[data-projection] canvas") > 50
    _shows(follower, 2)
    assert follower.is_checked("[data-action=follow-screen]")
    assert follower.evaluate(INKED, "[data-projection] canvas") > 50
    _shows(browsing, 2)
    browsing.uncheck("[data-action=follow-screen]")  # this delegate reads on their own
    screen.screenshot(path=SHOTS / "01-screen-page-2.png")
    follower.screenshot(path=SHOTS / "02-tablet-follows-page-2.png", full_page=True)
    chair.screenshot(path=SHOTS / "03-console-showing.png", full_page=True)

    # the presenter turns back a page: the follower turns, the other tablet stays on 2
    chair.click("[data-action=projection-prev]")
    _shows(screen, 1)
    _shows(follower, 1)
    browsing.wait_for_selector("[data-projection][data-page='1']", state="attached")
    assert browsing.get_attribute("[data-projection] canvas", "data-page") == "2"
    assert browsing.is_visible("[data-action=back-to-screen]")
    browsing.click("[data-action=back-to-screen]")
    browsing.wait_for_selector("[data-projection] canvas[data-page='1']", state="attached")
    assert browsing.is_checked("[data-action=follow-screen]")

    # an opinion with its passage, from the opinions page: the region is zoomed
    chair.goto(f"{live_server}/documents/{document_id}/opinions")
    chair.click(f".opinion[data-opinion-id='{opinion_id}'] button:has-text('Chiếu lên màn hình')")
    chair.wait_for_selector("text=Đang chiếu ý kiến và đoạn dự thảo")
    screen.wait_for_selector("[data-projection-opinion-text]:has-text('Đề nghị làm rõ nguồn thu từ đất.')")
    screen.wait_for_selector("[data-projection] canvas[data-zoomed='yes']", state="attached")
    assert "Lê Minh Tuấn — Điều 1" in screen.inner_text("[data-projection-opinion-authors]")
    assert PASSAGE in screen.inner_text("[data-projection-opinion-quote]")
    follower.wait_for_selector("[data-projection-opinion-text]:has-text('nguồn thu từ đất')")
    screen.screenshot(path=SHOTS / "04-screen-opinion-passage.png")

    # the showing ends: the hall screen is the live state again
    chair.goto(f"{live_server}/meetings/{meeting_id}/console")
    _online(chair)
    chair.wait_for_selector("[data-action=projection-stop]", state="visible")
    chair.click("[data-action=projection-stop]")
    screen.wait_for_selector("[data-projection]", state="hidden")
    assert screen.is_visible(".screen-body")
    assert "1. Khai mạc" in screen.inner_text("[data-bind=current-title]")
    follower.wait_for_selector("[data-projection]", state="hidden")
    chair.wait_for_selector("[data-projection-status]:has-text('diễn biến phiên họp')")
    screen.screenshot(path=SHOTS / "05-screen-live-again.png")
