"""Socket.IO: one room per meeting and per role inside it. Every event is authorised here.

Client → server events are listed in `COMMANDS` (docs/realtime.md has the whole table);
each payload is checked against its declaration (`payloads.SCHEMAS`), then one service
function is called; the acknowledgement is {"ok": true, ...} or
{"ok": false, "error": {"code", "message"}}. Services announce
changes through `paperless.services.events`; `_deliver` sends each announcement to
the rooms of the roles allowed to receive it.
"""

from __future__ import annotations

import functools
import logging
import os
import socket as net
import threading

from flask import Flask, current_app, request
from flask import session as conn_session
from flask_socketio import disconnect, join_room
from sqlalchemy import select

from paperless import db, ratelimit
from paperless.domain import documents as document_rules
from paperless.extensions import socketio
from paperless.models import LiveConnection
from paperless.realtime import fair
from paperless.realtime.commands import COMMANDS
from paperless.realtime.payloads import PayloadError, validate
from paperless.realtime.session import SocketSessionInterface
from paperless.services import auth as auth_service
from paperless.services import events, sessions
from paperless.services import live as live_service
from paperless.services.access import Actor
from paperless.services.errors import ServiceError
from paperless.services.meetings import get_meeting

log = logging.getLogger(__name__)
PROCESS = f"{net.gethostname()}:{os.getpid()}"
_stale_checked = False


def register(app: Flask) -> None:
    # Bound per app: `@socketio.on` would bind only to the server that existed at import
    # time, leaving any later app (tests, a second worker factory) with no authorisation.
    app.session_interface = SocketSessionInterface()
    fair.install(socketio.server)
    socketio.on_event("connect", on_connect)
    socketio.on_event("disconnect", on_disconnect)
    socketio.on_event("meeting:join", on_join)
    for name, command in COMMANDS.items():
        socketio.on_event(name, _command_handler(name, command))
    events.subscribe(_deliver)


def room(meeting_id: int, role: str | None = None) -> str:
    return f"meeting:{meeting_id}" if role is None else f"meeting:{meeting_id}:{role}"


def _audience_roles(audience: str) -> set[str] | None:
    """Roles that receive an announcement; None means every participant of the meeting."""
    if audience == "all":
        return None
    if audience == "voters":  # delegates (and the staff): a written consultation
        return set(document_rules.STAFF) | {"delegate"}
    if audience.startswith("readers:"):
        access = audience.removeprefix("readers:")
        return set(document_rules.STAFF) | set(document_rules.READERS.get(access, ()))
    return set(document_rules.STAFF)  # "staff", and anything unknown: never everyone


# Events sent at most every COALESCE_SECONDS per meeting, the latest winning: 500 ballots
# in a second must not become 500 broadcasts to every tablet and observer.
# Presence too: 500 tablets reconnecting after a Wi-Fi blip make one message, not 500;
# and the roll: 500 check-ins at the opening make a few.
COALESCED = {"vote.progress", "live.presence", "live.roll"}
COALESCE_SECONDS = 0.25
_pending: dict[tuple[int, int, str], events.Announcement] = {}
_pending_lock = threading.Lock()


def _deliver(message: events.Announcement) -> None:
    if message.name == events.REVOKED:
        _disconnect_revoked(message.payload)
        return
    if message.name in COALESCED:
        app = current_app._get_current_object()
        key = (id(app), message.meeting_id, message.name)  # tests run several apps at once
        with _pending_lock:
            first = key not in _pending
            _pending[key] = message
        if first:
            socketio.start_background_task(_flush_later, app, key)
        return
    _emit(message)


def _flush_later(app: Flask, key) -> None:
    socketio.sleep(COALESCE_SECONDS)
    with _pending_lock:
        message = _pending.pop(key, None)
    if message is None:
        return
    with app.app_context():  # a lazily built payload reads the database
        try:
            _emit(message)
        except Exception:  # a background task has nobody to raise to
            app.logger.exception("could not deliver %s", message.name)


def _emit(message: events.Announcement) -> None:
    roles = _audience_roles(message.audience)
    payload = message.payload() if callable(message.payload) else message.payload
    if payload is None:  # a lazy payload whose subject is gone: nothing to say
        return
    event = {"name": message.name, "payload": payload}
    if roles is None:
        socketio.emit("event", event, to=room(message.meeting_id))
    else:
        socketio.emit("event", event, to=[room(message.meeting_id, r) for r in sorted(roles)])


def _idle():
    return current_app.config["PERMANENT_SESSION_LIFETIME"]


def current_actor() -> Actor | None:
    """The socket's user, if the login session or token it connected with still holds.

    Read on every event, in one statement (sessions.live_actor): a logout, a password
    change, a disabled account or a role taken away stops a socket at once, even before
    the announcement disconnects it.
    """
    held = conn_session.get("socket_auth")
    if not held:
        return None
    kind, ident, user_id = held
    return sessions.live_actor(kind, ident, user_id, _idle())


