"""Backups that restore (issue 19): retention rules, the drill, interrupted, tampered and
older-revision backups, encryption, what a backup never holds."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from paperless import db
from paperless.backup import layout
from paperless.domain import retention
from tests.support import make_app, token_for

ROOT = Path(__file__).resolve().parent.parent
TZ = layout.COUNCIL_TZ


# --- retention (pure) --------------------------------------------------------------------

def _at(day: str, hour: int = 2) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)


def test_retention_keeps_newest_of_each_recent_day_and_month():
    daily = [_at("2026-10-01") + timedelta(days=n) for n in range(62)]  # Oct 1 … Dec 1
    extra = [_at("2026-12-01", 14), _at("2026-11-30", 9)]
    keep = retention.to_keep(daily + extra, keep_daily=3, keep_monthly=3)
    assert keep == {_at("2026-12-01", 14), _at("2026-11-30", 9), _at("2026-11-29"),
                    # newest of December (already kept), November, October
                    _at("2026-10-31")}
    assert _at("2026-12-01") not in keep  # the same day's older backup goes
    assert set(retention.to_delete(daily + extra, 3, 3)) == set(daily + extra) - keep


def test_retention_counts_days_that_have_backups_not_calendar_days():
    taken = [_at("2026-01-01"), _at("2026-03-15"), _at("2026-06-30")]
    assert retention.to_keep(taken, keep_daily=2, keep_monthly=0) == set(taken[1:])


def test_retention_never_deletes_the_newest_and_refuses_negative_counts():
    taken = [_at("2026-05-01"), _at("2026-05-02")]
    assert retention.to_keep(taken, 0, 0) == {_at("2026-05-02")}
    assert retention.to_keep([], 3, 3) == set()
    with pytest.raises(ValueError):
        retention.to_keep(taken, -1, 0)


def test_backup_names_carry_the_council_time():
    moment = datetime(2026, 12, 1, 20, 30, 5, tzinfo=TZ)
    name = layout.backup_name(moment)
    assert name == "kyhop-20261201-203005"
    assert layout.taken_at(name) == moment == layout.taken_at(name + "-2.tar.gpg")
    assert layout.taken_at("kyhop-junk") is None


# --- helpers -----------------------------------------------------------------------------

def _cli(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    return result


def _fresh_target(tmp_path: Path, database_url: str, name: str):
    """A fresh instance folder, and a fresh database beside the test's one."""
    folder = tmp_path / name
    folder.mkdir()
    if database_url.startswith("sqlite"):
        return folder, f"sqlite:///{folder / 'paperless.sqlite3'}", lambda: None
    url = make_url(database_url)
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()

    return folder, url.set(database=name).render_as_string(hide_password=False), drop


def _restored_app(folder: Path, url: str):
    return make_app(url, INSTANCE_PATH=str(folder), SIGNING_DIR=str(folder / "signing"),
                    SCHEMA_CHECK=False)


@contextmanager
def _restore_target(tmp_path: Path, database_url: str, name: str):
    """An empty instance at the migration head to restore into, inside its app context;
    its engine and database are gone afterwards."""
    folder, url, drop = _fresh_target(tmp_path, database_url, name)
    target = _restored_app(folder, url)
    try:
        with target.app_context():
            db.upgrade(url)
            yield target, folder, url
    finally:
        db.session.remove()
        target.extensions["paperless.engine"].dispose()
        drop()


def _only_backup(dest: Path) -> Path:
    found = layout.complete_backups(dest)
    assert len(found) == 1, list(dest.iterdir())
    return found[0]


def _blob_hashes() -> dict[str, str]:
    """sha256 of every document version, resolution and minutes file, read from disk."""
    from paperless.models import DocumentVersion, Minutes, Resolution
    from paperless.services.documents import store

    wanted = set(db.session.scalars(select(DocumentVersion.sha256)))
    for res in db.session.scalars(select(Resolution)):
        wanted |= {s for s in (res.draft_sha256, res.official_sha256, res.chair_signed_sha256,
                               res.signed_sha256) if s}
    for row in db.session.scalars(select(Minutes)):
        wanted |= {s for s in (row.pdf_sha256, row.signed_pdf_sha256) if s}
    return {sha: hashlib.sha256(store().read(sha)).hexdigest() for sha in wanted}


