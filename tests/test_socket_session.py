"""A socket event does not decode and verify the login cookie again.

Flask-SocketIO keeps a copy of the login session per connection, but each event pushes a
Flask request context, and Flask opened (HMAC-checked, base64- and JSON-decoded) the
handshake's cookie every time before the copy replaced it: a third of the CPU of a
refused event in a flood, and part of every ballot. The cookie is read once, at connect.
"""

from __future__ import annotations

from unittest import mock

from sqlalchemy import select

from paperless.extensions import socketio
from paperless.models import Meeting
from tests.support import login


def test_events_reuse_the_connection_session_instead_of_decoding_the_cookie(app, demo):
    from paperless import db

    meeting_id = db.session.scalar(select(Meeting.id))
    browser = login(app.test_client(), "daibieu02")
    interface = app.session_interface
    with mock.patch.object(type(interface), "get_signing_serializer",
                           wraps=interface.get_signing_serializer) as serializer:
        client = socketio.test_client(app, flask_test_client=browser)
        assert client.is_connected()
        at_connect = serializer.call_count
        answer = client.emit("meeting:join", {"meeting_id": meeting_id}, callback=True)
        assert answer["ok"], answer  # the event still knows who is logged in
        for _ in range(5):
            answer = client.emit("live:snapshot", {"meeting_id": meeting_id}, callback=True)
            assert answer["ok"], answer
        assert at_connect >= 1  # the handshake did read the cookie
        assert serializer.call_count == at_connect
        client.disconnect()
    # pages still read their cookie on every request
    assert browser.get("/").status_code in (200, 302)
    assert "/login" not in browser.get("/", follow_redirects=False).headers.get("Location", "")


def test_a_socket_without_a_login_cookie_is_still_refused(app, demo):
    client = socketio.test_client(app, flask_test_client=app.test_client())
    assert not client.is_connected()