def _translated(message: str) -> str:
    """A service's Vietnamese message in the connection's language (the login session's
    choice), when the catalogue has it; the code stays the stable part."""
    from flask_babel import gettext

    try:
        return gettext(message)
    except Exception:  # no request context to pick a language from: Vietnamese
        return message


def _error(code: str, message: str, **details) -> dict:
    error = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"ok": False, "error": error}


def _refused(exc: PayloadError) -> dict:
    """A payload that does not match its declaration: nothing was done."""
    if exc.field is None:
        return _error(exc.code, _translated(exc.template))
    return _error(exc.code, _translated(exc.template).format(name=exc.field), field=exc.field)


def _auth_rooms(kind: str, ident: int, user_id: int) -> list[str]:
    return [f"user:{user_id}", f"{kind}:{ident}"]


def on_connect(auth=None):
    """The browser's login session, or `auth: {token}` for API clients; anyone else is refused."""
    token = auth.get("token") if isinstance(auth, dict) else None
    token = token[:200] if isinstance(token, str) else None
    # With its address: a shared token (guests, hall screens) is not kept from everywhere
    # by one flooder using it.
    credential = ("token", token) if token is not None else \
        ("session", conn_session.get("auth"))
    credential += (request.remote_addr or "",)
    limiter = ratelimit.limiter()
    if limiter.held("socket_connect", credential) is not None:
        return False  # before any database work: a flooder's reconnections cost next to nothing
    # fair.py and _rate_limited call this when they drop the connection for flooding
    request.environ["paperless.on_flood"] = functools.partial(
        limiter.hold, "socket_connect", credential, ratelimit.FLOOD_COOL_DOWN)
    if token is not None:
        row = auth_service.token_row(token)
        held = ("token", row.id, row.user_id) if row else None
    else:
        row = sessions.for_key(conn_session.get("auth"), _idle())
        held = ("session", row.id, row.user_id) if row else None
    if held is None:
        return False
    conn_session["socket_auth"] = held
    if current_actor() is None:
        return False
    for name in _auth_rooms(*held):  # where a revocation finds this socket
        join_room(name, sid=request.sid)
    return True


def on_disconnect(*_args):
    ratelimit.limiter().forget("socket", request.sid)
    live_service.disconnected(request.sid)


def _disconnect_revoked(info: dict) -> None:
    """Sessions or tokens were revoked: close their sockets, on this process (rooms) and on
    the others (their meeting connections are rows; the queue carries the disconnect)."""
    user_id = info["user_id"]
    if info.get("everything"):
        rooms = [f"user:{user_id}"]
        rows = select(LiveConnection.sid).where(LiveConnection.user_id == user_id)
    else:
        rooms = [f"session:{i}" for i in info.get("session_ids", ())] + \
                [f"token:{i}" for i in info.get("token_ids", ())]
        rows = select(LiveConnection.sid).where(
            LiveConnection.auth_session_id.in_(list(info.get("session_ids", ()))) |
            LiveConnection.api_token_id.in_(list(info.get("token_ids", ()))))
    notice = {"name": "session.revoked", "payload": {}}
    sids = set()
    for name in rooms:
        socketio.emit("event", notice, to=name)  # the client goes to the login page
        sids |= {sid for sid, _eio in socketio.server.manager.get_participants("/", name)}
    try:
        sids |= set(db.session.scalars(rows))
    except Exception:  # the database is down: this process's sockets still go
        db.session.rollback()
        log.warning("could not list the revoked sessions' connections")
    for sid in sorted(sids):
        try:
            socketio.server.disconnect(sid, namespace="/")
        except Exception:  # already gone
            log.debug("disconnect %s failed", sid, exc_info=True)


def _forget_dead_processes() -> None:
    """Connections recorded by a process of this host that no longer runs (killed, crashed)."""
    global _stale_checked
    if _stale_checked:
        return
    _stale_checked = True
    host = net.gethostname()
    gone = []
    for process in set(db.session.scalars(select(LiveConnection.process))):
        name, _, pid = process.rpartition(":")
        if name == host and pid.isdigit() and int(pid) != os.getpid():
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                gone.append(process)
            except PermissionError:
                pass
    live_service.forget_connections_of(gone)


# Rate limits (token buckets, ratelimit.py): checked before anything else, in memory, so a
# flood is refused for less than it would cost to serve. A whole snapshot costs 5.
EVENT_COST = {"meeting:join": 5, "live:snapshot": 5}
READS = frozenset({"meeting:join", "live:snapshot", "vote:state"})
# A ballot is one per vote and idempotent: only the general buckets apply to it.
NOT_WRITE_LIMITED = READS | {"vote:cast"}


