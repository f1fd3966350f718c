"""Socket.IO payloads for every client event, drawn from the declared payloads
(`paperless/realtime/payloads.py`, through each model's JSON schema), from several roles.

Two runs, bounded and derandomised:
- malformed: a declared payload with one field broken (wrong type, out of bounds, too long,
  missing, deeply nested) or no object at all. Each must be refused with exactly the code
  its declaration gives, the database must be exactly as before, the server still serving.
- well-formed: payloads the declarations accept, ids partly the world's real ones. Each must
  be answered ok or with a documented error code and a message, never `server_error`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from paperless import db
from paperless.realtime.payloads import SCHEMAS, PayloadError, validate
from tests.socket_world import connect, session_in_progress

EXAMPLES = 300  # per run; each example is one event from one role
ROLES = {"chair": "chutoa", "secretariat": "thuky", "delegate": "daibieu03", "official": "ubnd",
         "guest": "khach", "screen": "manhinh", "other": "tinh_thuky"}
UNICODE = "Tán thành ☃ \u202e\u0000 𝕏 \ud7ff"
NESTED: dict = {}
_cursor = NESTED
for _ in range(60):
    _cursor["a"] = {}
    _cursor = _cursor["a"]
JUNK = [None, "1", "", 1.5, True, False, [], {}, [1], -1, 2**63, 2**200, "x" * 10_000,
        {"$gt": 0}, NESTED, [NESTED], UNICODE, ["yes", "yes"], float("inf")]
STRANGE_KEYS = ["extra", "__proto__", "constructor", "", "meeting_id", "vote_id"]


def documented_codes() -> set[str]:
    text = (Path(__file__).resolve().parents[1] / "docs" / "realtime.md").read_text()
    listed = text[text.index("Error codes:"):text.index("Closing the meeting")]
    return set(re.findall(r"`([a-z_]+)`", listed))


# --- strategies from the declarations' JSON schemas -----------------------------------------

def from_schema(schema: dict, ids: list[int] | None = None) -> st.SearchStrategy:
    """Values a JSON schema (the subset pydantic writes for these payloads) accepts; sizes
    kept small, bounds kept exactly. `ids`: real ids mixed into integer fields."""
    if "anyOf" in schema:
        return st.one_of([from_schema(s, ids) for s in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "integer":
        numbers = st.integers(schema.get("minimum"), schema.get("maximum"))
        low, high = schema.get("minimum", -(2**31)), schema.get("maximum", 2**31)
        real = [i for i in ids or () if low <= i <= high]
        return st.one_of(st.sampled_from(real), numbers) if real else numbers
    if kind == "number":
        return st.floats(schema.get("exclusiveMinimum", schema.get("minimum")),
                         schema.get("exclusiveMaximum", schema.get("maximum")),
                         exclude_min="exclusiveMinimum" in schema,
                         exclude_max="exclusiveMaximum" in schema,
                         allow_nan=False, allow_infinity=False)
    if kind == "string":
        low = schema.get("minLength", 0)
        return st.text(min_size=low, max_size=min(schema.get("maxLength", 50), low + 40))
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        low = schema.get("minItems", 0)
        return st.lists(from_schema(schema.get("items", {}), ids), min_size=low,
                        max_size=min(schema.get("maxItems", 5), low + 5))
    if kind == "object":
        keys = from_schema({"type": "string", **schema.get("propertyNames", {})})
        return st.dictionaries(keys, from_schema(schema["additionalProperties"], ids),
                               max_size=min(schema.get("maxProperties", 5), 5))
    raise AssertionError(f"a payload schema this fuzz cannot draw: {schema}")


def payloads_of(event: str, ids: list[int]) -> st.SearchStrategy:
    schema = SCHEMAS[event].model_json_schema()
    required = set(schema.get("required", ()))
    fields = {name: from_schema(prop, ids) for name, prop in schema["properties"].items()}
    return st.fixed_dictionaries({k: v for k, v in fields.items() if k in required},
                                 optional={k: v for k, v in fields.items() if k not in required})


def out_of_bounds(schema: dict) -> list:
    """Values just past a field's declared bounds."""
    values = []
    for part in schema.get("anyOf", [schema]):
        if "minimum" in part:
            values.append(part["minimum"] - 1)
        if "maximum" in part:
            values.append(part["maximum"] + 1)
        if "maxLength" in part:
            values += ["x" * (part["maxLength"] + 1), "🙂" * (part["maxLength"] + 1)]
        if "minLength" in part and part["minLength"]:
            values.append("x" * (part["minLength"] - 1))
        if "maxItems" in part:
            values.append([0] * (part["maxItems"] + 1))
        if "minItems" in part:
            values.append([0] * (part["minItems"] - 1))
        if "enum" in part:
            values += [f"{part['enum'][0]}x", str(part["enum"][0]).upper(), f"{part['enum'][0]}\x00"]
        if "exclusiveMaximum" in part:
            values.append([part["exclusiveMaximum"]] * 4)
        if part.get("type") == "object":
            values.append({"x" * 200: 1})
    return values


