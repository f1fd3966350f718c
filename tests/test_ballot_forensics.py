"""Forensics of the secret ballot box: an insider with copies of the database files (not the
running processes' memory) tries to pair who took part with what they chose.

SQLite: a small B-tree cell parser reads every page of the database file and every frame of
its WAL — live cells in page order *and* in physical (insertion) order, per commit — after
10 secret ballots cast in random order, after close, after announce and after a checkpoint.
PostgreSQL (`--postgres`): `pageinspect` reads the heap pages, dead tuples included.
"""

from __future__ import annotations

import json
import random
import re
import struct
import uuid

import pytest
from sqlalchemy import select, text

from paperless import db
from paperless.models import AgendaItem, Meeting, User
from paperless.services import ballot_box, live
from paperless.services.access import actor_for
from tests.support import token_for

CHOICES = ("yes", "no")


# --- a small SQLite file reader ---------------------------------------------------------

def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        byte = buf[pos + i]
        if i == 8:
            return (value << 8) | byte, pos + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, pos + i + 1
    raise AssertionError("unreachable")


def _record(payload: bytes) -> list:
    """Decode one record (header of serial types, then values); overflow is cut off."""
    header_size, pos = _varint(payload, 0)
    types = []
    while pos < header_size:
        t, pos = _varint(payload, pos)
        types.append(t)
    values, body = [], header_size
    for t in types:
        if t == 0:
            values.append(None)
        elif 1 <= t <= 6:
            size = (1, 2, 3, 4, 6, 8)[t - 1]
            values.append(int.from_bytes(payload[body:body + size], "big", signed=True))
            body += size
        elif t == 7:
            values.append(struct.unpack(">d", payload[body:body + 8])[0])
            body += 8
        elif t in (8, 9):
            values.append(t - 8)
        elif t >= 12:
            size = (t - 12) // 2
            raw = payload[body:body + size]
            values.append(raw if t % 2 == 0 else raw.decode("utf-8", "replace"))
            body += size
    return values


def _cells(page: bytes, header_at: int) -> list[tuple[int, list]]:
    """(physical offset, record) of each cell of a B-tree page; [] for other pages."""
    kind = page[header_at]
    if kind not in (0x02, 0x05, 0x0A, 0x0D):
        return []
    count = struct.unpack(">H", page[header_at + 3:header_at + 5])[0]
    pointers_at = header_at + (12 if kind in (0x02, 0x05) else 8)
    out = []
    for i in range(count):
        offset = struct.unpack(">H", page[pointers_at + 2 * i:pointers_at + 2 * i + 2])[0]
        if not 0 < offset < len(page):
            continue
        pos = offset + (4 if kind in (0x02, 0x05) else 0)  # interior: the child page first
        if kind == 0x05:
            continue  # table interior cells hold only rowids
        try:
            size, pos = _varint(page, pos)
            if kind == 0x0D:
                _rowid, pos = _varint(page, pos)
            out.append((offset, _record(page[pos:pos + size])))
        except (IndexError, UnicodeDecodeError, struct.error):
            continue
    return out


