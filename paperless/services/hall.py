"""What the hall shows now, read from the live state: attendance against the quorum, the
floor queue, the finished vote still on the screens.

Live, votes and questioning all send these parts with their events (and `live.snapshot`
composes them), so they live below all three.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from paperless import db
from paperless.domain import clock
from paperless.domain import live as rules
from paperless.domain.quorum import Quorum
from paperless.models import (
    Attendance,
    Delegate,
    LiveState,
    Meeting,
    MeetingInvitee,
    SpeakerRequest,
    Vote,
)
from paperless.services.delegates import total_delegates_on


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def dismiss_result(meeting: Meeting, state: LiveState) -> int | None:
    """The chair moves on (next item, the floor given, questioning opened): the finished
    vote the screens still show leaves them. Returns its id (None: nothing was shown)."""
    latest = db.session.scalar(select(Vote).where(
        Vote.meeting_id == meeting.id, Vote.status.in_(("closed", "announced", "cancelled")))
        .order_by(Vote.closed_at.desc(), Vote.id.desc()).limit(1))
    if latest is None or db.session.scalar(select(Vote.id).where(
            Vote.meeting_id == meeting.id, Vote.status == "open")) is not None:
        return None
    state.dismissed_vote_id = latest.id
    return latest.id


def attendance_summary(meeting: Meeting, state: LiveState) -> dict:
    # N on the day the session sits; before or after its dates, on its opening day.
    today = clock.today(meeting.council.time_zone, _now())
    day = today if meeting.start_date <= today <= meeting.end_date else meeting.start_date
    total = total_delegates_on(meeting.term_id, day)
    counts = dict(db.session.execute(
        select(Attendance.status, func.count()).where(Attendance.sitting_id == state.sitting_id)
        .group_by(Attendance.status)).all()) if state.sitting_id else {}
    quorum = Quorum(present=counts.get("present", 0), total=total)
    return {"present": quorum.present, "total": total, "quorum_required": quorum.required,
            "quorum_reached": quorum.reached,
            "absent_excused": counts.get("absent_excused", 0), "absent": counts.get("absent", 0)}


def is_present(state: LiveState, delegate_id: int) -> bool:
    return db.session.scalar(select(Attendance.status).where(
        Attendance.sitting_id == state.sitting_id,
        Attendance.delegate_id == delegate_id)) == "present"


def queue_json(meeting: Meeting) -> dict:
    rows = db.session.execute(
        select(SpeakerRequest, Delegate.full_name).join(
            Delegate, Delegate.id == SpeakerRequest.delegate_id)
        .where(SpeakerRequest.meeting_id == meeting.id,
               SpeakerRequest.status.in_(("waiting", "speaking")))).all()
    names = {r.id: name for r, name in rows}
    waiting = rules.queue_order([r for r, _ in rows if r.status == "waiting"])
    speaking = next((r for r, _ in rows if r.status == "speaking"), None)

    def one(r: SpeakerRequest) -> dict:
        return {"id": r.id, "delegate_id": r.delegate_id, "name": names[r.id], "kind": r.kind,
                "topic": r.topic, "agenda_item_id": r.agenda_item_id,
                "requested_at": _iso(r.requested_at)}

    speaker = None
    if speaking is not None:
        speaker = {**one(speaking), "started_at": _iso(speaking.started_at),
                   "limit_seconds": speaking.limit_seconds,
                   "paused_at": _iso(speaking.paused_at)}
        if speaking.answer_official_id is not None:
            official = db.session.get(MeetingInvitee, speaking.answer_official_id)
            speaker["answer"] = {"official": official.full_name, "title": official.title,
                                 "started_at": _iso(speaking.answer_started_at),
                                 "limit_seconds": speaking.answer_limit_seconds}
    return {"queue": [one(r) for r in waiting], "speaker": speaker}
