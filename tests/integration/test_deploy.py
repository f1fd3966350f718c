"""`make prod`'s pieces on real servers: migrations both ways on PostgreSQL, the launcher."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from paperless import db
from tests.integration.servers import ROOT, free_port

pytestmark = pytest.mark.integration


def test_migrations_go_down_to_base_and_up_again_on_postgresql(postgres):
    postgres.reset()
    db.upgrade(postgres.url)
    engine = create_engine(postgres.url)
    tables = set(inspect(engine).get_table_names())
    assert {"vote", "secret_ballot", "live_state", "document_page"} <= tables
    command.downgrade(db.alembic_config(postgres.url), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    db.upgrade(postgres.url)
    assert set(inspect(engine).get_table_names()) == tables
    current, head = db.schema_status(engine)
    assert current == head
    engine.dispose()


def _answers(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).read()
        return True
    except OSError:
        return False


def _wait(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def test_launcher_starts_every_process_restarts_a_dead_one_and_stops_them_all(
        demo_on_postgres, redis, instance):
    base = free_port()
    while not all(_free(base + n) for n in range(2)):
        base = free_port()
    env = {**os.environ, "PAPERLESS_PROCESSES": "2", "PAPERLESS_BASE_PORT": str(base),
           "PAPERLESS_DATABASE_URL": demo_on_postgres, "PAPERLESS_SOCKETIO_QUEUE": redis.url,
           "PAPERLESS_INSTANCE_PATH": str(instance), "PAPERLESS_ENV": "development",
           "PYTHONPATH": str(ROOT)}
    log = open(instance / "prod.log", "wb")  # noqa: SIM115
    launcher = subprocess.Popen([sys.executable, "-m", "paperless.prod"], env=env, cwd=ROOT,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert _wait(lambda: _answers(base) and _answers(base + 1)), \
            (instance / "prod.log").read_text()[-3000:]
        arbiters = subprocess.run(["pgrep", "-P", str(launcher.pid)], capture_output=True,
                                  text=True).stdout.split()
        assert len(arbiters) == 2
        os.kill(int(arbiters[0]), signal.SIGKILL)  # a whole app process dies
        assert _wait(lambda: len(subprocess.run(
            ["pgrep", "-P", str(launcher.pid)], capture_output=True, text=True
        ).stdout.split()) == 2 and _answers(base) and _answers(base + 1))
        launcher.send_signal(signal.SIGTERM)
        assert launcher.wait(30) == 0
        assert _wait(lambda: not _answers(base) and not _answers(base + 1), 20)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the launcher's group: its gunicorns
            os.killpg(launcher.pid, signal.SIGKILL)
        log.close()


def _free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def test_launcher_refuses_several_processes_without_the_queue(instance):
    env = {**os.environ, "PAPERLESS_PROCESSES": "3", "PAPERLESS_INSTANCE_PATH": str(instance),
           "PAPERLESS_DATABASE_URL": "postgresql+psycopg://x@127.0.0.1:1/x"}
    env.pop("PAPERLESS_SOCKETIO_QUEUE", None)
    done = subprocess.run([sys.executable, "-m", "paperless.prod"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "PAPERLESS_SOCKETIO_QUEUE" in done.stderr
