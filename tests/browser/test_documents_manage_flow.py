"""In Debian's Chromium (issue 16): the secretariat uploads a document with a title of its
own, renames it, moves it to another agenda item and withdraws it (asked once, with a
reason); a delegate's open bag follows each change without a reload, their open viewer closes
itself, and the tablet's offline copy goes. Viewer search folds "đ" like the bag's search; a
refused upload names its file once."""

import pytest
from playwright.sync_api import expect

from tests.browser import documents_steps as steps
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "documents-manage"
DELEGATE = "daibieu08"
FILE_NAME = "TTr-145-UBND-ban-cuoi-v3.pdf"
TITLE = "Tờ trình về đầu tư công năm 2027"
NEW_TITLE = ("Tờ trình số 145/TTr-UBND về kế hoạch đầu tư công trung hạn giai đoạn 2026–2030 "
             "và danh mục công trình đường giao thông nông thôn năm 2027")
REASON = "Thay bằng tờ trình đã chỉnh sửa số liệu"
LINES = ["Điều 1. Đầu tư công trung hạn", "Làm đường giao thông nông thôn",
         "Đường liên xã Tân Phú – Đồng Nai"]


def test_rename_move_and_withdraw_reach_the_open_tablet(live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    delegate = browser.new_context(viewport={"width": 1024, "height": 768}, locale="vi-VN")
    delegate.add_init_script(
        "for (const name of ['paperless:joined', 'paperless:online'])"
        "  window.addEventListener(name, () => { window.__live = true; });")
    tablet = delegate.new_page()
    steps.login(tablet, live_server, DELEGATE)
    meetings = delegate.request.get(f"{live_server}/api/v1/meetings").json()["meetings"]
    meeting = next(m for m in meetings if "thứ năm" in m["title"])
    agenda = delegate.request.get(f"{live_server}/api/v1/meetings/{meeting['id']}").json()["agenda"]
    target = agenda[2]
    bag_url = f"{live_server}/meetings/{meeting['id']}/documents"
    tablet.goto(bag_url)
    tablet.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    tablet.wait_for_function("() => window.__live === true")
    tablet.evaluate("() => { window.__marker = 'same page'; }")

    # (a) Upload with a title of its own, not the file name; a refused file is named once.
    staff = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    office = staff.new_page()
    steps.login(office, live_server, "thuky")
    steps.upload_on_bag(office, bag_url, "hong.pdf", b"this is not a PDF")
    refusal = office.locator("[data-upload-progress] li.error")
    expect(refusal).to_have_count(1, timeout=steps.WAIT)
    assert refusal.inner_text().count("hong.pdf") == 1
    assert refusal.inner_text().startswith("hong.pdf: ")
    office.screenshot(path=SHOTS / "01-refused-once.png")
    steps.upload_on_bag(office, bag_url, FILE_NAME, steps.vietnamese_pdf(LINES), title=TITLE)
    expect(office.locator("[data-upload-progress]")).to_contain_text("đã tải lên",
                                                                      timeout=steps.WAIT)
    expect(office.locator("[data-live-bag] .doc-title")).to_have_text(TITLE)
    steps.publish_all(office)
    expect(tablet.locator("[data-live-bag] .doc-title")).to_have_text(TITLE, timeout=steps.WAIT)
    expect(tablet.locator("[data-live-bag] .offline-state")).to_contain_text(
        "Đọc được khi mất mạng", timeout=20000)
    file_url = tablet.get_attribute("[data-live-bag] .doc", "data-file-url")
    assert steps.offline_copy_kept(tablet, file_url)

    # (b) Rename to a long title and move to another agenda item, on the document's page.
    steps.open_document_page(office, live_server, TITLE)
    expect(office.locator("[data-document-meta]")).to_contain_text(FILE_NAME)
    title_box = office.locator("[data-document-edit] textarea[name=title]")
    steps.edit_document(office, title=NEW_TITLE,
                        agenda_label=f"{target['number']}. {target['title']}"[:80])
    expect(office.locator("h1")).to_have_text(NEW_TITLE)
    # The long title is shown whole in its box: nothing cut, nothing scrolled away.
    assert title_box.evaluate("el => el.scrollHeight <= el.clientHeight + 2")
    office.screenshot(path=SHOTS / "02-renamed-moved.png", full_page=True)

    group = tablet.locator(f"#item-{target['id']}")
    expect(group.locator(".doc-title")).to_have_text(NEW_TITLE, timeout=steps.WAIT)
    assert tablet.evaluate("() => window.__marker") == "same page"
    tablet.screenshot(path=SHOTS / "03-tablet-follows.png", full_page=True)

    # (c) The delegate reads it; search without diacritics finds "đường" and "Đồng".
    group.locator(".doc-open").click()
    tablet.wait_for_url("**/documents/*/view")
    expect(tablet.locator(".textLayer").first).to_contain_text("giao thông", timeout=steps.WAIT)
    tablet.wait_for_function("() => window.__live === true")
    tablet.fill("[data-find-input]", "duong")
    expect(tablet.locator("[data-find-status]")).to_have_text("1/2", timeout=steps.WAIT)
    tablet.fill("[data-find-input]", "dong nai")
    expect(tablet.locator("[data-find-status]")).to_have_text("1/1", timeout=steps.WAIT)
    tablet.fill("[data-find-input]", "Dieu 1")
    expect(tablet.locator("[data-find-status]")).to_have_text("1/1", timeout=steps.WAIT)
    tablet.screenshot(path=SHOTS / "04-viewer-search-d.png")
    tablet.fill("[data-find-input]", "")

    # (d) Withdrawal asks once, then the open viewer closes and the offline copy goes.
    asked = steps.withdraw_document(office, REASON)
    assert len(asked) == 1 and "Rút tài liệu" in asked[0]
    office.screenshot(path=SHOTS / "05-withdrawn-office.png", full_page=True)
    steps.expect_viewer_closed(tablet, NEW_TITLE, REASON)
    tablet.wait_for_function("async (url) => !(await caches.match(url))", arg=file_url)
    tablet.screenshot(path=SHOTS / "06-viewer-closed.png")
    tablet.goto(bag_url)
    expect(tablet.locator("[data-live-bag] .doc")).to_have_count(0)
    office.goto(bag_url)
    expect(office.locator("[data-testid=withdrawn-documents] .doc-title")).to_have_text(NEW_TITLE)
    expect(office.locator("[data-testid=withdrawn-documents]")).to_contain_text(
        f"Đã rút Lý do: {REASON}")
    expect(office.locator("[data-testid=withdrawn-documents] .offline-state")).to_have_text("")
    office.screenshot(path=SHOTS / "07-office-bag-withdrawn.png", full_page=True)
    staff.close()
    delegate.close()