def _rate_limited(name: str) -> dict | None:
    """The `rate_limited` answer if this connection or its user sends too fast, else None."""
    held = conn_session.get("socket_auth")
    user_id = held[2] if held else None
    cost = EVENT_COST.get(name, 1)
    limiter = ratelimit.limiter()
    sid = getattr(request, "sid", None)
    wait = limiter.check("socket", sid, cost)
    if wait is not None and sid is not None and limiter.flooding("socket", sid):
        # the events it has queued are dropped unread once it is gone (realtime/fair.py)
        log.warning("socket %s (user %s) dropped: it kept sending after rate_limited",
                    sid, user_id)
        on_flood = request.environ.get("paperless.on_flood")
        if on_flood:
            on_flood()
        disconnect(sid=sid)
    if wait is None and user_id is not None:
        wait = limiter.check("socket_user", user_id, cost)
        if wait is None and name not in NOT_WRITE_LIMITED:
            wait = limiter.check("socket_write", user_id)
    if wait is None:
        return None
    return _error("rate_limited", ratelimit.MESSAGE, retry_after=round(min(wait, 3600), 1))


def on_join(data=None):
    """Join a meeting's rooms; the answer carries the full snapshot to draw from."""
    refused = _rate_limited("meeting:join")
    if refused:
        return refused
    try:
        actor = current_actor()
    except Exception as exc:
        return _unexpected("meeting:join", exc)
    if actor is None:
        return _error("unauthorized", "Cần đăng nhập.")
    try:
        meeting_id = validate("meeting:join", data).meeting_id
    except PayloadError as exc:
        return _refused(exc)
    try:
        meeting = get_meeting(actor, meeting_id)
        start_timers(current_app._get_current_object())
        _forget_dead_processes()
        join_room(room(meeting.id), sid=request.sid)
        roles = sorted(document_rules.STAFF) if actor.is_superuser else \
            sorted(actor.roles_in(meeting.council_id))
        for role in roles:
            join_room(room(meeting.id, role), sid=request.sid)
        live_service.connected(actor, meeting, request.sid, PROCESS,
                               auth=conn_session.get("socket_auth"))
        snapshot = live_service.snapshot(actor, meeting.id)
    except ServiceError as exc:
        db.session.rollback()
        return _error(exc.code, exc.message)
    except Exception as exc:
        return _unexpected("meeting:join", exc)
    return {"ok": True, "meeting_id": meeting.id, "roles": roles, "snapshot": snapshot}


# Every count-down ends itself on the server: each process runs one loop per app that
# closes timed votes at 0:00 and ends speakers whose time is up. Several processes may
# run it at once (closing is a conditional UPDATE that matches once); after a restart the
# loop, and every snapshot, catch up on what fell due meanwhile.
TIMER_SECONDS = 1.0
_timers_started: set[int] = set()
_timers_lock = threading.Lock()


def start_timers(app: Flask) -> None:
    with _timers_lock:
        if id(app) in _timers_started:
            return
        _timers_started.add(id(app))
    socketio.start_background_task(_timer_loop, app)


def _timer_loop(app: Flask) -> None:
    from paperless.services import votes as vote_service

    failures = 0
    while not app.extensions.get("paperless.stopped") and failures < 30:
        socketio.sleep(TIMER_SECONDS)
        with app.app_context():
            try:
                vote_service.close_due()
                live_service.end_due_speakers()
                failures = 0
            except Exception as exc:  # a database restart: try again next second
                failures += 1
                db.session.rollback()
                log.warning("timer loop: %s", exc)
            finally:
                db.session.remove()
    with _timers_lock:
        _timers_started.discard(id(app))


def _unexpected(name: str, exc: Exception) -> dict:
    if db.is_unavailable(exc):
        db.session.remove()
        log.warning("socket event %s: database unavailable", name)
        return _error("database_unavailable", db.UNAVAILABLE_MESSAGE)
    db.session.rollback()
    log.exception("socket event %s failed", name, exc_info=exc)
    return _error("server_error", "Lỗi máy chủ. Vui lòng thử lại.")


def _command_handler(name, command):
    def handler(data=None):
        refused = _rate_limited(name)
        if refused:  # nothing done: no service call, no broadcast, no audit entry
            return refused
        try:
            actor = current_actor()
        except Exception as exc:  # the database is down: say so, do not drop the event
            return _unexpected(name, exc)
        if actor is None:
            return _error("unauthorized", "Cần đăng nhập.")
        try:
            payload = validate(name, data)
        except PayloadError as exc:
            return _refused(exc)
        try:
            result = command(actor, payload)
        except ServiceError as exc:
            db.session.rollback()
            return _error(exc.code, _translated(exc.message))
        except Exception as exc:  # never let a bad event kill the connection or leak a trace
            return _unexpected(name, exc)
        return {"ok": True, "result": result}

    handler.__name__ = f"on_{name.replace(':', '_')}"
    return handler
