"""Shared fixtures: a migrated SQLite database per test, the app, clients, the demo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from paperless import db
from tests import tools
from tests.support import make_app

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CORPUS = tools.CORPUS  # tests/data/corpus: the real-world PDFs, inside the repository


@pytest.fixture
def instance(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setenv("PAPERLESS_INSTANCE_PATH", str(folder))
    monkeypatch.delenv("PAPERLESS_DATABASE_URL", raising=False)
    monkeypatch.delenv("PAPERLESS_ENV", raising=False)
    return folder


def pytest_addoption(parser):
    parser.addoption(
        "--postgres", action="store_true",
        help="run the tests' database on a throw-away PostgreSQL server (started on loopback "
             "for the session) instead of SQLite; PAPERLESS_TEST_DATABASE_URL=postgresql+"
             "psycopg://… uses a server of yours instead (its public schema is wiped!)")


@pytest.fixture(scope="session")
def test_postgres_url(request, tmp_path_factory):
    """The PostgreSQL URL the `database_url` fixture uses, or None (SQLite)."""
    url = os.environ.get("PAPERLESS_TEST_DATABASE_URL")
    if url or not request.config.getoption("--postgres"):
        yield url
        return
    import shutil
    import tempfile

    from tests.integration.servers import MissingServer, Postgres

    folder = Path(tempfile.mkdtemp(prefix="paperless-tests-pg-"))
    try:
        server = Postgres(folder)
    except MissingServer as exc:
        pytest.fail(str(exc))
    server.init()
    yield server.url
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


def _empty_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    engine = create_engine(url)
    # A previous test's background thread (a timer, a coalesced broadcast) may still be
    # reading when the next test starts; its locks deadlocked DROP SCHEMA once on CI. That
    # test is over, so its connections are ended first, and a deadlock is retried.
    for attempt in range(3):
        try:
            with engine.begin() as conn:
                conn.execute(text("SET lock_timeout = '20s'"))  # a leak shows, not hangs
                conn.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"))
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            break
        except OperationalError:
            if attempt == 2:
                raise
    engine.dispose()


@pytest.fixture
def database_url(instance, test_postgres_url) -> str:
    if test_postgres_url:
        _empty_postgres(test_postgres_url)
        url = test_postgres_url
    else:
        url = f"sqlite:///{instance / 'test.sqlite3'}"
    db.upgrade(url)
    return url


@pytest.fixture
def app(database_url):
    application = make_app(database_url)
    with application.app_context():
        yield application
    application.extensions["paperless.stopped"] = True  # ends the app's timer loop
    db.session.remove()
    application.extensions["paperless.engine"].dispose()


@pytest.fixture
def demo(app):
    from paperless.services.demo import load_demo

    return load_demo()


@pytest.fixture
def client(app):
    return app.test_client()


def pytest_configure(config):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PAPERLESS_ASYNC_MODE", "threading")


@pytest.fixture
def live_server(app, demo):
    """The app served over HTTP on a free loopback port, in a background thread."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield browser
        browser.close()
