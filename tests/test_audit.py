"""The tamper-evident record: every action appended to a hash chain that `audit verify`
checks; any changed, deleted or reordered row is found and named."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import func, select, text

from paperless import db
from paperless.models import AuditEntry, AuditHead, Meeting
from paperless.services import audit
from tests import session_script as script
from tests.conftest import ROOT
from tests.support import login, token_for


@pytest.fixture
def meeting(demo):
    return db.session.scalar(select(Meeting))


@pytest.fixture
def recorded(meeting):
    """The demo session run through the services, so the chain holds every kind of entry."""
    return script.demo_session(meeting)


def _verify(app):
    db.session.remove()
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def _unguard():
    """What an attacker with database access does first: drop the append-only triggers."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry"))
        return
    db.session.execute(text("DROP TRIGGER IF EXISTS audit_entry_no_update"))
    db.session.execute(text("DROP TRIGGER IF EXISTS audit_entry_no_delete"))


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def test_the_session_is_recorded_and_the_chain_verifies(app, meeting, recorded):
    actions = [e.action for e in audit.entries_for(meeting.id)]
    for expected in ("live.opened", "attendance.checked_in", "attendance.marked", "floor.given",
                     "floor.stopped", "vote.opened", "vote.closed", "vote.announced",
                     "question.filed", "question.answered", "question.written_pending",
                     "live.closed"):
        assert expected in actions, expected
    assert actions.count("attendance.checked_in") == 27
    result = _verify(app)
    assert result.exit_code == 0, result.output + result.stderr
    assert f"{_count()} mục" in result.output
    seq, head_hash = db.session.execute(select(AuditHead.seq, AuditHead.hash)).one()
    assert seq == _count() and head_hash in result.output


def test_votes_are_recorded_as_counts_never_as_ballots(meeting, recorded):
    budget, secret = recorded["votes"]
    entries = audit.entries_for(meeting.id)
    assert not [e for e in entries if "cast" in e.action or "ballot" in e.action]
    closed = {e.subject_id: e.details for e in entries if e.action == "vote.closed"}
    assert closed[budget.id]["choices"] == {"yes": 24, "no": 2, "abstain": 1}
    assert closed[secret.id]["choices"] == {"yes": 20, "no": 5, "abstain": 0}
    assert any("Tán thành: 24/30 đại biểu" in line for line in closed[budget.id]["statement"])
    # nothing in the record names who cast the secret ballot, or when each was cast
    names = {d.full_name for d in recorded["delegates"]}
    secret_entries = [e for e in entries if e.subject_type == "vote" and e.subject_id == secret.id]
    dumped = json.dumps([e.details for e in secret_entries], ensure_ascii=False)
    assert not any(name in dumped for name in names)
    assert len(secret_entries) == 4  # created, opened, closed, announced


FIELDS = {
    "at": "'2020-01-01 00:00:00.000000'", "council_id": "council_id + 1",
    "meeting_id": "999", "actor_user_id": "12345", "actor_name": "'Người khác'",
    "action": "'vote.cancelled'", "subject_type": "'x'", "subject_id": "777",
    "details": "'{\"choices\": {\"yes\": 30}}'", "prev_hash": "'" + "a" * 64 + "'",
    "hash": "'" + "b" * 64 + "'",
}


@pytest.mark.parametrize("column", sorted(FIELDS))
def test_a_changed_field_is_found_and_the_row_named(app, meeting, recorded, column):
    victim = db.session.scalar(select(AuditEntry.id).where(
        AuditEntry.action == "vote.closed").order_by(AuditEntry.id))
    _unguard()
    db.session.execute(text(f"UPDATE audit_entry SET {column} = {FIELDS[column]} "
                            "WHERE id = :id"), {"id": victim})
    db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert f"mục số {victim}:" in result.stderr, result.stderr


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_deleted_row_is_found_and_named(app, recorded, where):
    total = _count()
    victim = {"first": 1, "middle": total // 2, "last": total}[where]
    _unguard()
    db.session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": victim})
    db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert f"mục số {victim}:" in result.stderr, result.stderr


COLUMNS = ["at", "council_id", "meeting_id", "actor_user_id", "actor_name", "action",
           "subject_type", "subject_id", "details", "prev_hash", "hash"]


@pytest.mark.parametrize("offset", [0, 5, -2])
def test_two_swapped_rows_are_found_and_named(app, recorded, offset):
    total = _count()
    first = (total // 3 + offset) if offset >= 0 else total + offset
    second = first + 1
    _unguard()
    rows = {r.id: r for r in db.session.execute(text(
        "SELECT * FROM audit_entry WHERE id IN (:a, :b)"), {"a": first, "b": second})}
    def raw(value):  # PostgreSQL hands a JSON column back as a dict; write it back as text
        return json.dumps(value) if isinstance(value, dict | list) else value

    for target, source in ((first, second), (second, first)):
        db.session.execute(text(
            "UPDATE audit_entry SET " + ", ".join(f"{c} = :{c}" for c in COLUMNS)
            + " WHERE id = :id"), {**{c: raw(getattr(rows[source], c)) for c in COLUMNS},
                                    "id": target})
    db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert f"mục số {first}:" in result.stderr, result.stderr


def test_no_code_path_updates_or_deletes_an_entry(meeting, recorded):
    entry = db.session.get(AuditEntry, 3)
    entry.action = "changed"
    with pytest.raises(audit.AppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, 3))
    with pytest.raises(audit.AppendOnly):
        db.session.flush()
    db.session.rollback()
    from sqlalchemy import delete, update

    with pytest.raises(audit.AppendOnly):
        db.session.execute(update(AuditEntry).values(action="x"))
    with pytest.raises(audit.AppendOnly):
        db.session.execute(delete(AuditEntry))
    db.session.rollback()
    # and the database refuses, whatever the code does
    from sqlalchemy.exc import DatabaseError

    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("UPDATE audit_entry SET action = 'x' WHERE id = 3"))
    db.session.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_entry WHERE id = 3"))
    db.session.rollback()
    assert audit.verify().ok


