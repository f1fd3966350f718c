"""Database engine, session and the Alembic bridge.

One SQLAlchemy engine per app; a scoped session bound to it is removed at the
end of every request or socket event. SQLite runs in WAL mode so readers never
block the writer (a vote being cast while tablets read the agenda).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class Base(DeclarativeBase):
    pass


_factory = sessionmaker(expire_on_commit=False)
session = scoped_session(_factory)


@event.listens_for(_factory, "after_flush")
def _wrote(db_session, _context) -> None:
    db_session.info["wrote"] = True


@event.listens_for(_factory, "after_transaction_end")
def _ended(db_session, transaction) -> None:
    if transaction.parent is None:
        db_session.info.pop("wrote", None)


def release() -> None:
    """Give the session's connection back to the pool before a long wait (a worker job:
    signing, a watermark), so readers queued for a worker never exhaust the pool and the
    rest of the hall keeps answering. Only when the transaction wrote nothing: then ending
    it changes nothing; loaded objects keep their attributes (expire_on_commit=False) and
    the next query simply takes a connection again. With a write pending it does nothing —
    committing half a change would be worse than holding a connection."""
    current = session()
    if current.new or current.dirty or current.deleted or current.info.get("wrote"):
        return
    current.commit()

# Ids and numbers from URLs stay within a 32-bit INTEGER: a larger one would overflow
# SQLite/PostgreSQL inside the query (a server error) instead of simply finding nothing.
ID_MAX = 2**31 - 1


def is_id(value: object) -> bool:
    """A JSON value usable as an id in a query: an int (not a bool) within ID_MAX."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= ID_MAX


def id_arg(raw: str) -> int:
    """Parse a query-string id (`request.args.get(name, type=db.id_arg)`); ValueError if bad."""
    if not (raw.isascii() and raw.isdigit()) or int(raw) > ID_MAX:
        raise ValueError(raw)
    return int(raw)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            # Deleted content is zeroed in the pages, so a closed vote's sealed ballots and
            # key leave no bytes behind (services/ballot_box.py).
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()

        return engine
    # pre_ping: a connection that died with a database restart is replaced on checkout,
    # so the app recovers by itself once PostgreSQL is back.
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20,
                         connect_args=_connect_args(url))


def _connect_args(url: str) -> dict:
    if url.startswith("postgresql"):
        # an unreachable server fails a request within seconds rather than hanging it
        return {"connect_timeout": 5}
    return {}


def is_unavailable(exc: BaseException) -> bool:
    """The database cannot be reached (down, restarting, connection cut), as opposed to
    a bug or a constraint: these requests get 503 `database_unavailable`, not a 500."""
    if isinstance(exc, sa_exc.TimeoutError):  # the pool waited for a free connection
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        return exc.connection_invalidated or isinstance(
            exc, sa_exc.OperationalError | sa_exc.InterfaceError)
    return False


UNAVAILABLE_MESSAGE = "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít giây."


def include_name(name, type_, _parent_names) -> bool:
    """Autogenerate ignores the search index that migrations create by hand: FTS5 tables
    on SQLite, the GIN index on PostgreSQL."""
    if type_ == "index" and name == "ix_document_page_folded_fts":
        return False
    return not (type_ == "table" and name and name.startswith("document_page_fts"))


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def schema_status(engine: Engine) -> tuple[str | None, str]:
    """(current revision of the database, head revision of the code)."""
    head = ScriptDirectory.from_config(alembic_config(str(engine.url))).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, head


class SchemaNotMigrated(RuntimeError):
    pass


def require_current_schema(engine: Engine) -> None:
    current, head = schema_status(engine)
    if current != head:
        raise SchemaNotMigrated(
            f"Cơ sở dữ liệu chưa được nâng cấp (đang ở {current or 'trống'}, cần {head}). "
            "Chạy: flask --app paperless db upgrade  "
            f"(database not migrated: at {current or 'empty'}, code needs {head}; "
            "run `flask --app paperless db upgrade`)"
        )
