"""Pages read their forms with the declared shapes (`web/forms.read`): the API's models or a
page's own, with the field's label in the refusal, text stripped, secrets kept as typed."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from paperless.schemas import accounts, councils
from paperless.services.errors import Invalid
from paperless.web import forms


@pytest.fixture
def form_request():
    app = Flask(__name__)

    def post(fields):
        return app.test_request_context("/", method="POST", data=MultiDict(fields))

    return post


def test_a_page_reads_the_apis_model_from_text(form_request):
    with form_request([("term_id", "3"), ("kind", "thuong_le"), ("title", "  Kỳ họp thứ năm "),
                       ("number", ""), ("place", ""), ("start_date", "2026-12-08"),
                       ("end_date", "2026-12-10")]):
        meeting = forms.read(councils.MeetingInput)
    assert (meeting.term_id, meeting.title, meeting.number) == (3, "Kỳ họp thứ năm", None)
    assert meeting.start_date.isoformat() == "2026-12-08"


def test_a_refused_field_is_named_by_its_label(form_request):
    title = councils.MeetingInput.model_fields["start_date"].title
    assert title  # the page's words for the field
    with form_request([("term_id", "3"), ("kind", "thuong_le"), ("title", "X"),
                       ("start_date", "8/12/2026"), ("end_date", "2026-12-10")]), \
            pytest.raises(Invalid) as caught:
        forms.read(councils.MeetingInput)
    assert caught.value.message == f"Trường “{title}” phải là ngày YYYY-MM-DD."
    assert caught.value.details == {"start_date": "format"}


def test_a_secret_is_kept_exactly_as_typed(form_request):
    with form_request([("current_password", " old pass "), ("new_password", "new  "),
                       ("confirm_password", "")]):
        form = forms.read(accounts.PasswordForm)
    assert (form.current_password, form.new_password, form.confirm_password) == (
        " old pass ", "new  ", "")


def test_list_fields_take_every_value(form_request):
    with form_request([("full_name", "Nguyễn Văn A"), ("positions", "Chủ tịch"),
                       ("positions", ""), ("positions", "Tổ trưởng")]):
        delegate = forms.read(councils.DelegateInput)
    assert list(delegate.positions) == ["Chủ tịch", "Tổ trưởng"]