# --- the drill ---------------------------------------------------------------------------

def test_drill_backup_while_serving_then_restore_elsewhere(app, demo, client, tmp_path,
                                                           database_url):
    from paperless.models import (
        LiveState,
        Meeting,
        OpenBallot,
        Resolution,
        SecretBallot,
        SecretParticipation,
        Vote,
    )
    from paperless.services import minutes, votes
    from tests import session_script as hall
    from tests.world import populate

    ids = populate(client)  # a document, notes, slips, every resolution state, minutes
    minutes.sign(hall.actor("chutoa"), ids["final_minutes_meeting_id"])
    meeting = db.session.get(Meeting, ids["meeting_id"])
    delegates = [d.id for d in hall.delegates_of(meeting)]
    items = hall.items_of(meeting)
    hall.open_session(meeting)
    hall.check_in(meeting, delegates)
    secret = hall.vote(meeting, items[8].id, {d: ("yes" if n < 18 else "no")
                                              for n, d in enumerate(delegates[:25])},
                       kind="secret", title="Bỏ phiếu kín")
    hall.question(meeting, delegates[2], hall.officials_of(meeting)[0].id,
                  "Vì sao đường liên xã chậm?", answer="Vướng mặt bằng.")
    live_vote = votes.create_vote(hall.actor("thuky"), items[2].id, kind="open",
                                  title="Biểu quyết đang mở")
    votes.open_vote(hall.actor("chutoa"), live_vote.id)
    vote_id, meeting_id = live_vote.id, meeting.id
    db.session.commit()

    acked: list[tuple[int, float]] = []  # (delegate, when acknowledged)
    failures: list[BaseException] = []
    stop = threading.Event()
    first_ballots = threading.Event()
    voters = delegates[:20]  # the other ten vote after the restore

    def cast_loop():
        with app.app_context():
            try:
                round_ = 0
                while not stop.is_set() or round_ == 0:
                    for n, delegate in enumerate(voters):
                        choice = ("yes", "no", "abstain")[(n + round_) % 3]
                        votes.cast(hall.delegate_actor(delegate), vote_id,
                                   idempotency_key=f"drill-{round_}-{delegate}", choice=choice)
                        acked.append((delegate, _clock()))
                        if len(acked) >= 5:
                            first_ballots.set()
                        if stop.is_set() and round_:
                            return
                    round_ += 1
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                failures.append(exc)
                first_ballots.set()
            finally:
                db.session.remove()

    reads = []
    first_read = threading.Event()

    def read_loop():
        try:
            reader = app.test_client()
            headers = token_for(reader, "daibieu05")
            while not stop.is_set() or not reads:
                for path in (f"/api/v1/documents/{ids['document_id']}/file",
                             f"/api/v1/meetings/{meeting_id}", f"/api/v1/votes/{vote_id}"):
                    reads.append(reader.get(path, headers=headers).status_code)
                    first_read.set()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
        finally:
            first_read.set()

    threads = [threading.Thread(target=cast_loop), threading.Thread(target=read_loop)]
    for thread in threads:
        thread.start()
    try:
        # Both loops are under way before the backup starts: on a loaded machine the
        # reader's login alone can outlast a small backup.
        assert first_ballots.wait(120) and first_read.wait(120)
        started = _clock()
        dest = tmp_path / "backups"
        result = _cli(app, "backup", str(dest))
    finally:
        stop.set()
        for thread in threads:
            thread.join(120)
    assert not failures, failures
    assert result.exit_code == 0, (result.output, result.stderr)
    assert "Cơ sở dữ liệu" in result.stderr  # progress on the terminal
    assert reads and set(reads) <= {200, 206}, set(reads)

    acked_before = {d for d, at in acked if at < started}
    assert acked_before
    db.session.expire_all()
    hashes = _blob_hashes()
    archived = db.session.scalar(select(Resolution).where(Resolution.state == "archived"))
    signed_sha = archived.signed_sha256
    secret_count = db.session.scalar(select(func.count()).select_from(SecretBallot).where(
        SecretBallot.vote_id == secret.id))
    # A closed secret vote keeps only its tally: the sealed ballots and their key are gone.
    secret_result = db.session.get(Vote, secret.id).result
    assert secret_count == 0 and secret_result["voted"] == 25
    phase = db.session.scalar(select(LiveState.phase).where(LiveState.meeting_id == meeting_id))
    backup = _only_backup(dest)
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["audit"]["entries"] > 0 and manifest["database"]["revision"]
    assert not [name for name in manifest["files"] if not name.startswith(
        ("blobs/", "signing/", "instance/", "database.", "secret_ballots."))]
    if database_url.startswith("postgresql"):
        # the dump holds no ballot; they are beside it, ordered by their random id, so no
        # file pairs a ballot with the participation row written in the same cast
        rows = (backup / "secret_ballots.copy").read_text().splitlines()
        assert len(rows) == secret_count and [r.split("\t")[0] for r in rows] == sorted(
            r.split("\t")[0] for r in rows)
    assert not [n for n in manifest["files"] if n.endswith((".p12", ".pkcs11.json"))]
    for path in backup.rglob("*"):
        assert path.stat().st_mode & 0o077 == 0, path  # 0600 files, 0700 folders

    folder, url, drop = _fresh_target(tmp_path, database_url, "restored_drill")
    restored = _restored_app(folder, url)
    try:
        with restored.app_context():
            out = _cli(restored, "restore", str(backup))
            assert out.exit_code == 0, (out.output, out.stderr)
            assert "toàn vẹn" in out.output and "ĐẠT" in out.output
            assert _cli(restored, "audit", "verify").exit_code == 0
            db.session.expire_all()
            # every document, the signed resolution and the minutes: byte-identical
            assert _blob_hashes() == hashes and all(k == v for k, v in hashes.items())
            again = db.session.scalar(select(Resolution).where(Resolution.id == archived.id))
            assert again.signed_sha256 == signed_sha
            from paperless.services.documents import store
            assert hashlib.sha256(store().read(signed_sha)).hexdigest() == signed_sha
            # no acknowledged ballot missing; the secret vote as it was
            voted = set(db.session.scalars(select(OpenBallot.delegate_id).where(
                OpenBallot.vote_id == vote_id)))
            assert acked_before <= voted <= set(voters)
            assert db.session.scalar(select(func.count()).select_from(SecretBallot).where(
                SecretBallot.vote_id == secret.id)) == secret_count
            assert db.session.get(Vote, secret.id).result == secret_result
            assert db.session.scalar(select(func.count()).select_from(SecretParticipation)
                                     .where(SecretParticipation.vote_id == secret.id)) == 25
            # the live state resumes: the hall is where it was, the vote still takes ballots
            assert db.session.scalar(select(LiveState.phase).where(
                LiveState.meeting_id == meeting_id)) == phase
            assert db.session.get(Vote, vote_id).status == "open"
            late = delegates[25]
            ack = votes.cast(hall.delegate_actor(late), vote_id, idempotency_key="after-restore",
                             choice="yes")
            assert ack
            votes.close_vote(hall.actor("chutoa"), vote_id)
            closed = db.session.get(Vote, vote_id)
            assert closed.status == "closed"
            assert closed.result["voted"] == len(voted) + 1
            assert _cli(restored, "audit", "verify").exit_code == 0
    finally:
        db.session.remove()
        restored.extensions["paperless.engine"].dispose()
        drop()


