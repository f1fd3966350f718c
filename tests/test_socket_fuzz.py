"""Random and malformed Socket.IO payloads for every client event, from several roles.

Bounded and seeded. Every payload has at least one field of the wrong type, out of range or
too long (or is not an object at all), so none of them may do anything: each must be
answered with an error acknowledgement carrying a stable code (never `server_error`), the
database must be exactly as before, and the server must still answer afterwards.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from paperless import db
from paperless.realtime.commands import COMMANDS
from tests.socket_world import connect, session_in_progress

SEED = 20261123
PER_EVENT = 30  # payloads per event and role

# What each event reads: id, ids (list of ids), key (idempotency key), enum, text:<limit>,
# any (free JSON the service checks itself, e.g. a ballot's choice).
FIELDS: dict[str, dict[str, str]] = {
    "meeting:join": {"meeting_id": "id"},
    "live:snapshot": {"meeting_id": "id"},
    "live:phase": {"meeting_id": "id", "action": "enum"},
    "live:goto": {"meeting_id": "id", "item_id": "id"},
    "live:sitting": {"meeting_id": "id"},
    "attendance:check_in": {"meeting_id": "id"},
    "attendance:report_absence": {"meeting_id": "id", "reason": "text:300"},
    "attendance:mark": {"meeting_id": "id", "delegate_id": "id", "status": "enum",
                        "reason": "text:300"},
    "floor:request": {"meeting_id": "id", "kind": "enum", "topic": "text:300"},
    "floor:withdraw": {"meeting_id": "id", "request_id": "id"},
    "floor:reorder": {"meeting_id": "id", "order": "ids"},
    "floor:give": {"meeting_id": "id", "request_id": "id"},
    "floor:stop": {"meeting_id": "id"},
    "floor:extend": {"meeting_id": "id", "seconds": "any"},
    "floor:pause": {"meeting_id": "id", "paused": "any"},
    "live:clear": {"meeting_id": "id"},
    "notice:send": {"meeting_id": "id", "text": "text:500", "audience": "enum",
                    "duration_seconds": "any"},
    "vote:cast": {"vote_id": "id", "idempotency_key": "key", "choice": "any"},
    "vote:open": {"vote_id": "id"},
    "vote:close": {"vote_id": "id"},
    "vote:announce": {"vote_id": "id"},
    "vote:cancel": {"vote_id": "id", "reason": "text:500"},
    "vote:state": {"vote_id": "id"},
    "vote:manual": {"vote_id": "id", "counts": "any", "ballots_issued": "any",
                    "note": "text:500"},
    "vote:manual_decision": {"vote_id": "id", "confirm": "any"},
    "questioning:open_group": {"meeting_id": "id", "group_id": "id"},
    "questioning:close_group": {"meeting_id": "id"},
    "questioning:invite_answer": {"meeting_id": "id", "official_id": "id"},
    "projection:show": {"meeting_id": "id", "document_id": "id", "page": "id", "rect": "any",
                        "opinion_id": "id"},
    "projection:page": {"meeting_id": "id", "page": "id", "delta": "any"},
    "projection:stop": {"meeting_id": "id"},
}
# Fields that, if valid, make the event a real command: the fuzz keeps them valid only in
# payloads where another field is junk.
VALID = {"action": "pause", "status": "present", "kind": "debate", "audience": "all",
         "reason": "Lý do", "topic": "Chủ đề", "text": "Thông báo", "choice": "yes",
         "idempotency_key": "fuzz-key-000001"}

ROLES = {"chair": "chutoa", "secretariat": "thuky", "delegate": "daibieu03", "official": "ubnd",
         "guest": "khach", "screen": "manhinh", "other": "tinh_thuky"}

UNICODE = "Tán thành ☃ \u202e\u0000 𝕏 \ud7ff"
NESTED: dict = {}
_cursor = NESTED
for _ in range(60):
    _cursor["a"] = {}
    _cursor = _cursor["a"]


def junk(kind: str, rng: random.Random):
    if kind == "id":
        pool = [None, "1", 1.5, True, False, [], {}, [1], -1, 0, 2**31, 2**63, 2**200,
                "x" * 10_000, {"$gt": 0}, NESTED, UNICODE, 999_999]
    elif kind == "ids":
        pool = [None, "1,2", 7, [None], [1.5], ["1"], [2**200], [[]], [True],
                list(range(2000)), {}, [NESTED], [-5, -6]]
    elif kind == "key":
        pool = [None, 5, "short", "x" * 101, [], {}, True, NESTED]
    elif kind == "enum":
        pool = [None, 5, True, "", "OPEN", "open\x00", "ｏｐｅｎ", "x" * 100_000, [], {},
                ["open"], UNICODE, NESTED]
    elif kind.startswith("text:"):
        limit = int(kind.split(":")[1])
        pool = [None, 5, 1.5, True, [], {}, ["a"], "x" * (limit + 1), "🙂" * (limit + 1),
                "x" * 1_000_000, NESTED]
    else:  # any
        pool = [None, 5, "tan_thanh", "", [], {}, ["yes", "yes"], NESTED, "x" * 100_000]
    return rng.choice(pool)


def payloads(event: str, world: dict, rng: random.Random):
    fields = FIELDS[event]
    yield from (None, [], "meeting", 1, 1.5, True, NESTED, [world["meeting_id"]])
    for _ in range(PER_EVENT):
        names = list(fields)
        bad = set(rng.sample(names, rng.randint(1, len(names))))
        data = {}
        for name in names:
            kind = fields[name]
            if name in bad:
                if rng.random() < 0.2:
                    continue  # missing altogether
                data[name] = junk(kind, rng)
            else:
                data[name] = world.get(name, VALID.get(name))
        # a valid-typed id that names nothing, so an all-junk-but-ids payload still refers
        # to no object when the only "bad" field was dropped
        if not any(name in data and data[name] is not world.get(name) for name in bad):
            data[next(iter(fields))] = 2**40
        if rng.random() < 0.3:
            data[rng.choice(["extra", "__proto__", "constructor", ""])] = junk("any", rng)
        yield data


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


def test_every_event_is_fuzzed():
    assert set(FIELDS) == set(COMMANDS) | {"meeting:join"}, \
        "a new socket event needs its fields in FIELDS (tests/test_socket_fuzz.py)"


def test_malformed_payloads_change_nothing_and_crash_nothing(app, world):
    rng = random.Random(SEED)
    sockets = {role: connect(app, user, world["meeting_id"] if role != "other" else None)
               for role, user in ROLES.items()}
    before = snapshot()
    problems = []
    sent = 0
    for event in FIELDS:
        for role, sock in sockets.items():
            for payload in payloads(event, world, rng):
                answer = sock.emit(event, payload, callback=True)
                sent += 1
                code = answer.get("error", {}).get("code") if isinstance(answer, dict) else None
                if not isinstance(answer, dict) or answer.get("ok") is not False \
                        or not code or code == "server_error" \
                        or not answer["error"].get("message"):
                    problems.append(f"{event} as {role}: {str(payload)[:200]} → "
                                    f"{str(answer)[:300]}")
        after = snapshot()
        changed = [name for name in before if before[name] != after[name]]
        if changed:
            problems.append(f"{event}: tables changed by refused payloads: {changed}")
            before = after
    assert sent > 5000
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    # still serving, every one of them
    for role, sock in sockets.items():
        assert sock.is_connected(), role
        if role != "other":
            answer = sock.emit("live:snapshot", {"meeting_id": world["meeting_id"]},
                               callback=True)
            assert answer["ok"] and answer["result"]["phase"] == "running", answer
        sock.disconnect()


def test_strangers_cannot_connect(app, world):
    assert not connect(app, None).is_connected()
