"""The login session of a socket connection, read from its cookie once.

Flask-SocketIO keeps each connection's session in ``environ["saved_session"]`` and puts
it in place of the request's session for every event; but pushing the event's request
context first made Flask open the handshake's cookie again (HMAC check, base64, JSON):
a third of the CPU of a refused event in a flood, and part of every ballot. This
interface hands Flask the connection's session when there is one.
"""

from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface

# Flask-SocketIO's key for the per-connection copy of the session (flask_socketio/__init__.py).
SAVED_SESSION = "saved_session"


class SocketSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app, request):
        saved = request.environ.get(SAVED_SESSION)
        if saved is not None:  # an event of an open socket: the session read at connect
            return saved
        return super().open_session(app, request)