def _clock() -> float:
    import time

    return time.monotonic()


# --- interrupted, tampered, older revision ------------------------------------------------

def _upload(text_: str = "Tài liệu") -> str:
    from paperless.models import Meeting
    from paperless.services import documents
    from tests.session_script import actor
    from tests.world import small_pdf

    meeting_id = db.session.scalar(select(Meeting.id).order_by(Meeting.id))
    doc = documents.upload(actor("thuky"), meeting_id, small_pdf(text_), filename="a.pdf",
                           title=text_)
    return doc.current.sha256


def test_backup_killed_mid_way_leaves_nothing_restore_accepts(app, demo, tmp_path, instance,
                                                             database_url):
    import signal
    import time

    for n in range(5):
        _upload(f"Tai lieu {n}")
    db.session.commit()
    dest = tmp_path / "backups"
    env = {**os.environ, "PAPERLESS_INSTANCE_PATH": str(instance),
           "PAPERLESS_DATABASE_URL": database_url}
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "paperless", "backup",
                             str(dest)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    partial = []
    while time.monotonic() < deadline and not partial and proc.poll() is None:
        partial = list(dest.glob(layout.PARTIAL_PREFIX + "*")) if dest.is_dir() else []
        time.sleep(0.001)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert partial, "the backup finished before it could be killed"
    assert layout.complete_backups(dest) == []
    for entry in dest.iterdir():  # whatever the kill left, restore refuses it
        folder, url, drop = _fresh_target(tmp_path, database_url, f"killed_{entry.name[-6:]}")
        target = _restored_app(folder, url)
        try:
            with target.app_context():
                out = _cli(target, "restore", str(entry))
                assert out.exit_code != 0
                assert "chưa hoàn chỉnh" in out.stderr or "COMPLETE" in out.stderr, out.stderr
        finally:
            db.session.remove()
            target.extensions["paperless.engine"].dispose()
            drop()
    with app.app_context():  # the next backup clears the dead run's leftovers
        db.session.remove()
        db.session.configure(bind=app.extensions["paperless.engine"])
        assert _cli(app, "backup", str(dest)).exit_code == 0
    assert not list(dest.glob(layout.PARTIAL_PREFIX + "*"))
    assert len(layout.complete_backups(dest)) == 1


