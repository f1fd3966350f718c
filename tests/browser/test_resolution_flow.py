"""After a passing vote: the secretariat issues the resolution, the chair signs, the council
signs, the archive lists it, and the public page checks the downloaded file (and catches
a modified copy and an overlay appended after signing)."""

from __future__ import annotations

import pytest

from paperless.services import signing_keys
from tests.conftest import ARTIFACTS
from tests.resolution_support import (
    flip_byte_in_signed_range,
    make_test_ca,
    overlay_after_signing,
    passed_vote,
)

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "resolutions"


def _page(browser, base, username=None, size=(1280, 900)):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]},
                                  locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    if username:
        page.goto(f"{base}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "kyhopso")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
    return page


def test_issue_sign_archive_and_verify_in_the_browser(live_server, browser, monkeypatch,
                                                      tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    monkeypatch.delenv(signing_keys.PASSPHRASE_ENV, raising=False)
    make_test_ca()
    vote = passed_vote(yes=22)

    staff = _page(browser, live_server, "thuky")
    staff.goto(f"{live_server}/meetings/{vote['meeting_id']}")
    staff.click("a.button:has-text('Nghị quyết')")
    form = staff.locator("[data-testid=issue-form]")
    form.wait_for()
    assert "Dự thảo Nghị quyết" in form.locator("select[name=source]").inner_text()
    staff.screenshot(path=SHOTS / "01-to-issue.png", full_page=True)
    form.locator("button[type=submit]").click()
    staff.wait_for_selector("h1:has-text('Nghị quyết số 01/NQ-HĐND')")
    assert "Đã cấp số, chờ Chủ tịch ký" in staff.inner_text("[data-bind=state]")
    resolution_url = staff.url

    chair = _page(browser, live_server, "chutoa")
    chair.goto(resolution_url)
    chair.click("a:has-text('Xem và ký số (Chủ tịch)')")
    # what is signed is shown page by page, and the password is asked again
    chair.wait_for_selector("[data-testid=sign-preview].ready")
    assert chair.locator(".sign-page canvas").count() >= 1
    chair.screenshot(path=SHOTS / "02-chair-preview.png", full_page=True)
    chair.click("button:has-text('Ký số (Chủ tịch)')")  # no password: the browser asks
    assert chair.locator("[data-testid=sign-error]").count() == 0
    chair.fill("[data-testid=sign-form] input[name=password]", "kyhopso")
    chair.click("button:has-text('Ký số (Chủ tịch)')")
    chair.wait_for_selector("[data-bind=state]:has-text('Chủ tịch đã ký')")
    assert "Đã ký số Nghị quyết số 01/NQ-HĐND" in chair.inner_text(".flash-success")
    chair.screenshot(path=SHOTS / "02-chair-signed.png", full_page=True)

    staff.reload()
    staff.click("button:has-text('Ký số cơ quan và lưu trữ')")
    staff.wait_for_selector("[data-bind=state]:has-text('Đã lưu trữ')")
    assert staff.locator("table.table tbody tr").count() == 2  # the signing record
    staff.screenshot(path=SHOTS / "03-archived.png", full_page=True)
    signed_sha = staff.inner_text("[data-bind=signed-sha]").strip()
    public_href = staff.get_attribute("[data-testid=public-link]", "href")
    with staff.expect_download() as info:
        staff.click("[data-testid=download-signed]")
    signed_file = tmp_path / "nghi-quyet-da-ky.pdf"
    info.value.save_as(signed_file)
    # an electronic copy of page 1 (trích sao), signed by the council on the same page
    copies = staff.locator("[data-testid=copy-form]")
    copies.locator("input[value=trich_sao]").check()
    copies.locator("input[name=pages]").fill("1")
    staff.screenshot(path=SHOTS / "03b-copy-form.png", full_page=True)
    with staff.expect_download() as info:
        copies.locator("button[type=submit]").click()
    copy_file = tmp_path / "trich-sao.pdf"
    info.value.save_as(copy_file)
    assert copy_file.read_bytes().startswith(b"%PDF")

    staff.click("nav.topnav a:has-text('Nghị quyết')")
    staff.fill("[data-testid=archive-search] input[name=q]", "dự toán")
    staff.click("[data-testid=archive-search] button[type=submit]")
    staff.wait_for_selector("[data-testid=archive-list] td:has-text('01/NQ-HĐND')")
    staff.screenshot(path=SHOTS / "04-archive.png", full_page=True)

    citizen = _page(browser, live_server, size=(1024, 900))
    citizen.goto(f"{live_server}{public_href}")
    assert signed_sha in citizen.inner_text("[data-bind=archived-sha]")
    citizen.set_input_files("[data-testid=check-form] input[type=file]", str(signed_file))
    citizen.click("[data-testid=check-form] button[type=submit]")
    citizen.wait_for_selector("[data-testid=check-result][data-matches=yes]")
    assert citizen.locator("[data-testid=signature][data-status=valid]").count() == 2
    citizen.screenshot(path=SHOTS / "05-public-match.png", full_page=True)

    data = signed_file.read_bytes()
    for name, changed, status in (("one-byte", flip_byte_in_signed_range(data), "invalid"),
                                  ("overlay", overlay_after_signing(data), "modified")):
        copy = tmp_path / f"{name}.pdf"
        copy.write_bytes(changed)
        citizen.set_input_files("[data-testid=check-form] input[type=file]", str(copy))
        citizen.click("[data-testid=check-form] button[type=submit]")
        citizen.wait_for_selector("[data-testid=check-result][data-matches=no]")
        assert "KHÔNG phải bản đã lưu trữ" in citizen.inner_text("[data-testid=check-result]")
        assert citizen.locator(f"[data-testid=signature][data-status={status}]").count() == 2
        citizen.screenshot(path=SHOTS / f"06-public-{name}.png", full_page=True)

    citizen.goto(f"{live_server}/verify")
    citizen.set_input_files("[data-testid=verify-form] input[type=file]", str(signed_file))
    citizen.click("[data-testid=verify-form] button[type=submit]")
    citizen.wait_for_selector("[data-testid=verify-report] h2:has-text('Tất cả chữ ký số hợp lệ')")
    citizen.screenshot(path=SHOTS / "07-verify.png", full_page=True)
    # the copy: one signature, the council's, valid
    citizen.set_input_files("[data-testid=verify-form] input[type=file]", str(copy_file))
    citizen.click("[data-testid=verify-form] button[type=submit]")
    citizen.wait_for_selector("[data-testid=verify-report] h2:has-text('Tất cả chữ ký số hợp lệ')")
    assert citizen.locator("[data-testid=signature][data-status=valid]").count() == 1
