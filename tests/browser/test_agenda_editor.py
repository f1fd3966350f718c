"""In Debian's Chromium (issue 16): the secretariat edits the agenda without the page
reloading to the top — adding lands before "Bế mạc", moving keeps the row where the finger
is, the answer shows beside the row, long titles are shown whole, deleting asks once."""

import pytest
from playwright.sync_api import expect

from tests.browser import documents_steps as steps
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "agenda-editor"
LONG_TITLE = ("Thảo luận, cho ý kiến về Tờ trình của Ủy ban nhân dân xã về kế hoạch đầu tư công "
              "trung hạn giai đoạn 2026–2030 và danh mục công trình khởi công mới năm 2027")

ROW_TITLES = "() => [...document.querySelectorAll('.agenda-row > .agenda-line .agenda-title')]" \
             ".map((el) => el.textContent.trim())"


def _row(page, title):
    return page.locator(".agenda-row", has=page.locator(
        f'.agenda-line .agenda-title:text-is("{title}")'))


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= \
        page.viewport_size["height"]


def test_agenda_editor_without_reloads(live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page = context.new_page()
    asked: list[str] = []
    answers = iter([False, True])  # the first delete is cancelled, the second confirmed

    def on_dialog(dialog):
        asked.append(dialog.message)
        dialog.accept() if next(answers) else dialog.dismiss()

    page.on("dialog", on_dialog)
    steps.login(page, live_server, "thuky")
    meetings = context.request.get(f"{live_server}/api/v1/meetings").json()["meetings"]
    meeting = next(m for m in meetings if "thứ năm" in m["title"])
    page.goto(f"{live_server}/meetings/{meeting['id']}")
    page.evaluate("() => { window.__marker = 'same page'; }")
    titles = page.evaluate(ROW_TITLES)
    assert titles[-1].startswith("Bế mạc")

    # (a) Add a long item: it lands before "Bế mạc"; the form stays where it was on screen.
    form = page.locator("[data-agenda-action=add]")
    form.scroll_into_view_if_needed()
    before = form.bounding_box()["y"]
    form.locator("textarea[name=title]").fill(LONG_TITLE)
    form.locator("textarea[name=title]").press("Enter")
    status = page.locator(".agenda-status")
    expect(status).to_have_text(f"Đã thêm mục “{LONG_TITLE}”.", timeout=steps.WAIT)
    assert page.evaluate("() => window.__marker") == "same page"  # no reload
    titles = page.evaluate(ROW_TITLES)
    assert titles[-2] == LONG_TITLE and titles[-1].startswith("Bế mạc")
    form = page.locator("[data-agenda-action=add]")
    assert abs(form.bounding_box()["y"] - before) < 30  # not thrown back to the top
    assert _in_view(page, status)
    page.screenshot(path=SHOTS / "01-added-before-closing.png")

    # (b) Move it up: the row stays under the finger and the answer shows beside it.
    row = _row(page, LONG_TITLE)
    row.scroll_into_view_if_needed()
    before = row.bounding_box()["y"]
    row.locator("[data-agenda-action=move] button").first.click()
    expect(row.locator(".agenda-status")).to_have_text("Đã chuyển mục lên.", timeout=steps.WAIT)
    titles = page.evaluate(ROW_TITLES)
    assert titles[-3] == LONG_TITLE
    row = _row(page, LONG_TITLE)
    assert abs(row.bounding_box()["y"] - before) < 30
    assert page.evaluate("() => window.__marker") == "same page"
    page.screenshot(path=SHOTS / "02-moved-up.png")

    # (c) The title is whole in the edit box (a textarea that grows), and saves in place.
    row.locator("details.agenda-edit > summary").click()
    box = row.locator("[data-agenda-action=edit] textarea[name=title]")
    expect(box).to_have_value(LONG_TITLE)
    assert box.evaluate("el => el.scrollHeight <= el.clientHeight + 2")
    row.locator("[data-agenda-action=edit] input[name=presenter]").fill("Chủ tịch UBND xã")
    page.screenshot(path=SHOTS / "03-edit-form-long-title.png")
    row.locator("[data-agenda-action=edit] button[type=submit]").click()
    row = _row(page, LONG_TITLE)
    expect(row.locator(".agenda-status")).to_have_text("Đã lưu mục chương trình.",
                                                       timeout=steps.WAIT)
    expect(row.locator(".agenda-meta").first).to_contain_text("Chủ tịch UBND xã")
    page.screenshot(path=SHOTS / "04-edited-in-place.png")

    # (d) Deleting asks once: cancelled, nothing goes; confirmed, the item goes.
    row.locator("details.agenda-edit > summary").click()
    row.get_by_role("button", name="Xóa mục").click()
    assert len(asked) == 1 and LONG_TITLE in asked[0]
    assert LONG_TITLE in page.evaluate(ROW_TITLES)
    row.get_by_role("button", name="Xóa mục").click()
    expect(page.locator(".agenda-status")).to_have_text("Đã xóa mục chương trình.",
                                                        timeout=steps.WAIT)
    assert len(asked) == 2
    assert LONG_TITLE not in page.evaluate(ROW_TITLES)
    assert page.evaluate("() => window.__marker") == "same page"
    page.screenshot(path=SHOTS / "05-deleted.png")

    # (e) A refusal shows beside the row too (the meeting starts meanwhile: agenda locked).
    from paperless import db
    from paperless.models import Meeting

    db.session.get(Meeting, meeting["id"]).status = "in_progress"
    db.session.commit()
    first = page.locator(".agenda-row").first
    first.locator("[data-agenda-action=move] button").nth(1).click()
    expect(first.locator(".agenda-status.error")).to_contain_text("trước khi khai mạc",
                                                                  timeout=steps.WAIT)
    page.screenshot(path=SHOTS / "06-refused-beside-row.png")
    context.close()