def test_restore_refuses_a_tampered_backup_naming_the_file(app, demo, tmp_path, database_url):
    sha = _upload("Bien ban")
    db.session.commit()
    dest = tmp_path / "backups"
    assert _cli(app, "backup", str(dest)).exit_code == 0
    backup = _only_backup(dest)
    blob = backup / "blobs" / sha[:2] / sha[2:]
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0x01
    blob.write_bytes(bytes(data))
    with _restore_target(tmp_path, database_url, "tampered") as (target, folder, url):
        out = _cli(target, "restore", str(backup))
        assert out.exit_code == 1
        assert f"blobs/{sha[:2]}/{sha[2:]}" in out.stderr and "SHA-256" in out.stderr
        assert not (folder / "blobs").exists()  # nothing was restored
        from paperless.backup import database
        assert database.is_empty(url)


def test_restore_refuses_an_instance_in_use_unless_forced(app, demo, tmp_path, database_url):
    dest = tmp_path / "backups"
    assert _cli(app, "backup", str(dest)).exit_code == 0
    backup = _only_backup(dest)
    with _restore_target(tmp_path, database_url, "in_use") as (target, _folder, _url):
        first = _cli(target, "restore", str(backup))
        assert first.exit_code == 0, (first.output, first.stderr)
        again = _cli(target, "restore", str(backup))
        assert again.exit_code == 1
        assert "không trống" in again.stderr and "--force" in again.stderr
        forced = _cli(target, "restore", str(backup), "--force")
        assert forced.exit_code == 0, (forced.output, forced.stderr)


def test_backup_of_the_previous_migration_head_restores_and_upgrades(app, tmp_path,
                                                                     database_url):
    from alembic.script import ScriptDirectory

    from paperless.backup import create

    scripts = ScriptDirectory.from_config(db.alembic_config(database_url))
    head = scripts.get_current_head()
    previous = scripts.get_revision(head).down_revision
    source, old_url, drop_old = _fresh_target(tmp_path, database_url, "old_head")
    folder, url, drop = _fresh_target(tmp_path, database_url, "upgraded")
    try:
        db.upgrade(old_url, previous)
        engine = create_engine(old_url)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO council (id, name, level) VALUES "
                              "(7, 'Hội đồng nhân dân xã Cũ', 'commune')"))
        engine.dispose()
        result = create.run(create.Options(
            dest=tmp_path / "old-backups", database_url=old_url, instance=source,
            signing_dir=source / "signing", secret_key="k" * 64), lambda *_: None)
        assert result.manifest["database"]["revision"] == previous
        target = _restored_app(folder, url)
        try:
            with target.app_context():
                out = _cli(target, "restore", str(result.path))
                assert out.exit_code == 0, (out.output, out.stderr)
                assert f"{previous} → nâng cấp lên {head}" in out.output
                assert db.schema_status(target.extensions["paperless.engine"]) == (head, head)
                from paperless.models import Council
                assert db.session.get(Council, 7).name == "Hội đồng nhân dân xã Cũ"
                assert (folder / "secret_key").read_text() == "k" * 64
        finally:
            db.session.remove()
            target.extensions["paperless.engine"].dispose()
    finally:
        drop()
        drop_old()


