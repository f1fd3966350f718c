"""Reusable browser steps for documents the secretariat manages (issue 16): upload with a
title apart from the file name, rename/move/change access, withdraw (asked once), and what a
delegate's open bag and viewer show afterwards. test_documents_manage_flow.py uses them; a
whole-session scenario may call them too."""

from __future__ import annotations

import io

from playwright.sync_api import expect

WAIT = 15000


def login(page, base, username, password="kyhopso"):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def vietnamese_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with real Vietnamese text (Noto Sans), so "đ" is in its text layer."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "StepsSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("StepsSans",
                                       "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont("StepsSans", 14)
    for n, line in enumerate(lines):
        page.drawString(72, 760 - 24 * n, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def upload_on_bag(office, bag_url, file_name, data: bytes, title: str = "") -> None:
    """The secretariat uploads one file on the bag page (with progress), naming it."""
    office.goto(bag_url)
    office.set_input_files("[data-upload-form] input[type=file]", files=[{
        "name": file_name, "mimeType": "application/pdf", "buffer": data}])
    if title:
        office.fill("[data-upload-form] input[name=title]", title)
    office.click("[data-upload-form] button[type=submit]")


def publish_all(office) -> None:
    office.click("[data-testid=publish-all]")
    expect(office.locator(".flash-success")).to_contain_text("Đã công bố", timeout=WAIT)


def open_document_page(office, base, title) -> None:
    """From the bag, the ⓘ page of the document titled `title`."""
    office.locator(f'.doc:has(.doc-title:text-is("{title}")) .doc-info').click()
    office.wait_for_url("**/documents/*")


def edit_document(office, *, title=None, agenda_label=None, access=None,
                  saved: str = "✓ Đã lưu.") -> None:
    """On the document's page: rename / move / change access, saved through the API
    (`saved`: the confirmation in the page's language)."""
    form = office.locator("[data-document-edit]")
    if title is not None:
        form.locator("textarea[name=title]").fill(title)
    if agenda_label is not None:
        form.locator("select[name=agenda_item_id]").select_option(label=agenda_label)
    if access is not None:
        form.locator("select[name=access]").select_option(access)
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-form-status]")).to_have_text(saved, timeout=WAIT)


def withdraw_document(office, reason: str) -> list[str]:
    """Withdraw with a reason; returns the confirmation texts asked (exactly one expected)."""
    asked: list[str] = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    office.on("dialog", answer)
    zone = office.locator("[data-testid=withdraw-zone]")
    zone.locator("textarea[name=reason]").fill(reason)
    zone.locator("button[type=submit]").click()
    expect(office.locator("[data-testid=withdrawn-notice]")).to_contain_text(reason, timeout=WAIT)
    office.remove_listener("dialog", answer)
    return asked


def expect_viewer_closed(tablet, title: str, reason: str,
                         said: str = "Tài liệu “{title}” đã được rút. Lý do: {reason}") -> None:
    """The delegate's open viewer closes itself with the reason; no page is left on screen
    (`said`: the notice in the page's language)."""
    gone = tablet.locator("[data-gone]")
    expect(gone).to_contain_text(said.format(title=title, reason=reason), timeout=WAIT)
    expect(tablet.locator(".viewer-body")).to_have_count(0)


def offline_copy_kept(page, file_url: str) -> bool:
    return page.evaluate("async (url) => Boolean(await caches.match(url))", file_url)
