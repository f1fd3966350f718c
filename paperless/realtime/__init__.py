"""Socket.IO: one room per meeting and per role inside it. Every event is authorised here.

Services announce changes through `paperless.services.events`; `_deliver` sends
each announcement to the rooms of the roles allowed to receive it.
"""

from __future__ import annotations

from flask import Flask, request
from flask import session as conn_session
from flask_socketio import join_room

from paperless import db
from paperless.domain import documents as document_rules
from paperless.extensions import socketio
from paperless.models import User
from paperless.services import auth as auth_service
from paperless.services import events
from paperless.services.access import Actor, actor_for
from paperless.services.errors import ServiceError
from paperless.services.meetings import get_meeting


def register(app: Flask) -> None:
    # Bound per app: `@socketio.on` would bind only to the server that existed at import
    # time, leaving any later app (tests, a second worker factory) with no authorisation.
    socketio.on_event("connect", on_connect)
    socketio.on_event("meeting:join", on_join)
    events.subscribe(_deliver)


def room(meeting_id: int, role: str | None = None) -> str:
    return f"meeting:{meeting_id}" if role is None else f"meeting:{meeting_id}:{role}"


def _audience_roles(audience: str) -> set[str] | None:
    """Roles that receive an announcement; None means every participant of the meeting."""
    if audience == "all":
        return None
    if audience == "staff":
        return set(document_rules.STAFF)
    if audience.startswith("readers:"):
        access = audience.removeprefix("readers:")
        return set(document_rules.STAFF) | set(document_rules.READERS.get(access, ()))
    return set(document_rules.STAFF)  # unknown audiences reach staff only, never everyone


def _deliver(message: events.Announcement) -> None:
    roles = _audience_roles(message.audience)
    event = {"name": message.name, "payload": message.payload}
    if roles is None:
        socketio.emit("event", event, to=room(message.meeting_id))
    else:
        socketio.emit("event", event, to=[room(message.meeting_id, r) for r in sorted(roles)])


def current_actor() -> Actor | None:
    user_id = conn_session.get("socket_user_id") or conn_session.get("user_id")
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    return actor_for(user)


def _error(exc: ServiceError) -> dict:
    return {"ok": False, "error": {"code": exc.code, "message": exc.message}}


def on_connect(auth=None):
    """The browser's login session, or `auth: {token}` for API clients; anyone else is refused."""
    if isinstance(auth, dict) and isinstance(auth.get("token"), str):
        user = auth_service.user_for_token(auth["token"][:200])
        if user is None:
            return False
        conn_session["socket_user_id"] = user.id
    return current_actor() is not None


def on_join(data=None):
    actor = current_actor()
    if actor is None:
        return {"ok": False, "error": {"code": "unauthorized", "message": "Cần đăng nhập."}}
    meeting_id = data.get("meeting_id") if isinstance(data, dict) else None
    if not isinstance(meeting_id, int) or isinstance(meeting_id, bool):
        return {"ok": False, "error": {"code": "validation_error",
                                       "message": "Thiếu meeting_id (số nguyên)."}}
    try:
        meeting = get_meeting(actor, meeting_id)
    except ServiceError as exc:
        return _error(exc)
    join_room(room(meeting.id), sid=request.sid)
    roles = sorted(document_rules.STAFF) if actor.is_superuser else \
        sorted(actor.roles_in(meeting.council_id))
    for role in roles:
        join_room(room(meeting.id, role), sid=request.sid)
    return {"ok": True, "meeting_id": meeting.id, "roles": roles}
