"""The live session's event machinery, shared by live, votes, questioning and projection.

Every change of the hall is one transaction that records an audit entry, bumps the
meeting's sequence number and keeps a LiveEvent; after the commit it is announced with
that number, so a client that sees a gap resyncs from the snapshot. This module sits
below every module that changes the hall (none of them imports another to do so).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from paperless import db
from paperless.models import LiveEvent, LiveState, Meeting
from paperless.services import audit, events
from paperless.services.access import Actor

OPERATORS = frozenset({"chair", "secretariat"})  # who runs the console (the secretariat assists)


def _now() -> datetime:
    return datetime.now(UTC)


def state_for(meeting: Meeting, *, lock: bool = False) -> LiveState:
    query = select(LiveState).where(LiveState.meeting_id == meeting.id)
    if lock:
        query = query.with_for_update()
    state = db.session.scalar(query)
    if state is None:
        state = LiveState(meeting_id=meeting.id, phase="not_started", seq=0)
        db.session.add(state)
        db.session.flush()
    return state


def _next_seq(meeting: Meeting, name: str, payload: dict, actor: Actor) -> int:
    """Bump the sequence inside the current transaction and keep the event."""
    seq = db.session.execute(
        update(LiveState).where(LiveState.meeting_id == meeting.id)
        .values(seq=LiveState.seq + 1).returning(LiveState.seq)).scalar_one()
    db.session.add(LiveEvent(meeting_id=meeting.id, seq=seq, name=name, payload=payload,
                             actor_user_id=actor.user_id))
    return seq


def record(actor: Actor, meeting: Meeting, action: str, subject: tuple, details: dict) -> None:
    """An entry of the tamper-evident record, in the transaction of the change."""
    audit.record(actor, action, council_id=meeting.council_id, meeting_id=meeting.id,
                 subject=subject, details=details)


def commit_and_announce(meeting: Meeting, name: str, payload: dict, actor: Actor) -> dict:
    state_for(meeting)
    seq = _next_seq(meeting, name, payload, actor)
    db.session.commit()
    message = {**payload, "seq": seq, "server_time": _now().isoformat()}
    events.announce(meeting.id, name, message)
    return message
