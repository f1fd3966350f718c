"""/verify reads as a person expects: Vietnamese problems, the council's time, readable names,
an unsigned file said to be unsigned, a changed file never "intact"."""

from __future__ import annotations

import io

from paperless.web.resolutions import certificate_name, council_time, problem_text


def test_problems_times_and_names_read_in_vietnamese(app):
    with app.test_request_context():
        assert problem_text("document changed after signing (OTHER)") == \
            "Tài liệu đã bị thay đổi sau khi ký."
        assert problem_text("certificate does not chain to a trusted root").startswith("Chứng thư")
        assert council_time("2026-12-05T07:30:05+00:00") == "05/12/2026 14:30:05 (GMT+07:00)"
        assert council_time(None) == "—"
    assert certificate_name("Common Name: Nguyễn Văn Hùng, Organization: HĐND xã Tân Phú") == \
        "Nguyễn Văn Hùng (HĐND xã Tân Phú)"
    assert certificate_name("CN=x") == "CN=x"


def test_an_unsigned_pdf_is_said_to_have_no_signature(client):
    from tests.world import small_pdf

    page = client.get("/verify")
    assert page.status_code == 200
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    answer = client.post("/verify", data={"csrf_token": token,
                                          "file": (io.BytesIO(small_pdf()), "a.pdf")},
                         content_type="multipart/form-data")
    html = answer.get_data(as_text=True)
    assert "Tệp không có chữ ký số" in html
    assert "không hợp lệ hoặc không được tin cậy" not in html
    assert html.index('data-testid="verdict"') < html.index('data-testid="verify-form"')


def test_signing_times_in_a_given_council_zone(app):
    with app.app_context():
        assert council_time("2026-12-05T07:30:05+00:00", "America/New_York") == \
            "05/12/2026 02:30:05 (GMT-05:00)"
