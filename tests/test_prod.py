"""Production mode: the process launcher's settings, and answers while the database is down
(the real PostgreSQL restart is in tests/integration/test_multiprocess.py)."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy.exc import IntegrityError

from paperless import db, prod
from tests.support import make_app


def test_launcher_runs_one_gevent_worker_per_port():
    command = prod.gunicorn_command(8003)
    assert command[1:3] == ["-m", "gunicorn"]
    assert "127.0.0.1:8003" in command and command[-1] == "paperless.wsgi:app"
    from paperless import gunicorn_conf

    assert gunicorn_conf.workers == 1 and gunicorn_conf.worker_class == "gevent"


@pytest.mark.parametrize(("processes", "env", "missing"), [
    (4, {"PAPERLESS_DATABASE_URL": "postgresql+psycopg://a@h/d",
         "PAPERLESS_INSTANCE_PATH": "/srv/i"}, ["PAPERLESS_SOCKETIO_QUEUE"]),
    (4, {"PAPERLESS_SOCKETIO_QUEUE": "redis://h", "PAPERLESS_INSTANCE_PATH": "/srv/i"},
     ["PAPERLESS_DATABASE_URL"]),
    (4, {"PAPERLESS_SOCKETIO_QUEUE": "redis://h", "PAPERLESS_DATABASE_URL":
         "postgresql+psycopg://a@h/d", "PAPERLESS_SECRET_KEY": "k"}, []),
    (1, {"PAPERLESS_INSTANCE_PATH": "/srv/i"}, []),  # one process: SQLite, no queue is fine
])
def test_launcher_refuses_settings_that_split_the_hall(processes, env, missing):
    problems = prod.check_settings(processes, env)
    assert len(problems) == len(missing)
    for problem, name in zip(problems, missing, strict=True):
        assert name in problem


def test_launcher_writes_the_shared_secret_key_before_the_processes_start(instance):
    assert not (instance / "secret_key").exists()
    prod.ensure_secret_key({})
    key = (instance / "secret_key").read_text()
    prod.ensure_secret_key({})  # the next start keeps it
    assert (instance / "secret_key").read_text() == key and len(key) == 64


@pytest.fixture
def unreachable_app(instance):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = make_app(f"postgresql+psycopg://paperless@127.0.0.1:{port}/paperless",
                   SCHEMA_CHECK=False, PROPAGATE_EXCEPTIONS=False)
    yield app
    db.session.remove()


def test_database_down_is_a_clear_503_on_api_and_pages(unreachable_app):
    client = unreachable_app.test_client()
    response = client.post("/api/v1/auth/token", json={"username": "thuky", "password": "x"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "database_unavailable"
    assert response.headers["Retry-After"] == "5"
    response = client.get("/api/v1/meetings/1", headers={"Authorization": "Bearer abc"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "database_unavailable"
    page = client.post("/login", data={"username": "thuky", "password": "x"})
    assert page.status_code == 503 and "Cơ sở dữ liệu" in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)


def test_other_database_errors_stay_server_errors(app):
    @app.get("/_boom")
    def boom():
        raise IntegrityError("INSERT", {}, Exception("duplicate"))

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/_boom")
    assert response.status_code == 500


def test_socket_event_while_database_down_answers_database_unavailable(unreachable_app):
    from paperless import realtime

    with unreachable_app.test_request_context("/"):
        from flask import session

        session["socket_auth"] = ("session", 1, 1)
        answer = realtime.on_join({"meeting_id": 1})
    assert answer == {"ok": False, "error": {"code": "database_unavailable",
                                             "message": db.UNAVAILABLE_MESSAGE}}
