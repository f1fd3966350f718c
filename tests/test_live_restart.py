"""A server killed with SIGKILL mid-session comes back to exactly where the hall was."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest
import socketio as sio

from paperless import db
from tests.support import ServerProcess


@pytest.fixture
def server(instance):
    url = f"sqlite:///{instance / 'paperless.sqlite3'}"
    db.upgrade(url)
    from tests.support import make_app

    app = make_app(url)
    with app.app_context():
        from paperless.services.demo import load_demo

        load_demo()
    db.session.remove()
    process = ServerProcess(instance).start()
    yield process
    process.stop()


class Tablet:
    """A python-socketio client that re-joins its meeting after every reconnect."""

    def __init__(self, server: ServerProcess, username: str, meeting_id: int):
        self.client = sio.Client(reconnection=True, reconnection_delay=0.2,
                                 reconnection_delay_max=1)
        self.meeting_id = meeting_id
        self.snapshots: list[dict] = []
        self.joined = threading.Event()
        token = server.token(username)

        @self.client.on("connect")
        def _on_connect():
            self.client.start_background_task(self._join)

        self.client.connect(server.url, auth={"token": token}, transports=["websocket"],
                            wait_timeout=10)

    def _join(self):
        answer = self.client.call("meeting:join", {"meeting_id": self.meeting_id}, timeout=10)
        assert answer["ok"], answer
        self.snapshots.append(answer["snapshot"])
        self.joined.set()

    def call(self, name: str, **payload):
        answer = self.client.call(name, {"meeting_id": self.meeting_id, **payload}, timeout=10)
        assert answer["ok"], (name, answer)
        return answer["result"]


def test_sigkill_restart_resumes_item_queue_and_speaking_time(server):
    chair = Tablet(server, "chutoa", 1)
    delegate = Tablet(server, "daibieu07", 1)
    assert chair.joined.wait(10) and delegate.joined.wait(10)
    chair.call("live:phase", action="open")
    chair.call("live:goto", offset=1)
    chair.call("live:goto", offset=1)
    delegate.call("attendance:check_in")
    first = delegate.call("floor:request", topic="Về dự toán")["queue"][0]
    Tablet(server, "daibieu08", 1)  # a second delegate queues behind
    other = Tablet(server, "daibieu09", 1)
    assert other.joined.wait(10)
    other.call("attendance:check_in")
    second = other.call("floor:request", kind="debate")["queue"][-1]
    chair.call("floor:give", request_id=first["id"])
    before = chair.call("live:snapshot")
    assert before["speaker"]["id"] == first["id"]

    delegate.joined.clear()
    server.kill()
    time.sleep(1.0)
    server.start()
    assert delegate.joined.wait(20), "the tablet did not reconnect and re-join"
    after = delegate.snapshots[-1]
    received_at = time.time()

    assert after["phase"] == "running" and after["seq"] == before["seq"]
    assert after["current_item"] == before["current_item"]
    assert after["current_item"]["number"] == "3"
    assert [r["id"] for r in after["queue"]] == [second["id"]]
    assert after["speaker"]["id"] == first["id"]
    assert after["speaker"]["started_at"] == before["speaker"]["started_at"]
    started = datetime.fromisoformat(after["speaker"]["started_at"]).timestamp()
    server_now = datetime.fromisoformat(after["server_time"]).timestamp()
    remaining_by_server = after["speaker"]["limit_seconds"] - (server_now - started)
    remaining_by_wall_clock = after["speaker"]["limit_seconds"] - (received_at - started)
    assert abs(remaining_by_server - remaining_by_wall_clock) < 1.0
    assert after["me"]["checked_in"] is True
    for tablet in (chair, delegate, other):
        tablet.client.disconnect()