# --- what a backup holds, encryption, retention and the second copy ------------------------

def test_private_keys_only_when_asked_and_anchors_always(app, demo, tmp_path):
    from tests.resolution_support import make_test_ca

    make_test_ca(2)
    signing = Path(app.config["SIGNING_DIR"])
    (signing / "anchors").mkdir()
    (signing / "anchors" / "anchor-000001.json").write_text('{"seq": 1}')
    (signing / "council-2" / "hsm.pkcs11.json").write_text('{"pin_env": "X"}')
    (signing / "stray-key.pem").write_text("-----BEGIN PRIVATE KEY-----\nabc\n")
    plain, keys = tmp_path / "plain", tmp_path / "keys"
    assert _cli(app, "backup", str(plain)).exit_code == 0
    assert _cli(app, "backup", str(keys), "--include-private-keys").exit_code == 0
    files = set(json.loads((_only_backup(plain) / "manifest.json").read_text())["files"])
    assert "signing/anchors/anchor-000001.json" in files and "signing/ca.pem" in files
    assert "signing/council-2/chair.pem" in files or any(
        f.startswith("signing/council-2/") and f.endswith(".pem") for f in files)
    assert not [f for f in files if f.endswith((".p12", ".pkcs11.json", "stray-key.pem"))]
    assert not [f for f in files if "passphrase" in f.lower() or f.endswith(".txt")]
    with_keys = set(json.loads((_only_backup(keys) / "manifest.json").read_text())["files"])
    assert "signing/council-2/chair.p12" in with_keys
    assert "signing/council-2/hsm.pkcs11.json" in with_keys


