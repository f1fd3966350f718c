"""Real PostgreSQL and Redis on loopback (one pair per test session) and two production
app processes on two ports (fresh database and processes for every test)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from paperless import db
from tests.integration.servers import AppProcess, MissingServer, Postgres, Redis
from tests.support import make_app


@pytest.fixture(scope="session")
def backends():
    # Not under pytest's basetemp: every pytest run resets /tmp/pytest-of-<user> to 0700,
    # which would lock the `postgres` user out of a cluster that is running.
    folder = Path(tempfile.mkdtemp(prefix="paperless-backends-"))
    try:
        postgres = Postgres(folder / "postgres")
        redis = Redis(folder / "redis")
    except MissingServer as exc:
        pytest.fail(str(exc))  # CI installs them (.ci/run): missing means broken, not skipped
    postgres.init()
    redis.start()
    yield postgres, redis
    redis.stop()
    postgres.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres(backends) -> Postgres:
    return backends[0]


@pytest.fixture(scope="session")
def redis(backends) -> Redis:
    return backends[1]


@pytest.fixture
def demo_on_postgres(postgres, instance, monkeypatch):
    """An empty PostgreSQL database migrated to head, holding the demo."""
    postgres.reset()
    db.upgrade(postgres.url)
    monkeypatch.setenv("PAPERLESS_SECRET_KEY", "integration-tests-only-" + "x" * 32)
    app = make_app(postgres.url)
    with app.app_context():
        from paperless.services.demo import load_demo

        load_demo()
    db.session.remove()
    app.extensions["paperless.engine"].dispose()
    return postgres.url


@pytest.fixture
def hall(demo_on_postgres, redis, instance):
    """Processes A and B: one instance folder (blobs, secret key), one database, one queue."""
    processes = [AppProcess(instance, demo_on_postgres, redis.url) for _ in range(2)]
    try:
        for process in processes:
            process.start()
        yield processes
    finally:
        for process in processes:
            process.stop()
