"""Consistent database snapshots and their restore: SQLite through its online backup API,
PostgreSQL through `pg_dump` inside an exported snapshot (so what we read next to the dump —
referenced blobs, counts, the audit head — is the very same moment)."""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, make_url

from paperless.backup.layout import BackupError

SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
# PostgreSQL dumps rows in heap (insertion) order, which would pair an open secret vote's
# ballots with its participation rows. Those ballots are written beside the dump instead,
# ordered by their random id, and loaded back in that order.
SECRET_TABLE = "secret_ballot"
SECRET_FILE = "secret_ballots.copy"
PAGES_PER_STEP = 2048  # 8 MB with 4 KiB pages: a progress line per step


@dataclass
class Facts:
    revision: str | None
    tables: dict[str, int]
    audit_entries: int | None = None
    audit_head_hash: str | None = None
    blob_refs: set[str] = field(default_factory=set)

    def as_manifest(self) -> dict:
        return {"revision": self.revision, "tables": self.tables}


def kind(url: str) -> str:
    if url.startswith("sqlite:///"):
        return "sqlite"
    if url.startswith("postgresql"):
        return "postgresql"
    raise BackupError(f"Không hỗ trợ sao lưu cơ sở dữ liệu {make_url(url).drivername}.")


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def facts_of(conn: Connection) -> Facts:
    """Revision, rows per table, the audit chain's head and every `*sha256` value (the
    content-addressed blobs), read from whatever the connection sees."""
    names = sorted(inspect(conn).get_table_names())
    quote = conn.dialect.identifier_preparer.quote
    tables, refs = {}, set()
    for name in names:
        tables[name] = conn.execute(text(f"SELECT count(*) FROM {quote(name)}")).scalar_one()
        if name.startswith("document_page_fts"):
            continue  # the search index holds no blob names
        for column in inspect(conn).get_columns(name):
            if column["name"].endswith("sha256"):
                refs.update(conn.execute(text(
                    f"SELECT DISTINCT {quote(column['name'])} FROM {quote(name)} "
                    f"WHERE {quote(column['name'])} IS NOT NULL")).scalars())
    revision = (conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                if "alembic_version" in tables else None)
    facts = Facts(revision, tables, blob_refs={r for r in refs if isinstance(r, str)})
    if "audit_head" in tables:
        row = conn.execute(text("SELECT seq, hash FROM audit_head WHERE id = 1")).first()
        facts.audit_entries, facts.audit_head_hash = (row[0], row[1]) if row else (0, "0" * 64)
    return facts


def is_empty(url: str) -> bool:
    """No table holds a row, but for what migrations seed (a freshly migrated database
    counts as empty): the Alembic version, the audit head at entry 0, the search index's
    configuration."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            counts = facts_of(conn).tables
    finally:
        engine.dispose()
    seeded = ("alembic_version", "audit_head", "document_page_fts")
    return not any(n for name, n in counts.items() if not name.startswith(seeded))


# --- SQLite ----------------------------------------------------------------------------

def snapshot_sqlite(url: str, target: Path, progress) -> Facts:
    source = sqlite_path(url)
    if not source.is_file():
        raise BackupError(f"Không thấy tệp cơ sở dữ liệu {source}.", str(source))
    src = sqlite3.connect(source, isolation_level=None, timeout=30)
    dst = sqlite3.connect(target)
    try:
        # A read transaction pins one snapshot for every step of the copy: writers go on
        # (WAL), and the copy is the database as of this instant, never a torn mix.
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        src.backup(dst, pages=PAGES_PER_STEP,
                   progress=lambda _s, remaining, total: progress("database", total - remaining,
                                                                  total))
        src.execute("ROLLBACK")
        # A plain rollback-journal file (no WAL/SHM beside it), rebuilt by VACUUM so freed
        # pages and the slack of deleted rows carry nothing from the live file.
        dst.execute("PRAGMA journal_mode=DELETE")
        dst.execute("VACUUM")
    finally:
        src.close()
        dst.close()
    target.chmod(0o600)
    engine = create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as conn:
            return facts_of(conn)
    finally:
        engine.dispose()


def restore_sqlite(dump: Path, url: str) -> None:
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(target.name + ".restoring")
    shutil.copyfile(dump, incoming)
    incoming.chmod(0o600)
    # a WAL left beside the old file would be replayed into the restored one
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    os.replace(incoming, target)


# --- PostgreSQL ------------------------------------------------------------------------

def pg_tool(name: str) -> str:
    """The newest installed client (pg_dump must not be older than the server)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    tool = found[-1] if found else shutil.which(name)
    if not tool:
        raise BackupError(f"Không tìm thấy {name} (apt-get install postgresql-client).")
    return tool


def _libpq(url: str) -> tuple[str, dict]:
    """A libpq URI without the password (which goes in PGPASSWORD, not the process list)."""
    parsed = make_url(url)
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def snapshot_postgres(url: str, target: Path, progress) -> Facts:
    """The dump, and (same snapshot) the secret ballots by random id into SECRET_FILE."""
    engine = create_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            conn.execute(text("SET TRANSACTION READ ONLY"))
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            uri, env = _libpq(url)
            # pg_dump joins our snapshot: the dump and the facts below see the same commits
            secret = SECRET_TABLE in inspect(conn).get_table_names()
            args = [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                    f"--snapshot={snapshot}", f"--file={target}", f"--dbname={uri}",
                    *([f"--exclude-table-data={SECRET_TABLE}"] if secret else [])]
            progress("database", 0, 1)
            proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            facts_box: list = []
            def read_facts():
                facts_box.append(facts_of(conn))
                if secret:
                    _copy_out(conn, target.with_name(SECRET_FILE))

            reader = threading.Thread(target=read_facts)
            reader.start()
            _out, err = proc.communicate()
            reader.join()
            if len(facts_box) != 1:
                raise BackupError("Không đọc được dữ liệu cùng thời điểm với pg_dump.")
            conn.rollback()
            if proc.returncode:
                raise BackupError(f"pg_dump thất bại: {err.decode(errors='replace')[-500:]}")
            progress("database", 1, 1)
    finally:
        engine.dispose()
    target.chmod(0o600)
    return facts_box[0]


def _copy_out(conn: Connection, path: Path) -> None:
    cursor = conn.connection.driver_connection.cursor()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out, cursor.copy(
            f"COPY (SELECT * FROM {SECRET_TABLE} ORDER BY id) TO STDOUT") as copy:
        for block in copy:
            out.write(block)


def _copy_in(url: str, path: Path) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            cursor = conn.connection.driver_connection.cursor()
            with path.open("rb") as src, cursor.copy(f"COPY {SECRET_TABLE} FROM STDIN") as copy:
                while block := src.read(1024 * 1024):
                    copy.write(block)
    finally:
        engine.dispose()


def empty_postgres(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def restore_postgres(dump: Path, url: str) -> None:
    uri, env = _libpq(url)
    done = subprocess.run([pg_tool("pg_restore"), "--no-owner", "--no-privileges",
                           "--exit-on-error", "--single-transaction", f"--dbname={uri}",
                           str(dump)], env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"pg_restore thất bại: {done.stderr[-800:]}", PG_FILE)
    secret = dump.with_name(SECRET_FILE)
    if secret.is_file():
        _copy_in(url, secret)