def page_images(db_bytes: bytes, wal_bytes: bytes) -> list[tuple[str, int, bytes]]:
    """Every page the attacker can read: (where, page number, bytes); WAL frames in order."""
    size = struct.unpack(">H", db_bytes[16:18])[0]
    size = 65536 if size == 1 else size
    images = [("db", n + 1, db_bytes[n * size:(n + 1) * size])
              for n in range(len(db_bytes) // size)]
    if len(wal_bytes) >= 32:
        wal_size = struct.unpack(">I", wal_bytes[8:12])[0]
        pos, frame = 32, 0
        while pos + 24 + wal_size <= len(wal_bytes):
            number = struct.unpack(">I", wal_bytes[pos:pos + 4])[0]
            images.append((f"wal{frame}", number, wal_bytes[pos + 24:pos + 24 + wal_size]))
            pos, frame = pos + 24 + wal_size, frame + 1
    return images


_KEY = re.compile(r"^secret-[0-9a-f]{32}$")


def attack(db_bytes: bytes, wal_bytes: bytes, vote_id: int) -> dict:
    """Everything known to work against a plain store: read ballot cells and participation
    cells, order both by physical position within each page image and by WAL frame (each
    cast's commit), pair them, and read the choice from the ballot."""
    participations, ballots = [], []
    for where, number, page in page_images(db_bytes, wal_bytes):
        for offset, values in _cells(page, 100 if number == 1 else 0):
            if len(values) == 3 and values[0] == vote_id and isinstance(values[1], int) \
                    and isinstance(values[2], str) and _KEY.match(values[2]):
                participations.append((where, offset, values[1]))
            elif len(values) == 3 and isinstance(values[0], str) and len(values[0]) == 32 \
                    and values[1] == vote_id and isinstance(values[2], bytes):
                ballots.append((where, offset, values[2]))
    guesses: dict[int, str] = {}
    for order in (lambda c: (c[0], -c[1]), lambda c: (c[0], c[1])):
        who = sorted(participations, key=order)
        what = sorted(ballots, key=order)
        for (_, _, delegate), (_, _, content) in zip(who, what, strict=False):
            choice = _read_choice(content)
            if choice is not None:
                guesses[delegate] = choice
    return {"participations": participations, "ballots": ballots, "guesses": guesses}


def _read_choice(content: bytes) -> str | None:
    """What the attacker reads from a ballot cell: its JSON, or any choice code in it."""
    try:
        return json.loads(content)["choice"]
    except (ValueError, KeyError, TypeError):
        pass
    found = [c for c in CHOICES if c.encode() in content]
    return found[0] if len(found) == 1 else None


# --- the scenario ----------------------------------------------------------------------

def _actor(username):
    return actor_for(db.session.scalar(select(User).where(User.username == username)))


def _secret_vote(client):
    meeting_id = db.session.scalar(select(Meeting.id))
    live.change_phase(_actor("chutoa"), meeting_id, "open")
    for delegate_id in range(1, 30):
        live.mark_attendance(_actor("chutoa"), meeting_id, delegate_id, "present")
    item = db.session.scalars(select(AgendaItem).where(AgendaItem.kind == "vote")).first()
    staff, chair = token_for(client, "thuky"), token_for(client, "chutoa")
    vote_id = client.post(f"/api/v1/agenda-items/{item.id}/votes", headers=staff,
                          json={"kind": "secret", "title": "Bỏ phiếu kín"}).get_json()["id"]
    assert client.post(f"/api/v1/votes/{vote_id}/open", headers=chair).status_code == 200
    return vote_id, chair


def _cast_ten(client, vote_id) -> dict[int, str]:
    rng = random.Random()
    order = rng.sample(range(1, 30), 10)
    truth = {}
    for number in order:
        truth[number] = rng.choice(CHOICES)
        response = client.post(f"/api/v1/votes/{vote_id}/ballots",
                               headers=token_for(client, f"daibieu{number:02d}"),
                               json={"idempotency_key": f"secret-{uuid.uuid4().hex}",
                                     "choice": truth[number]})
        assert response.status_code == 201
    return truth


def _copy(instance) -> tuple[bytes, bytes]:
    """The attacker's copy: the database file and its WAL as they are on disk now."""
    path = instance / "test.sqlite3"
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes(), wal.read_bytes() if wal.exists() else b""


def _no_better_than_chance(found: dict, truth: dict) -> None:
    # The attacker reads no choice at all — not even a guess to be right by chance.
    assert found["guesses"] == {}


@pytest.fixture
def sqlite_only(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the SQLite file reader; PostgreSQL has its own test below")


def test_sqlite_files_pair_no_one_with_a_choice(sqlite_only, app, demo, client, instance):
    vote_id, chair = _secret_vote(client)
    truth = _cast_ten(client, vote_id)

    db_bytes, wal_bytes = _copy(instance)
    open_copy = attack(db_bytes, wal_bytes, vote_id)
    # the reader does see the rows: every participation and ten sealed ballots of one size
    assert {p[2] for p in open_copy["participations"]} == set(truth)
    sealed = {b[2] for b in open_copy["ballots"]}
    assert len(sealed) == 10 and len({len(b) for b in sealed}) == 1
    _no_better_than_chance(open_copy, truth)
    # neither the vote's key nor the master key is anywhere in the files
    files = db_bytes + wal_bytes
    with app.app_context():
        assert ballot_box._keys[vote_id] not in files
        assert ballot_box.master_key() not in files
    with db.session.get_bind().connect() as conn:
        wrapped = bytes(conn.execute(text("SELECT wrapped FROM secret_ballot_key WHERE "
                                          "vote_id = :v"), {"v": vote_id}).scalar())

    closed = client.post(f"/api/v1/votes/{vote_id}/close", headers=chair).get_json()
    counts = {c["code"]: c["count"] for c in closed["result"]["choices"]}
    assert counts["yes"] == list(truth.values()).count("yes")
    stages = {"close": _copy(instance)}
    client.post(f"/api/v1/votes/{vote_id}/announce", headers=chair)
    stages["announce"] = _copy(instance)
    with db.session.get_bind().connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    stages["checkpoint"] = _copy(instance)
    for stage, (db_bytes, wal_bytes) in stages.items():
        found = attack(db_bytes, wal_bytes, vote_id)
        _no_better_than_chance(found, truth)
        # after close not a byte of any sealed ballot nor of the wrapped key is left:
        # even the master key opens nothing in a copy taken from now on
        files = db_bytes + wal_bytes
        assert found["ballots"] == [], stage
        assert not any(b in files for b in sealed), stage
        assert wrapped not in files, stage


def test_sealed_ballots_survive_a_new_process(sqlite_only, app, demo, client):
    """Acknowledged ⇒ durable: a process that never saw the vote open (its key cache empty)
    unwraps the key from the database with the master key and counts every ballot."""
    vote_id, chair = _secret_vote(client)
    truth = _cast_ten(client, vote_id)
    ballot_box._keys.clear()  # as after a restart
    result = client.post(f"/api/v1/votes/{vote_id}/close", headers=chair).get_json()["result"]
    assert result["voted"] == 10
    assert {c["code"]: c["count"] for c in result["choices"]}["no"] == \
        list(truth.values()).count("no")


def test_postgres_heap_pairs_no_one_with_a_choice(app, demo, client, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("needs --postgres")
    with db.session.get_bind().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
    vote_id, chair = _secret_vote(client)
    truth = _cast_ten(client, vote_id)

    def heap(table: str) -> list[tuple]:
        """Every tuple of every page, dead ones included: (xmin, xmax, raw bytes)."""
        with db.session.get_bind().connect() as conn:
            pages = conn.execute(text(
                "SELECT pg_relation_size(:t) / current_setting('block_size')::int"),
                {"t": table}).scalar()
            rows = []
            for n in range(pages):
                rows += conn.execute(text(
                    "SELECT t_xmin::text, t_xmax::text, t_data FROM heap_page_items("
                    "get_raw_page(:t, :n)) WHERE t_data IS NOT NULL"),
                    {"t": table, "n": n}).all()
            return [(r[0], r[1], bytes(r[2])) for r in rows]

    ballots, participation = heap("secret_ballot"), heap("secret_participation")
    assert len(ballots) == 10 and len(participation) >= 10
    # pairing by transaction id works — and yields only ciphertext of one size
    assert {b[0] for b in ballots} <= {p[0] for p in participation}
    assert len({len(b[2]) for b in ballots}) == 1
    assert not any(_read_choice(b[2]) for b in ballots)
    with app.app_context():
        key = ballot_box._keys[vote_id]
    assert not any(key in b[2] for b in heap("secret_ballot_key"))

    client.post(f"/api/v1/votes/{vote_id}/close", headers=chair)
    client.post(f"/api/v1/votes/{vote_id}/announce", headers=chair)
    # VACUUM FULL rewrote both tables: no live, dead or leftover tuple of the vote
    assert heap("secret_ballot") == [] and heap("secret_ballot_key") == []
    assert len(truth) == 10
