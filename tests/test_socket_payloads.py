"""The declared socket payloads: what they refuse, with which code, and their table in the doc."""

from __future__ import annotations

import pytest

from paperless.realtime import payload_doc
from paperless.realtime.commands import COMMANDS
from paperless.realtime.payloads import SCHEMAS, PayloadError, validate


def refusal(event, data):
    with pytest.raises(PayloadError) as caught:
        validate(event, data)
    return caught.value.code, caught.value.field, caught.value.message


def test_every_event_has_a_declared_payload():
    assert set(SCHEMAS) == set(COMMANDS) | {"meeting:join"}


def test_the_doc_lists_the_declarations():
    text = payload_doc.DOC_PATH.read_text(encoding="utf-8")
    assert payload_doc.doc_section(text) == payload_doc.markdown(), \
        "docs/realtime.md is stale: run python -m paperless.realtime.payload_doc --write"


@pytest.mark.parametrize("value", [True, False, "5", 1.0, 1.5, None, -1, 2**31, [1], {}])
def test_an_id_is_a_whole_number_not_a_boolean_nor_a_string(value):
    assert refusal("live:snapshot", {"meeting_id": value}) == \
        ("validation_error", "meeting_id", "Trường “meeting_id” phải là số nguyên.")


@pytest.mark.parametrize("data", [None, [], "meeting", 5, [{"meeting_id": 1}]])
def test_a_payload_is_an_object(data):
    assert refusal("live:snapshot", data) == \
        ("validation_error", None, "Dữ liệu gửi lên phải là một đối tượng.")


def test_extra_keys_are_ignored_and_defaults_filled():
    cast = validate("vote:cast", {"meeting_id": 3, "vote_id": 7, "idempotency_key": "k" * 8,
                                  "choice": "yes", "__proto__": {}})
    assert (cast.vote_id, cast.choice, cast.selections) == (7, "yes", None)
    request = validate("floor:request", {"meeting_id": 1})
    assert (request.kind, request.topic) == ("speech", "")
    assert validate("floor:extend", {"meeting_id": 1}).seconds == 60


@pytest.mark.parametrize("event, data, code, field", [
    ("live:phase", {"meeting_id": 1, "action": "OPEN"}, "invalid_action", "action"),
    ("live:goto", {"meeting_id": 1, "offset": 2}, "invalid_action", "offset"),
    ("attendance:mark", {"meeting_id": 1, "delegate_id": 2, "status": "here"},
     "validation_error", "status"),
    ("attendance:mark", {"meeting_id": 1, "delegate_id": 2, "status": "absent",
                         "reason": "x" * 301}, "validation_error", "reason"),
    ("floor:request", {"meeting_id": 1, "kind": "speech", "topic": ["x"]},
     "validation_error", "topic"),
    ("floor:reorder", {"meeting_id": 1, "order": [1, True]}, "validation_error", "order"),
    ("floor:reorder", {"meeting_id": 1, "order": list(range(1001))}, "validation_error",
     "order"),
    ("floor:extend", {"meeting_id": 1, "seconds": 601}, "validation_error", "seconds"),
    ("floor:pause", {"meeting_id": 1, "paused": "yes"}, "validation_error", "paused"),
    ("notice:send", {"meeting_id": 1, "text": "a", "duration_seconds": 4},
     "validation_error", "duration_seconds"),
    ("vote:cast", {"vote_id": 1, "idempotency_key": "short"}, "invalid_idempotency_key",
     "idempotency_key"),
    ("vote:cast", {"vote_id": 1, "idempotency_key": "k" * 8, "choice": 1}, "invalid_choice",
     "choice"),
    ("vote:manual", {"vote_id": 1, "counts": {"yes": -1}}, "invalid_counts", "counts"),
    ("vote:manual", {"vote_id": 1, "counts": {}, "ballots_issued": "3"}, "invalid_issued",
     "ballots_issued"),
    ("vote:manual_decision", {"vote_id": 1, "confirm": 1}, "validation_error", "confirm"),
    ("projection:show", {"meeting_id": 1, "rect": [0, 0, 10]}, "validation_error", "rect"),
    ("projection:show", {"meeting_id": 1, "rect": [0, 0, 10, float("nan")]},
     "validation_error", "rect"),
    ("projection:page", {"meeting_id": 1, "delta": 10_001}, "validation_error", "delta"),
])
def test_a_refused_field_answers_its_code(event, data, code, field):
    assert refusal(event, data)[:2] == (code, field)


def test_a_refusal_speaks_the_connections_language(app, demo):
    from paperless.extensions import socketio
    from tests.support import login

    browser = app.test_client()
    browser.get("/login?lang=en")
    login(browser, "chutoa")
    sock = socketio.test_client(app, flask_test_client=browser)
    answer = sock.emit("live:snapshot", {"meeting_id": True}, callback=True)
    assert answer == {"ok": False, "error": {
        "code": "validation_error", "message": "Field “meeting_id” must be a whole number.",
        "details": {"field": "meeting_id"}}}
    answer = sock.emit("live:phase", {"meeting_id": 1, "action": "start"}, callback=True)
    assert answer["error"]["code"] == "invalid_action"
    assert answer["error"]["message"] == "Not a valid action."
    assert sock.emit("live:snapshot", [], callback=True)["error"]["message"] == \
        "The data sent must be an object."