def test_encrypted_backup_restores_and_refuses_a_changed_byte(app, demo, tmp_path, monkeypatch,
                                                              database_url, instance):
    sha = _upload("Mat")
    db.session.commit()
    monkeypatch.setenv("PAPERLESS_BACKUP_PASSPHRASE", "mat-khau-sao-luu-2026")
    dest = tmp_path / "enc"
    out = _cli(app, "backup", str(dest), "--encrypt")
    assert out.exit_code == 0, out.stderr
    [sealed] = list(dest.iterdir())
    assert sealed.name.endswith(".tar.gpg") and sealed.stat().st_mode & 0o077 == 0
    assert bytes.fromhex(sha) not in sealed.read_bytes()
    assert not any((instance / ".backup-work").iterdir())  # no plain copy left behind
    changed = tmp_path / sealed.name
    data = bytearray(sealed.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed.write_bytes(bytes(data))
    for source, passphrase, ok in ((changed, "mat-khau-sao-luu-2026", False),
                                   (sealed, "sai-mat-khau-roi-nhe", False),
                                   (sealed, "mat-khau-sao-luu-2026", True)):
        monkeypatch.setenv("PAPERLESS_BACKUP_PASSPHRASE", passphrase)
        folder, url, drop = _fresh_target(tmp_path, database_url, f"enc_{int(ok)}_{passphrase[:3]}"
                                          .replace("-", "_"))
        target = _restored_app(folder, url)
        try:
            with target.app_context():
                result = _cli(target, "restore", str(source))
                if ok:
                    assert result.exit_code == 0, (result.output, result.stderr)
                    from paperless.services.documents import store
                    assert hashlib.sha256(store().read(sha)).hexdigest() == sha
                else:
                    assert result.exit_code != 0
                    assert source.name in result.stderr
        finally:
            db.session.remove()
            target.extensions["paperless.engine"].dispose()
            drop()


def test_encryption_needs_a_passphrase(app, demo, tmp_path, monkeypatch):
    monkeypatch.delenv("PAPERLESS_BACKUP_PASSPHRASE", raising=False)
    out = _cli(app, "backup", str(tmp_path / "x"), "--encrypt")
    assert out.exit_code != 0 and "PAPERLESS_BACKUP_PASSPHRASE" in out.stderr
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


def test_retention_prunes_both_destinations_and_the_second_copy_is_checked(app, demo, tmp_path):
    first, second = tmp_path / "disk", tmp_path / "usb"
    now = layout.now_local()
    old = [now - timedelta(days=d) for d in (1, 2, 3, 40, 41, 80)]
    for folder in (first, second):
        for moment in old:
            fake = folder / layout.backup_name(moment)
            fake.mkdir(parents=True)
            (fake / layout.COMPLETE).write_text("x")
    out = _cli(app, "backup", str(first), "--copy-to", str(second), "--keep-daily", "2",
               "--keep-monthly", "3")
    assert out.exit_code == 0, out.stderr
    for folder in (first, second):
        kept = {p.name for p in layout.complete_backups(folder)}
        newest = layout.complete_backups(first)[-1].name
        expected = {newest, layout.backup_name(old[0])}  # today, yesterday (2 days)
        months = {}
        for moment in sorted([*old, layout.taken_at(newest)], reverse=True):
            months.setdefault((moment.year, moment.month), layout.backup_name(moment))
        expected |= set(list(months.values())[:3])
        assert kept == expected, (folder, kept, expected)
    copy = layout.complete_backups(second)[-1]
    assert layout.verify(copy).manifest["name"] == copy.name


def test_backup_refuses_while_a_secret_vote_is_open_without_a_ballot_key(app, demo, tmp_path):
    """Without PAPERLESS_BALLOT_KEY the ballot master key is derived from the secret key that
    every backup holds: a backup taken while a secret vote is open could open its sealed
    ballots. It is refused with a sentence that says so; nothing is written. With the key
    configured, or once the vote is closed, the backup runs."""
    from paperless.models import Meeting
    from paperless.services import votes
    from tests import session_script as hall

    meeting = db.session.get(Meeting, db.session.scalar(select(Meeting.id)))
    delegates = [d.id for d in hall.delegates_of(meeting)]
    hall.open_session(meeting)
    hall.check_in(meeting, delegates[:20])
    item = hall.items_of(meeting)[8]
    vote = votes.create_vote(hall.actor("thuky"), item.id, kind="secret", title="Bầu kín")
    votes.open_vote(hall.actor("chutoa"), vote.id)
    votes.cast(hall.delegate_actor(delegates[0]), vote.id, idempotency_key="backup-k-1",
               choice="yes")
    db.session.commit()
    dest = tmp_path / "backups"

    app.config["BALLOT_KEY"] = None
    refused = _cli(app, "backup", str(dest))
    assert refused.exit_code != 0
    message = " ".join(refused.output.split())
    assert "biểu quyết kín chưa kết thúc" in message and "“Bầu kín”" in message
    assert "PAPERLESS_BALLOT_KEY" in message
    assert not dest.exists() or not any(dest.iterdir())

    votes.close_vote(hall.actor("chutoa"), vote.id)
    db.session.commit()
    done = _cli(app, "backup", str(dest))
    assert done.exit_code == 0, (done.output, done.stderr)
    assert _only_backup(dest)


def test_backup_runs_during_a_secret_vote_when_the_ballot_key_is_configured(app, demo,
                                                                            tmp_path):
    from paperless.models import Meeting
    from paperless.services import ballot_box, votes
    from tests import session_script as hall

    meeting = db.session.get(Meeting, db.session.scalar(select(Meeting.id)))
    hall.open_session(meeting)
    hall.check_in(meeting, [d.id for d in hall.delegates_of(meeting)][:20])
    app.config["BALLOT_KEY"] = "a key kept outside the instance and its backups"
    vote = votes.create_vote(hall.actor("thuky"), hall.items_of(meeting)[8].id, kind="secret",
                             title="Bầu kín")
    votes.open_vote(hall.actor("chutoa"), vote.id)
    db.session.commit()
    assert ballot_box.sealed_votes_at_risk_in_backup() == []
    done = _cli(app, "backup", str(tmp_path / "backups"))
    assert done.exit_code == 0, (done.output, done.stderr)