@st.composite
def malformed(draw, ids: list[int]):
    """(event, payload) that the event's declaration refuses."""
    event = draw(st.sampled_from(sorted(SCHEMAS)))
    if draw(st.integers(0, 9)) == 0:
        return event, draw(st.sampled_from([None, [], "meeting", 1, 1.5, True, [NESTED]]))
    data = dict(draw(payloads_of(event, ids)))
    schema = SCHEMAS[event].model_json_schema()
    name = draw(st.sampled_from(sorted(schema["properties"])))
    how = draw(st.sampled_from(["junk", "bounds", "missing"]))
    if how == "missing":
        assume(name in schema.get("required", ()))
        del data[name]
    elif how == "bounds":
        candidates = out_of_bounds(schema["properties"][name])
        assume(candidates)
        data[name] = draw(st.sampled_from(candidates))
    else:
        data[name] = draw(st.sampled_from(JUNK))
    if draw(st.booleans()):
        data.setdefault(draw(st.sampled_from(STRANGE_KEYS)), draw(st.sampled_from(JUNK)))
    try:
        validate(event, data)
    except PayloadError:
        return event, data
    assume(False)  # the "junk" was a value the field accepts (None where it is optional)


EXCLUDED_TABLES = {"login_attempt", "api_token", "live_connection"}


def snapshot() -> dict:
    db.session.remove()
    state = {}
    for table in db.Base.metadata.sorted_tables:
        if table.name not in EXCLUDED_TABLES:
            state[table.name] = sorted(map(tuple, db.session.execute(select(table)).all()),
                                       key=repr)
    db.session.remove()
    return state


@pytest.fixture
def world(app, client, demo):
    from paperless.services import users
    from paperless.services.access import SYSTEM
    from paperless.services.auth import hash_secret

    ids = session_in_progress(app, client)
    other = users.create_user(SYSTEM, username="tinh_thuky", full_name="Thư ký HĐND tỉnh",
                              password_hash=hash_secret("kyhopso"))
    users.assign_role(SYSTEM, other, 1, "secretariat")
    return ids


@pytest.fixture
def sockets(app, world):
    joined = {role: connect(app, user, world["meeting_id"] if role != "other" else None)
              for role, user in ROLES.items()}
    yield joined
    for role, sock in joined.items():  # still serving, every one of them
        assert sock.is_connected(), role
        if role != "other":
            answer = sock.emit("live:snapshot", {"meeting_id": world["meeting_id"]},
                               callback=True)
            assert answer["ok"], (role, answer)
        sock.disconnect()


def real_ids(world: dict) -> list[int]:
    return sorted({v for v in world.values() if isinstance(v, int)} | {1, 2, 3})


RUN = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
               suppress_health_check=list(HealthCheck))


def test_malformed_payloads_are_refused_with_their_code_and_change_nothing(world, sockets):
    before = snapshot()
    seen = set()

    @RUN
    @given(st.sampled_from(sorted(ROLES)), malformed(real_ids(world)))
    def refused(role, sent):
        event, payload = sent
        try:
            validate(event, payload)
        except PayloadError as exc:
            expected = exc.code
        answer = sockets[role].emit(event, payload, callback=True)
        assert isinstance(answer, dict) and answer.get("ok") is False, (event, payload, answer)
        assert answer["error"]["code"] == expected, (event, str(payload)[:300], answer)
        assert answer["error"]["message"], answer
        seen.add(event)

    refused()
    assert seen == set(SCHEMAS), f"never drawn: {set(SCHEMAS) - seen}"
    assert snapshot() == before


def test_declared_payloads_are_answered_without_a_server_error(world, sockets):
    codes = documented_codes()
    answered = {"ok": 0, "refused": 0}

    @RUN
    @given(st.sampled_from(sorted(ROLES)),
           st.sampled_from(sorted(SCHEMAS)).flatmap(
               lambda event: st.tuples(st.just(event), payloads_of(event, real_ids(world)))),
           st.dictionaries(st.sampled_from(STRANGE_KEYS[:4]), st.sampled_from(JUNK), max_size=1))
    def answered_well(role, sent, extra):
        event, payload = sent
        validate(event, payload)  # drawn from the declaration: accepted by it
        answer = sockets[role].emit(event, {**extra, **payload}, callback=True)
        assert isinstance(answer, dict), (event, payload, answer)
        if answer.get("ok") is True:
            answered["ok"] += 1
            return
        error = answer.get("error") or {}
        assert answer.get("ok") is False and error.get("message"), (event, payload, answer)
        assert error.get("code") in codes - {"server_error", "database_unavailable"}, \
            (event, str(payload)[:300], answer)
        answered["refused"] += 1

    answered_well()
    assert answered["ok"] > 0 and answered["refused"] > 0, answered


def test_strangers_cannot_connect(app, world):
    assert not connect(app, None).is_connected()
