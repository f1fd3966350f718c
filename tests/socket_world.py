"""A session in progress for the socket tests: open, a delegate checked in and asking for the
floor, a question group, an open vote. Built through the socket commands themselves."""

from __future__ import annotations

from paperless.extensions import socketio
from paperless.services import questioning
from paperless.services.access import SYSTEM
from tests.support import login
from tests.world import populate


def connect(app, username: str | None, meeting_id: int | None = None):
    """A Socket.IO test client logged in as `username` (None: nobody), joined if asked."""
    flask_client = app.test_client()
    if username:
        login(flask_client, username)
    client = socketio.test_client(app, flask_test_client=flask_client)
    if meeting_id is not None and client.is_connected():
        answer = client.emit("meeting:join", {"meeting_id": meeting_id}, callback=True)
        assert answer["ok"], answer
    return client


def session_in_progress(app, client) -> dict:
    ids = populate(client)
    meeting_id = ids["meeting_id"]
    chair = connect(app, "chutoa", meeting_id)
    delegate = connect(app, "daibieu03", meeting_id)

    def ok(sock, name, **payload):
        answer = sock.emit(name, payload, callback=True)
        assert answer["ok"], (name, answer)
        return answer["result"]

    ok(chair, "live:phase", meeting_id=meeting_id, action="open")
    ok(delegate, "attendance:check_in", meeting_id=meeting_id)
    queue = ok(delegate, "floor:request", meeting_id=meeting_id, kind="speech", topic="Ngân sách")
    group = questioning.create_group(SYSTEM, meeting_id, "Giao thông nông thôn")
    ok(chair, "vote:open", vote_id=ids["vote_id"])
    chair.disconnect()
    delegate.disconnect()
    return {**ids, "request_id": queue["queue"][0]["id"], "group_id": group.id}
