"""Anchors: the chain head signed into files outside the database, so that an administrator
who rewrites the record consistently (triggers dropped, entries deleted, the rest renumbered
and re-hashed with the app's own canonical form, triggers restored) is caught by verify."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from datetime import datetime

import pytest
from sqlalchemy import select, text

from paperless import db
from paperless.models import AuditEntry, Meeting
from paperless.services import anchors, audit, signing_keys
from tests import session_script as script
from tests.resolution_support import passed_vote


@pytest.fixture
def meeting(demo):
    return db.session.scalar(select(Meeting))


def _cli(app, *args):
    db.session.remove()
    return app.test_cli_runner().invoke(args=["audit", *args])


def _restore_triggers():
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(
            "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
            "ON audit_entry FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()"))
        return
    for verb in ("UPDATE", "DELETE"):
        db.session.execute(text(
            f"CREATE TRIGGER audit_entry_no_{verb.lower()} BEFORE {verb} ON audit_entry "
            "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END"))


def _drop_triggers():
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry"))
        return
    db.session.execute(text("DROP TRIGGER IF EXISTS audit_entry_no_update"))
    db.session.execute(text("DROP TRIGGER IF EXISTS audit_entry_no_delete"))


def rewrite_without(victims: set[int]) -> None:
    """The insider's attack of issue 15, with the app's own canonical form."""
    _drop_triggers()
    rows = db.session.execute(text(
        "SELECT id, at, council_id, meeting_id, actor_user_id, actor_name, action, "
        "subject_type, subject_id, details FROM audit_entry ORDER BY id")).all()
    db.session.execute(text("DELETE FROM audit_entry"))
    prev, new_id = audit.GENESIS, 0
    postgres = db.session.get_bind().dialect.name == "postgresql"
    for row in rows:
        if row.id in victims:
            continue
        new_id += 1
        details = row.details if isinstance(row.details, dict) else json.loads(row.details)
        at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(str(row.at))
        digest = hashlib.sha256(audit.canonical(
            new_id, at, row.council_id, row.meeting_id, row.actor_user_id, row.actor_name,
            row.action, row.subject_type, row.subject_id, details, prev)).hexdigest()
        db.session.execute(text(
            "INSERT INTO audit_entry (id, at, council_id, meeting_id, actor_user_id, "
            "actor_name, action, subject_type, subject_id, details, prev_hash, hash) VALUES "
            "(:id, :at, :c, :m, :u, :n, :a, :st, :si, " + ("CAST(:d AS JSON)" if postgres
                                                            else ":d") + ", :p, :h)"),
            {"id": new_id, "at": at, "c": row.council_id, "m": row.meeting_id,
             "u": row.actor_user_id, "n": row.actor_name, "a": row.action,
             "st": row.subject_type, "si": row.subject_id,
             "d": json.dumps(details, ensure_ascii=False), "p": prev, "h": digest})
        prev = digest
    db.session.execute(text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"),
                       {"s": new_id, "h": prev})
    _restore_triggers()
    db.session.commit()


def test_the_rewrite_attack_is_caught_at_the_first_rewritten_entry(app, meeting):
    signing_keys.init_test_ca([(meeting.council_id, "Hội đồng nhân dân xã Tân Phú",
                                "Nguyễn Văn Hùng")])
    passed_vote(with_draft=False)  # a manual count confirmed by the chair, announced: anchored
    script.demo_session(meeting)
    manual = [e.id for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.action.in_(("vote.manual_entered", "vote.manual_result"))))]
    assert len(manual) == 2
    written = sorted(anchors.folder().glob("*.json"))
    assert written, "announcing a vote writes an anchor"
    result = _cli(app, "anchor")
    assert result.exit_code == 0, result.output
    anchor = json.loads(sorted(anchors.folder().glob("*.json"))[-1].read_text())
    assert anchor["signature"]["algorithm"] in ("rsa-sha256", "ecdsa-sha256")
    assert anchor["seq"] == audit.head()[0]
    ok = _cli(app, "verify")
    assert ok.exit_code == 0, ok.output
    assert "khớp" in ok.output

    rewrite_without(set(manual))
    assert audit.verify().ok  # the chain alone is fooled: the attack is real
    caught = _cli(app, "verify")
    assert caught.exit_code == 1
    assert f"mục số {min(manual)}:" in caught.stderr, caught.stderr
    assert "anchor" in caught.stderr


def test_deleting_entries_after_the_last_anchor_of_the_head_is_caught(app, meeting):
    script.demo_session(meeting)
    anchors.write("hourly")  # no key: an unsigned anchor still vouches for the hashes
    seq = audit.head()[0]
    _drop_triggers()
    db.session.execute(text("DELETE FROM audit_entry WHERE id >= :s"), {"s": seq - 1})
    last = db.session.execute(text("SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1")
                              ).one()
    db.session.execute(text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"),
                       {"s": last.id, "h": last.hash})
    _restore_triggers()
    db.session.commit()
    caught = _cli(app, "verify")
    assert caught.exit_code == 1 and f"mục số {seq - 1}:" in caught.stderr, caught.stderr


def test_a_forged_anchor_is_refused(app, meeting):
    signing_keys.init_test_ca([(meeting.council_id, "Hội đồng nhân dân xã Tân Phú",
                                "Nguyễn Văn Hùng")])
    script.demo_session(meeting)
    path = anchors.write("hourly", meeting.council_id)
    body = json.loads(path.read_text())
    body["hash"] = "f" * 64  # the attacker edits the anchor to fit a rewritten chain
    path.write_text(json.dumps(body))
    caught = _cli(app, "verify")
    assert caught.exit_code == 1 and "chữ ký không hợp lệ" in caught.stderr


def test_files_are_created_for_their_owner_only(app, meeting, instance):
    signing_keys.init_test_ca([(meeting.council_id, "Hội đồng nhân dân xã Tân Phú",
                                "Nguyễn Văn Hùng")])
    script.demo_session(meeting)
    anchor = anchors.write("hourly", meeting.council_id)
    from paperless.services.documents import store

    blob, _ = store().put(b"%PDF-1.4 blob")
    paths = [anchor, store().path(blob), instance / "secret_key"]
    if db.session.get_bind().dialect.name == "sqlite":
        paths += [instance / "test.sqlite3", instance / "test.sqlite3-wal",
                  instance / "test.sqlite3-shm"]
    for path in paths:
        if path.exists():
            assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0, path
    for folder in (signing_keys.folder(), anchors.folder()):
        assert stat.S_IMODE(os.stat(folder).st_mode) & 0o077 == 0, folder
