"""Each /api/v1 route declares its shapes once (`paperless/api/spec.py`): requests are checked
against them with today's codes and Vietnamese messages, and the OpenAPI document is drawn
from them, so a route cannot be served without appearing in it."""

from __future__ import annotations

from typing import Annotated, ClassVar

import pytest
from flask import Blueprint, Flask
from pydantic import ValidationError

from paperless.api import openapi
from paperless.api.spec import declare
from paperless.domain.labels import COUNCIL_LEVELS
from paperless.schemas import councils as shapes
from paperless.schemas.base import Body
from paperless.shapes import Id, IsoDate, Says, Text, refusal
from tests.support import token_for


class Sample(Body):
    name: Text(20, min_length=1)
    count: Id | None = None
    on: IsoDate | None = None
    kind: Annotated[str, Says("Loại không hợp lệ.", "invalid_kind")] = "a"


def _refused(model, data):
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return refusal(model, caught.value)


@pytest.mark.parametrize(("data", "message", "code", "detail"), [
    ({}, "Thiếu trường “name”.", "validation_error", "required"),
    ({"name": 5}, "Trường “name” phải là chuỗi, tối đa 20 ký tự.", "validation_error", "type"),
    ({"name": ""}, "Trường “name” không được để trống.", "validation_error", "too_short"),
    ({"name": "x" * 21}, "Trường “name” phải là chuỗi, tối đa 20 ký tự.", "validation_error",
     "too_long"),
    # strict: true is no number, "5" no integer, as body.integer refused them by hand
    ({"name": "x", "count": True}, "Trường “count” phải là số nguyên.", "validation_error",
     "type"),
    ({"name": "x", "count": "5"}, "Trường “count” phải là số nguyên.", "validation_error",
     "type"),
    ({"name": "x", "count": 2**31}, "Trường “count” phải là số nguyên.", "validation_error",
     "range"),
    # a date is a "YYYY-MM-DD" string, never a timestamp
    ({"name": "x", "on": 20260101}, "Trường “on” phải là ngày YYYY-MM-DD.", "validation_error",
     "type"),
    ({"name": "x", "on": "2026-13-01"}, "Trường “on” phải là ngày YYYY-MM-DD.",
     "validation_error", "format"),
    ({"name": "x", "kind": 1}, "Loại không hợp lệ.", "invalid_kind", "type"),
])
def test_a_refused_field_is_named_with_the_code_and_wording_of_the_hand_checks(
        data, message, code, detail):
    refused = _refused(Sample, data)
    assert (refused.message, refused.code, refused.detail) == (message, code, detail)


def test_an_unknown_key_is_refused_where_the_model_forbids_it_with_the_routes_code():
    class Change(Body):
        model_config = {**Body.model_config, "extra": "forbid"}
        unknown_field_code: ClassVar[str] = "unknown_fields"
        title: Text(20) = None

    refused = _refused(Change, {"meeting_id": 3})
    assert (refused.field, refused.code) == ("meeting_id", "unknown_fields")
    assert Sample.model_validate({"name": "x", "extra": 1}).name == "x"  # ignored elsewhere


def test_a_route_without_a_declaration_cannot_be_served_undocumented():
    app = Flask(__name__)
    bp = Blueprint("api", __name__)

    @bp.get("/declared/<int:item_id>")
    @declare("A declared route", answer=shapes.Council, errors=(404,))
    def declared(item_id):
        return {}

    @bp.get("/forgotten")
    def forgotten():
        return {}

    app.register_blueprint(bp)
    with pytest.raises(LookupError, match="/forgotten"):
        openapi.operations(app)


def test_the_document_is_drawn_from_the_declarations(client, demo):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/councils"]["post"]
    assert operation["summary"].startswith("Create a council")
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/CouncilInput"}
    declared = document["components"]["schemas"]["CouncilInput"]
    assert declared["required"] == ["name", "level"]
    assert declared["properties"]["level"]["enum"] == sorted(COUNCIL_LEVELS)
    assert sorted(operation["responses"]) == ["201", "400", "401", "403", "404", "422"]
    assert operation["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"}
    delegates = document["paths"]["/api/v1/councils/{council_id}/delegates"]["get"]
    assert {(p["name"], p["in"]) for p in delegates["parameters"]} == {
        ("council_id", "path"), ("term_id", "query")}


def test_bodies_and_queries_are_refused_before_anything_is_done(client, demo):
    headers = token_for(client, "admin")
    before = client.get("/api/v1/councils", headers=headers).get_json()["councils"]
    refused = client.post("/api/v1/councils", headers=headers,
                          json={"name": "Xã mới", "level": "planet"})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "validation_error"
    assert refused.get_json()["error"]["details"] == {"level": "choice"}
    assert client.post("/api/v1/councils", headers=headers, json=[1]).get_json()[
        "error"]["code"] == "invalid_json"
    assert client.get("/api/v1/councils", headers=headers).get_json()["councils"] == before
    query = client.get("/api/v1/meetings?council_id=abc", headers=headers)
    assert query.status_code == 422
    assert query.get_json()["error"]["details"] == {"council_id": "type"}


def test_the_document_is_drawn_once_per_app_not_on_every_anonymous_request(app, client,
                                                                          monkeypatch):
    from paperless.api import routes

    drawn = []
    real = routes.generated.document
    monkeypatch.setattr(routes.generated, "document", lambda a: drawn.append(1) or real(a))
    app.extensions.pop("paperless.openapi", None)
    first = client.get("/api/v1/openapi.json").get_json()
    assert client.get("/api/v1/openapi.json").get_json() == first
    assert len(drawn) == 1


def test_a_text_field_named_like_a_file_field_is_no_file(client, demo):
    """It once reached the view, whose `.read()` on a string would have been a 500."""
    sent = client.post("/api/v1/verify", data={"file": "not a file"},
                       content_type="multipart/form-data")
    assert sent.status_code == 422
    assert sent.get_json()["error"]["details"] == {"file": "type"}