def test_an_entry_lives_and_dies_with_its_transaction(meeting):
    before = audit.head()
    audit.record(script.actor("thuky"), "meeting.status", council_id=meeting.council_id,
                 meeting_id=meeting.id, details={"from": "published", "to": "draft"})
    db.session.rollback()  # the change was refused: neither it nor its entry stays
    db.session.commit()
    assert audit.head() == before and _count() == before[0]
    audit.record(script.actor("thuky"), "meeting.status", council_id=meeting.council_id,
                 meeting_id=meeting.id, details={"from": "published", "to": "draft"})
    db.session.remove()  # a request that failed midway: its session is closed, not committed
    db.session.commit()
    assert audit.head() == before and _count() == before[0]
    script.open_session(meeting)
    assert audit.head()[0] == before[0] + 1
    assert db.session.get(AuditEntry, before[0] + 1).action == "live.opened"


def test_logins_are_recorded(client, demo):
    start = audit.head()[0]
    login(client, "thuky")
    client.post("/login", data={"username": "thuky", "password": "wrong-one"})
    client.post("/login", data={"username": "nobody", "password": "x"})
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.id > start)
                                 .order_by(AuditEntry.id)).all()
    assert [(e.action, e.details["username"]) for e in entries] == [
        ("auth.login", "thuky"), ("auth.login_failed", "thuky"),
        ("auth.login_failed", "nobody")]
    assert entries[0].actor_name == "Phạm Thu Hà"
    assert all("password" not in json.dumps(e.details).replace('"method": "password"', "")
               for e in entries)


WRITER = """
import sys
from paperless import db
from paperless.services import audit
from tests.support import make_app
app = make_app(sys.argv[1])
with app.app_context():
    for i in range(int(sys.argv[3])):
        audit.record(None, "test.concurrent", actor_name=sys.argv[2], details={"i": i})
        db.session.commit()
"""


def test_concurrent_writers_in_several_processes_never_fork_the_chain(app, database_url,
                                                                      instance):
    start = audit.head()[0]
    db.session.remove()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, database_url, f"p{n}", "40"],
                              cwd=str(ROOT))
             for n in range(3)]
    assert [p.wait(120) for p in procs] == [0, 0, 0]
    verdict = audit.verify()
    assert verdict.ok, verdict.message
    assert verdict.count == start + 120
    names = db.session.scalars(select(AuditEntry.actor_name).where(AuditEntry.id > start)).all()
    assert sorted(set(names)) == ["p0", "p1", "p2"] and len(names) == 120


def test_concurrent_writers_on_postgresql(database_url):
    """The same on PostgreSQL, where appends serialise on the head row's lock and triggers
    refuse UPDATE, DELETE and TRUNCATE. Runs under `pytest --postgres` (as `make test`
    does) or with PAPERLESS_TEST_DATABASE_URL."""
    from sqlalchemy.exc import DatabaseError

    from tests.support import make_app

    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: run with --postgres")
    url = database_url
    application = make_app(url)
    with application.app_context():
        start = audit.head()[0]
        db.session.remove()
        procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, f"pg{n}", "50"],
                                  cwd=str(ROOT)) for n in range(4)]
        assert [p.wait(120) for p in procs] == [0, 0, 0, 0]
        verdict = audit.verify()
        assert verdict.ok and verdict.count == start + 200, verdict.message
        for statement in ("UPDATE audit_entry SET action = 'x'", "DELETE FROM audit_entry",
                          "TRUNCATE audit_entry"):
            with pytest.raises(DatabaseError, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
    db.session.remove()


def test_the_staff_read_a_meetings_record(app, client, meeting, recorded):
    url = f"/api/v1/meetings/{meeting.id}/audit"
    data = client.get(url, headers=token_for(client, "chutoa")).get_json()
    assert [e["id"] for e in data["entries"]] == [e.id for e in audit.entries_for(meeting.id)]
    assert all(e["intact"] for e in data["entries"]) and data["head_seq"] == _count()
    for username in ("daibieu03", "ubnd", "khach"):
        assert client.get(url, headers=token_for(client, username)).status_code == 403
    page = login(app.test_client(), "thuky").get(f"/meetings/{meeting.id}/record")
    assert page.status_code == 200 and "vote.announced" in page.get_data(as_text=True)
    # a changed row shows as such
    victim = data["entries"][3]["id"]
    _unguard()
    db.session.execute(text("UPDATE audit_entry SET actor_name = 'X' WHERE id = :id"),
                       {"id": victim})
    db.session.commit()
    again = client.get(url, headers=token_for(client, "chutoa")).get_json()
    assert [e["id"] for e in again["entries"] if not e["intact"]] == [victim]
