"""The live session: phases, agenda position, sittings, attendance, speakers, notices.

Every change is one transaction that also bumps the meeting's sequence number and
records a LiveEvent; after the commit it is announced with that number
(`meeting_events`). Attendance marks are the exception: they are announced as the whole
roll (`live.roll`, not numbered, coalesced), which a late copy can never make wrong. A
client that sees a gap asks for `snapshot()`, which is built from the database alone and
composes the parts of votes, questioning and projection: this module sits above them
(they never import it).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import selectinload

from paperless import db
from paperless.domain import agenda as agenda_rules
from paperless.domain import live as rules
from paperless.models import (
    Attendance,
    Council,
    Delegate,
    LiveConnection,
    LiveEvent,
    LiveState,
    Meeting,
    Notice,
    Sitting,
    SpeakerRequest,
    Vote,
)
from paperless.services import delegates, events, projection, questioning, votes
from paperless.services.access import PARTICIPANTS, STAFF, Actor
from paperless.services.errors import Conflict, Forbidden, Invalid, NotFound
from paperless.services.hall import attendance_summary, dismiss_result, is_present, queue_json
from paperless.services.meeting_events import OPERATORS, commit_and_announce, record, state_for
from paperless.services.meetings import get_meeting

ATTENDANCE_KEEPERS = frozenset({"chair", "secretariat"})


def _now() -> datetime:
    return datetime.now(UTC)


def _meeting(actor: Actor, meeting_id: int, allowed=PARTICIPANTS) -> Meeting:
    return get_meeting(actor, meeting_id, allowed)


def _rule(fn, *args):
    try:
        return fn(*args)
    except rules.LiveRuleError as exc:
        raise Conflict(exc.message, code=exc.code) from exc


def _require_running(state: LiveState) -> None:
    if not rules.may_act_while(state.phase):
        raise Conflict("Phiên họp chưa khai mạc hoặc đã bế mạc.", code="session_not_open")


# --- phases and agenda ------------------------------------------------------

def _agenda_order(meeting: Meeting) -> list[int]:
    return [node.item.id for node, _depth in agenda_rules.flatten(
        agenda_rules.build_tree(meeting.agenda_items))]


def _item_json(meeting: Meeting, item_id: int | None) -> dict | None:
    if item_id is None:
        return None
    for node, depth in agenda_rules.flatten(agenda_rules.build_tree(meeting.agenda_items)):
        if node.item.id == item_id:
            return {"id": item_id, "number": node.number, "title": node.item.title,
                    "presenter": node.item.presenter, "kind": node.item.kind, "depth": depth,
                    "planned_minutes": node.item.planned_minutes}
    return None


def change_phase(actor: Actor, meeting_id: int, action: str) -> dict:
    """open (khai mạc), pause, resume, close (bế mạc)."""
    if action not in rules.TRANSITIONS:
        raise Invalid("Thao tác không hợp lệ.", code="invalid_action")
    meeting = _meeting(actor, meeting_id, OPERATORS)
    if action == "close":
        settle_open_vote(actor, meeting)
    state = state_for(meeting, lock=True)
    if action == "open" and meeting.status not in {"published", "in_progress"}:
        raise Conflict("Hãy công bố kỳ họp trước khi khai mạc.", code="meeting_not_published")
    state.phase = _rule(rules.transition, state.phase, action)
    now = _now()
    if action == "open":
        meeting.status = "in_progress"
        state.opened_at = now
        state.sitting_id = _new_sitting(meeting).id
        order = _agenda_order(meeting)
        state.current_item_id = order[0] if order else None
    elif action == "pause":
        state.paused_at = now
    elif action == "resume":
        state.paused_at = None
    elif action == "close":
        _close_state(meeting, state, now)
    payload = {"phase": state.phase, "paused_at": _iso(state.paused_at),
               "current_item": _item_json(meeting, state.current_item_id),
               "sitting": _sitting_json(state)}
    if action == "open":
        payload["attendance"] = attendance_summary(meeting, state)
    if action == "close":  # the speaker's turn ended with the session: off every screen
        payload.update(queue_json(meeting))
    record(actor, meeting, {"open": "live.opened", "pause": "live.paused",
                            "resume": "live.resumed", "close": "live.closed"}[action],
           ("meeting", meeting.id), {"phase": state.phase, "sitting": payload["sitting"]})
    message = commit_and_announce(meeting, "live.phase", payload, actor)
    if action == "close":
        projection.announce_current(meeting.id)
    return message


def _close_state(meeting: Meeting, state: LiveState, now: datetime) -> None:
    projection.clear(meeting.id)  # bế mạc ends any showing: the screen says "Đã bế mạc"
    meeting.status = "closed"
    state.phase = "closed"
    state.closed_at = now
    state.paused_at = None
    _end_speaker(meeting, now)
    sitting = db.session.get(Sitting, state.sitting_id) if state.sitting_id else None
    if sitting and sitting.ended_at is None:
        sitting.ended_at = now


def close_with_meeting(actor: Actor, meeting: Meeting) -> dict | None:
    """Bế mạc from the meeting page (meeting_status.set_status): the hall closes too, so no screen
    keeps saying "Đang họp" and the console can no longer move items. The caller has
    recorded the status change; this commits and announces."""
    state = state_for(meeting, lock=True)
    if state.phase == "closed":
        db.session.commit()
        return None
    _close_state(meeting, state, _now())
    record(actor, meeting, "live.closed", ("meeting", meeting.id),
           {"phase": "closed", "sitting": _sitting_json(state)})
    message = commit_and_announce(meeting, "live.phase", {
        "phase": state.phase, "paused_at": None,
        "current_item": _item_json(meeting, state.current_item_id),
        "sitting": _sitting_json(state), **queue_json(meeting)}, actor)
    projection.announce_current(meeting.id)
    return message


def settle_open_vote(actor: Actor, meeting: Meeting) -> None:
    """Votes belong to the session: bế mạc with a vote still open either refuses, naming it,
    or closes and counts it first (its own recorded transaction), as the council's rules say."""
    vote = db.session.scalar(select(Vote).where(Vote.meeting_id == meeting.id,
                                                Vote.status == "open"))
    if vote is None:
        return
    council = db.session.get(Council, meeting.council_id)
    if council.open_vote_at_close != "close":
        raise Conflict(f"Còn cuộc biểu quyết đang mở: “{vote.title}”. Chủ tọa kết thúc "
                       "biểu quyết trước khi bế mạc.", code="vote_still_open",
                       details={"vote_id": vote.id, "title": vote.title})
    votes.close_vote(actor, vote.id)


def _new_sitting(meeting: Meeting) -> Sitting:
    number = (db.session.scalar(select(func.max(Sitting.number))
                                .where(Sitting.meeting_id == meeting.id)) or 0) + 1
    sitting = Sitting(meeting_id=meeting.id, number=number, started_at=_now())
    db.session.add(sitting)
    db.session.flush()
    return sitting


def start_new_sitting(actor: Actor, meeting_id: int) -> dict:
    """A new sitting (e.g. the next morning): everyone checks in again."""
    meeting = _meeting(actor, meeting_id, OPERATORS)
    state = state_for(meeting, lock=True)
    _require_running(state)
    now = _now()
    old = db.session.get(Sitting, state.sitting_id) if state.sitting_id else None
    if old and old.ended_at is None:
        old.ended_at = now
    state.sitting_id = _new_sitting(meeting).id
    record(actor, meeting, "live.sitting_started", ("sitting", state.sitting_id),
           {"sitting": _sitting_json(state)})
    return commit_and_announce(meeting, "live.attendance",
                                {"sitting": _sitting_json(state),
                                 "attendance": attendance_summary(meeting, state),
                                 "changed": None}, actor)


def go_to_item(actor: Actor, meeting_id: int, *, item_id: int | None = None,
               offset: int | None = None) -> dict:
    meeting = _meeting(actor, meeting_id, OPERATORS)
    state = state_for(meeting, lock=True)
    _require_running(state)
    order = _agenda_order(meeting)
    if item_id is not None:
        if item_id not in order:
            raise Invalid("Mục chương trình không thuộc kỳ họp này.", code="invalid_item")
        target = item_id
    elif offset in (-1, 1):
        target = rules.step(order, state.current_item_id, offset)
    else:
        raise Invalid("Cần item_id hoặc hướng (trước/tiếp).", code="invalid_action")
    state.current_item_id = target
    record(actor, meeting, "live.item", ("agenda_item", target), {})
    return commit_and_announce(meeting, "live.item",
                                {"current_item": _item_json(meeting, target),
                                 "dismissed_vote_id": dismiss_result(meeting, state)}, actor)


# --- what leaves the screen -------------------------------------------------

def clear_screen(actor: Actor, meeting_id: int) -> dict:
    """The chair clears the hall: the last result and the notices leave every screen."""
    meeting = _meeting(actor, meeting_id, OPERATORS)
    state = state_for(meeting, lock=True)
    now = _now()
    dismissed = dismiss_result(meeting, state)
    db.session.execute(update(Notice).where(
        Notice.meeting_id == meeting.id,
        (Notice.expires_at.is_(None)) | (Notice.expires_at > now)).values(expires_at=now))
    record(actor, meeting, "live.screen_cleared", ("meeting", meeting.id),
           {"dismissed_vote_id": dismissed})
    return commit_and_announce(meeting, "live.cleared",
                                {"dismissed_vote_id": dismissed, "notices": []}, actor)


# --- attendance -------------------------------------------------------------

def _sitting_json(state: LiveState) -> dict | None:
    if not state.sitting_id:
        return None
    sitting = db.session.get(Sitting, state.sitting_id)
    return {"id": sitting.id, "number": sitting.number, "started_at": _iso(sitting.started_at)}


def _mark_of(state: LiveState, delegate_id: int) -> Attendance | None:
    return db.session.scalar(select(Attendance).where(
        Attendance.sitting_id == state.sitting_id, Attendance.delegate_id == delegate_id))


def _set_attendance(meeting: Meeting, state: LiveState, delegate_id: int, status: str,
                    reason: str, source: str, actor: Actor, row: Attendance | None) -> dict:
    """`row`: the delegate's mark of this sitting as the caller read it (None: not marked)."""
    if row is None:
        row = Attendance(sitting_id=state.sitting_id, delegate_id=delegate_id)
        db.session.add(row)
    row.status, row.reason, row.source = status, reason[:300], source
    row.at, row.marked_by = _now(), actor.user_id
    db.session.flush()
    record(actor, meeting, "attendance.checked_in" if source == "tablet" else "attendance.marked",
           ("delegate", delegate_id), {"sitting_id": state.sitting_id, "status": status,
                                       "reason": row.reason})
    answer = {"sitting": _sitting_json(state), "attendance": attendance_summary(meeting, state),
              "changed": {"delegate_id": delegate_id, "status": status}}
    db.session.commit()
    # Not numbered: 500 check-ins in a second are a few `live.roll` messages carrying the
    # whole roll (coalesced by the realtime layer), not 500 broadcasts to 500 tablets.
    events.announce(meeting.id, "live.roll", lambda: roll_json(meeting.id))
    if row.reason:  # the reason stays with staff: their consoles' rosters show it
        events.announce(meeting.id, "attendance.reason", {
            "delegate_id": delegate_id, "status": status, "reason": row.reason},
            audience="staff")
    return answer


def roll_json(meeting_id: int) -> dict | None:
    """The current sitting's whole roll: the summary and who is marked what (the reasons
    stay with staff). Built when it is sent, so the latest of many check-ins wins."""
    meeting = db.session.get(Meeting, meeting_id)
    state = db.session.scalar(select(LiveState).where(LiveState.meeting_id == meeting_id))
    if meeting is None or state is None or not state.sitting_id:
        return None
    marked: dict[str, list[int]] = {status: [] for status in sorted(rules.ATTENDANCE)}
    latest = None
    for delegate_id, status, at in db.session.execute(
            select(Attendance.delegate_id, Attendance.status, Attendance.at)
            .where(Attendance.sitting_id == state.sitting_id).order_by(Attendance.delegate_id)):
        marked.setdefault(status, []).append(delegate_id)
        latest = at if latest is None or (at and at > latest) else latest
    # `as_of`, the latest mark it includes: with several processes, two rolls may arrive out
    # of order, and a client keeps the newer one.
    return {"sitting_id": state.sitting_id, "attendance": attendance_summary(meeting, state),
            "marked": marked, "as_of": latest.astimezone(UTC).isoformat(timespec="microseconds")
            if latest else None, "server_time": _now().isoformat()}


# The delegate's term and latest status in one read (check-ins come 500 at a time).
_DELEGATE_STANDING = select(Delegate.term_id, delegates.latest_status()).where(
    Delegate.id == bindparam("delegate_id"))


def _serving_delegate(meeting: Meeting, delegate_id: int) -> None:
    row = db.session.execute(_DELEGATE_STANDING, {"delegate_id": delegate_id}).first()
    if row is None or row[0] != meeting.term_id:
        raise Invalid("Đại biểu không thuộc nhiệm kỳ của kỳ họp này.", code="invalid_delegate")
    if row[1] != "active":
        raise Conflict("Đại biểu này không còn hoạt động.", code="delegate_inactive")


def check_in(actor: Actor, meeting_id: int) -> dict:
    """A delegate (or the chair, a delegate too) checks in on the tablet, once per sitting
    (a repeat changes nothing)."""
    meeting = _meeting(actor, meeting_id, {"delegate", "chair"})
    delegate_id = actor.votes_in(meeting.council_id)
    if delegate_id is None:
        raise Forbidden("Tài khoản không gắn với đại biểu nào.", code="not_a_delegate")
    state = state_for(meeting, lock=True)
    _require_running(state)
    _serving_delegate(meeting, delegate_id)
    existing = _mark_of(state, delegate_id)
    if existing is not None and existing.status == "present":
        db.session.rollback()
        return {"already": True, "seq": state.seq,
                "attendance": attendance_summary(meeting, state)}
    return _set_attendance(meeting, state, delegate_id, "present", "", "tablet", actor,
                           existing)


def mark_attendance(actor: Actor, meeting_id: int, delegate_id: int, status: str,
                    reason: str = "") -> dict:
    meeting = _meeting(actor, meeting_id, ATTENDANCE_KEEPERS)
    if status not in rules.ATTENDANCE:
        raise Invalid("Trạng thái điểm danh không hợp lệ.",
                      details={"status": sorted(rules.ATTENDANCE)})
    if not isinstance(reason, str):
        raise Invalid("Lý do phải là chuỗi.")
    reason = _absence_reason(status, reason)
    state = state_for(meeting, lock=True)
    _require_running(state)
    _serving_delegate(meeting, delegate_id)
    return _set_attendance(meeting, state, delegate_id, status, reason, "secretariat", actor,
                           _mark_of(state, delegate_id))


def _absence_reason(status: str, reason: str) -> str:
    try:
        return rules.attendance_reason(status, reason)
    except rules.LiveRuleError as exc:  # a field left empty: a validation error, named
        raise Invalid(exc.message, details={"reason": "required"}) from exc


def report_absence(actor: Actor, meeting_id: int, reason: str) -> dict:
    """A delegate who cannot sit sends the reason from their phone or tablet: marked "Vắng có
    lý do" with their own words (the secretariat may still correct it on the console)."""
    meeting = _meeting(actor, meeting_id, {"delegate", "chair"})
    delegate_id = actor.votes_in(meeting.council_id)
    if delegate_id is None:
        raise Forbidden("Tài khoản không gắn với đại biểu nào.", code="not_a_delegate")
    if not isinstance(reason, str):
        raise Invalid("Lý do phải là chuỗi.")
    reason = _absence_reason("absent_excused", reason)
    state = state_for(meeting, lock=True)
    _require_running(state)
    _serving_delegate(meeting, delegate_id)
    existing = _mark_of(state, delegate_id)
    if existing is not None and existing.status == "present":
        db.session.rollback()
        raise Conflict("Bạn đã điểm danh có mặt ở phiên này; nếu phải về sớm, hãy báo Văn phòng.",
                       code="already_present")
    return _set_attendance(meeting, state, delegate_id, "absent_excused", reason, "tablet", actor,
                           existing)


# --- the floor --------------------------------------------------------------

def request_floor(actor: Actor, meeting_id: int, kind: str = "speech", topic: str = "") -> dict:
    meeting = _meeting(actor, meeting_id, {"delegate"})
    delegate_id = actor.delegate_ids.get(meeting.council_id)
    if delegate_id is None:
        raise Forbidden("Tài khoản không gắn với đại biểu nào.", code="not_a_delegate")
    if kind not in rules.REQUEST_KINDS:
        raise Invalid("Loại đăng ký không hợp lệ.", details={"kind": sorted(rules.REQUEST_KINDS)})
    if not isinstance(topic, str) or len(topic) > 300:
        raise Invalid("Nội dung đăng ký tối đa 300 ký tự.")
    state = state_for(meeting, lock=True)
    _require_running(state)
    if not is_present(state, delegate_id):
        raise Conflict("Bạn cần điểm danh trước khi đăng ký phát biểu.", code="not_checked_in")
    pending = db.session.scalar(select(SpeakerRequest).where(
        SpeakerRequest.meeting_id == meeting.id, SpeakerRequest.delegate_id == delegate_id,
        SpeakerRequest.kind == kind, SpeakerRequest.status == "waiting",
        SpeakerRequest.agenda_item_id.is_not_distinct_from(state.current_item_id)))
    if pending is not None:
        raise Conflict("Bạn đã đăng ký và đang chờ đến lượt.", code="already_requested")
    last = db.session.scalar(select(func.max(SpeakerRequest.position)).where(
        SpeakerRequest.meeting_id == meeting.id, SpeakerRequest.status == "waiting"))
    group_id = None
    if kind in rules.QUESTIONING_KINDS:
        group_id = questioning.current_group_id(meeting.id)
        if group_id is None:
            raise Conflict("Chủ tọa chưa mở nhóm vấn đề chất vấn.", code="no_group_open")
    limit = current_app.config[{"debate": "DEBATE_SECONDS", "question": "QUESTION_SECONDS",
                                "follow_up": "FOLLOW_UP_SECONDS"}.get(kind, "SPEECH_SECONDS")]
    db.session.add(SpeakerRequest(
        meeting_id=meeting.id, agenda_item_id=state.current_item_id, delegate_id=delegate_id,
        kind=kind, topic=" ".join(topic.split()), status="waiting", group_id=group_id,
        position=(last + 1) if last is not None else 0, limit_seconds=limit))
    db.session.flush()
    record(actor, meeting, "floor.requested", ("delegate", delegate_id),
           {"kind": kind, "agenda_item_id": state.current_item_id})
    return commit_and_announce(meeting, "live.queue", queue_json(meeting), actor)


def _request_of(actor: Actor, meeting: Meeting, request_id: int) -> SpeakerRequest:
    request = db.session.get(SpeakerRequest, request_id)
    if request is None or request.meeting_id != meeting.id:
        raise NotFound("Không tìm thấy lượt đăng ký.")
    return request


def withdraw_request(actor: Actor, meeting_id: int, request_id: int) -> dict:
    meeting = _meeting(actor, meeting_id)
    request = _request_of(actor, meeting, request_id)
    mine = actor.delegate_ids.get(meeting.council_id) == request.delegate_id
    if not (mine or actor.is_superuser or actor.has(meeting.council_id, OPERATORS)):
        raise Forbidden("Chỉ người đăng ký hoặc chủ tọa được rút lượt này.")
    if request.status != "waiting":
        raise Conflict("Lượt này không còn chờ.", code="not_waiting")
    request.status = "withdrawn" if mine else "cancelled"
    request.ended_at = _now()
    record(actor, meeting, "floor.withdrawn", ("speaker_request", request.id),
           {"status": request.status, "delegate_id": request.delegate_id})
    return commit_and_announce(meeting, "live.queue", queue_json(meeting), actor)


def reorder_queue(actor: Actor, meeting_id: int, order: list[int]) -> dict:
    meeting = _meeting(actor, meeting_id, OPERATORS)
    waiting = db.session.scalars(select(SpeakerRequest).where(
        SpeakerRequest.meeting_id == meeting.id, SpeakerRequest.status == "waiting")).all()
    if not isinstance(order, list) or not all(isinstance(i, int) for i in order):
        raise Invalid("Thứ tự phải là danh sách số.", code="invalid_order")
    try:
        positions = agenda_rules.reorder([r.id for r in waiting], order)
    except ValueError as exc:
        raise Invalid("Thứ tự mới phải liệt kê đúng các lượt đang chờ.",
                      code="invalid_order") from exc
    for request in waiting:
        request.position = positions[request.id]
    record(actor, meeting, "floor.reordered", ("meeting", meeting.id), {"order": order})
    return commit_and_announce(meeting, "live.queue", queue_json(meeting), actor)


def _end_speaker(meeting: Meeting, now: datetime) -> None:
    for request in db.session.scalars(select(SpeakerRequest).where(
            SpeakerRequest.meeting_id == meeting.id, SpeakerRequest.status == "speaking")):
        request.status, request.ended_at = "done", now


def give_floor(actor: Actor, meeting_id: int, request_id: int) -> dict:
    meeting = _meeting(actor, meeting_id, OPERATORS)
    state = state_for(meeting, lock=True)
    _require_running(state)
    request = _request_of(actor, meeting, request_id)
    if request.status != "waiting":
        raise Conflict("Lượt này không còn chờ.", code="not_waiting")
    now = _now()
    _end_speaker(meeting, now)  # one speaker at a time: giving the floor ends the previous one
    request.status, request.started_at = "speaking", now
    record(actor, meeting, "floor.given", ("speaker_request", request.id),
           {"delegate_id": request.delegate_id, "kind": request.kind,
            "agenda_item_id": request.agenda_item_id})
    return commit_and_announce(meeting, "live.queue", {
        **queue_json(meeting), "dismissed_vote_id": dismiss_result(meeting, state)}, actor)


def _speaking(meeting: Meeting) -> SpeakerRequest:
    request = db.session.scalar(select(SpeakerRequest).where(
        SpeakerRequest.meeting_id == meeting.id, SpeakerRequest.status == "speaking"))
    if request is None:
        raise Conflict("Không có ai đang phát biểu.", code="no_speaker")
    return request


def extend_speaker(actor: Actor, meeting_id: int, seconds: int = 60) -> dict:
    """"+1 phút": more time on the clock that runs (the answer's once the official answers)."""
    meeting = _meeting(actor, meeting_id, OPERATORS)
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not 10 <= seconds <= 600:
        raise Invalid("Thời gian thêm từ 10 đến 600 giây.", code="validation_error")
    state = state_for(meeting, lock=True)
    _require_running(state)
    request = _speaking(meeting)
    if request.answer_started_at is not None:
        request.answer_limit_seconds = (request.answer_limit_seconds or 0) + seconds
    else:
        request.limit_seconds += seconds
    record(actor, meeting, "floor.extended", ("speaker_request", request.id),
           {"seconds": seconds})
    return commit_and_announce(meeting, "live.queue", queue_json(meeting), actor)


def pause_speaker(actor: Actor, meeting_id: int, paused: bool) -> dict:
    """The chair stops the speaker's clock (an interruption) and starts it again; the running
    clock's start moves by the pause, so every screen computes the same time left."""
    meeting = _meeting(actor, meeting_id, OPERATORS)
    if not isinstance(paused, bool):
        raise Invalid("“paused” phải là true hoặc false.", code="validation_error")
    state = state_for(meeting, lock=True)
    _require_running(state)
    request = _speaking(meeting)
    now = _now()
    if paused and request.paused_at is None:
        request.paused_at = now
    elif not paused and request.paused_at is not None:
        pause = now - request.paused_at
        if request.answer_started_at is not None:
            request.answer_started_at += pause
        else:
            request.started_at += pause
        request.paused_seconds += int(pause.total_seconds())
        request.paused_at = None
    else:
        db.session.rollback()
        return queue_json(meeting)
    record(actor, meeting, "floor.paused" if paused else "floor.resumed",
           ("speaker_request", request.id), {})
    return commit_and_announce(meeting, "live.queue", queue_json(meeting), actor)


def time_left(request: SpeakerRequest, now: datetime) -> float:
    """Seconds left on the clock that runs: the answer's once invited, else the speaker's."""
    until = request.paused_at or now
    if request.answer_started_at is not None:
        return (request.answer_limit_seconds or 0) - (until - request.answer_started_at).total_seconds()
    return request.limit_seconds - (until - request.started_at).total_seconds()


def end_due_speakers(meeting_id: int | None = None) -> list[dict]:
    """The countdown ends itself: a speech or debate whose time is up, and a question turn
    whose answer time is up, end on the server (the system acts, as at a timed vote's 0:00).
    A question waits at 0:00 for the chair to invite the answer."""
    from paperless.services.access import SYSTEM

    now = _now()
    messages = []
    query = select(SpeakerRequest).where(SpeakerRequest.status == "speaking",
                                         SpeakerRequest.paused_at.is_(None))
    if meeting_id is not None:
        query = query.where(SpeakerRequest.meeting_id == meeting_id)
    running = db.session.scalars(query).all()
    due = [r for r in running if time_left(r, now) <= 0 and not (
        r.kind in rules.QUESTIONING_KINDS and r.answer_started_at is None)]
    if not due:  # the usual answer: the caller's transaction, and what it loaded, go on
        return []
    for request in due:
        # Only the first process to get here ends it: the UPDATE matches once.
        ended = db.session.execute(update(SpeakerRequest).where(
            SpeakerRequest.id == request.id, SpeakerRequest.status == "speaking")
            .values(status="done", ended_at=now)).rowcount
        meeting = db.session.get(Meeting, request.meeting_id)
        if not ended or meeting is None:
            db.session.rollback()
            continue
        record(SYSTEM, meeting, "floor.time_up", ("speaker_request", request.id), {})
        messages.append(commit_and_announce(meeting, "live.queue", queue_json(meeting), SYSTEM))
    db.session.rollback()
    return messages


def stop_speaker(actor: Actor, meeting_id: int) -> dict:
    meeting = _meeting(actor, meeting_id, OPERATORS)
    speaking = db.session.scalar(select(SpeakerRequest.id).where(
        SpeakerRequest.meeting_id == meeting.id, SpeakerRequest.status == "speaking"))
    if speaking is None:
        raise Conflict("Không có ai đang phát biểu.", code="no_speaker")
    _end_speaker(meeting, _now())
    record(actor, meeting, "floor.stopped", ("speaker_request", speaking), {})
    return commit_and_announce(meeting, "live.queue", queue_json(meeting), actor)


# --- notices ----------------------------------------------------------------

def _notice_json(notice: Notice) -> dict:
    return {"id": notice.id, "text": notice.text, "audience": notice.audience,
            "sent_at": _iso(notice.sent_at), "expires_at": _iso(notice.expires_at)}


def send_notice(actor: Actor, meeting_id: int, text: str, audience: str = "all",
                duration_seconds: int | None = None) -> dict:
    """A notice stays on the screens for `duration_seconds` (default NOTICE_SECONDS), then
    leaves them; the next notice, or the chair's "clear", replaces it sooner."""
    meeting = _meeting(actor, meeting_id, OPERATORS)
    if audience not in {"all", "delegates"}:
        raise Invalid("Đối tượng nhận không hợp lệ.", details={"audience": ["all", "delegates"]})
    text = " ".join((text or "").split()) if isinstance(text, str) else ""
    if not text or len(text) > 500:
        raise Invalid("Thông báo phải có nội dung, tối đa 500 ký tự.")
    if duration_seconds is None:
        duration_seconds = current_app.config.get("NOTICE_SECONDS", 120)
    if not isinstance(duration_seconds, int) or isinstance(duration_seconds, bool) or \
            not 5 <= duration_seconds <= 86400:
        raise Invalid("Thời gian hiển thị thông báo từ 5 giây đến 24 giờ.",
                      code="validation_error")
    notice = Notice(meeting_id=meeting.id, audience=audience, text=text, sent_by=actor.user_id,
                    expires_at=_now() + timedelta(seconds=duration_seconds))
    db.session.add(notice)
    db.session.flush()
    record(actor, meeting, "notice.sent", ("notice", notice.id),
           {"audience": audience, "text": text})
    db.session.commit()
    payload = _notice_json(notice)
    # Notices carry no sequence number: they are not state, and delegates-only ones would
    # otherwise look like a gap to the guests and the screen.
    events.announce(meeting.id, "live.notice", payload,
                    audience="all" if audience == "all" else "readers:delegates")
    return payload


# --- snapshot and presence --------------------------------------------------

def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def snapshot(actor: Actor, meeting_id: int) -> dict:
    """Everything a client needs to draw the hall now, as this actor may see it."""
    meeting = _meeting(actor, meeting_id)
    # Clocks that ran out while nobody's loop was running (a restart) end on this access.
    votes.close_due(meeting.id)
    end_due_speakers(meeting.id)
    state = state_for(meeting)
    db.session.commit()  # a first look creates the state row
    roles = actor.roles_in(meeting.council_id)
    is_staff = actor.is_superuser or bool(roles & STAFF)
    audiences = ["all"] + (["delegates"] if is_staff or roles & {"delegate", "official"} else [])
    now = _now()
    notices = db.session.scalars(select(Notice).where(
        Notice.meeting_id == meeting.id, Notice.audience.in_(audiences),
        Notice.expires_at.is_(None) | (Notice.expires_at > now))
        .order_by(Notice.id.desc()).limit(5)).all()
    data = {
        "meeting": {"id": meeting.id, "title": meeting.title, "council": meeting.council.name,
                    "place": meeting.place},
        "seq": state.seq,
        "server_time": _now().isoformat(),
        "phase": state.phase,
        "paused_at": _iso(state.paused_at),
        "current_item": _item_json(meeting, state.current_item_id),
        "agenda": [{"id": n.item.id, "number": n.number, "title": n.item.title, "depth": d,
                    "kind": n.item.kind}
                   for n, d in agenda_rules.flatten(agenda_rules.build_tree(meeting.agenda_items))],
        "sitting": _sitting_json(state),
        "attendance": attendance_summary(meeting, state),
        "notices": [_notice_json(n) for n in notices],
        **queue_json(meeting),
        "me": _me(actor, meeting, state),
    }
    if is_staff:
        data["roster"] = roster(meeting, state)
        data["votes"] = [votes.public(v) for v in votes.list_votes(actor, meeting.id)]
    data["vote"] = votes.current_for_snapshot(actor, meeting, state)
    data["questioning"] = questioning.current_group(meeting.id)
    data["officials"] = [{"id": i.id, "name": i.full_name, "title": i.title}
                         for i in questioning.officials_of(meeting)]
    data["projection"] = projection.state_json(meeting.id)
    if is_staff:
        data["question_groups"] = [{"id": g.id, "title": g.title, "status": g.status}
                                   for g in questioning.list_groups(actor, meeting.id)]
    return data


def _me(actor: Actor, meeting: Meeting, state: LiveState) -> dict:
    delegate_id = actor.delegate_ids.get(meeting.council_id)
    me = {"user_id": actor.user_id, "roles": sorted(actor.roles_in(meeting.council_id)),
          "delegate_id": delegate_id}
    if delegate_id is not None:
        mark = db.session.scalar(select(Attendance).where(
            Attendance.sitting_id == state.sitting_id,
            Attendance.delegate_id == delegate_id)) if state.sitting_id else None
        me["checked_in"] = mark is not None and mark.status == "present"
        # The delegate's own absence and its reason (their own data; others never see it).
        me["absence"] = {"status": mark.status, "reason": mark.reason} \
            if mark is not None and mark.status != "present" else None
    return me


def roster(meeting: Meeting, state: LiveState) -> list[dict]:
    """Staff only: each serving delegate's attendance and whether a tablet is connected."""
    marks = {a.delegate_id: a for a in db.session.scalars(select(Attendance).where(
        Attendance.sitting_id == state.sitting_id))} if state.sitting_id else {}
    online = set(db.session.scalars(select(LiveConnection.delegate_id).where(
        LiveConnection.meeting_id == meeting.id, LiveConnection.delegate_id.is_not(None))))
    delegates = db.session.scalars(select(Delegate).where(
        Delegate.term_id == meeting.term_id).order_by(Delegate.id)
        .options(selectinload(Delegate.status_changes))).all()  # one query, not one per row
    return [{"delegate_id": d.id, "name": d.full_name,
             "status": marks[d.id].status if d.id in marks else None,
             "reason": marks[d.id].reason if d.id in marks else "",
             "online": d.id in online}
            for d in delegates if d.current_status == "active"]


def connected(actor: Actor, meeting: Meeting, sid: str, process: str, auth=None) -> None:
    """`auth`: ("session" | "token", id, user id) — what a revocation disconnects."""
    kind, ident = (auth[0], auth[1]) if auth else (None, None)
    db.session.merge(LiveConnection(
        sid=sid, meeting_id=meeting.id, user_id=actor.user_id,
        delegate_id=actor.delegate_ids.get(meeting.council_id), process=process,
        auth_session_id=ident if kind == "session" else None,
        api_token_id=ident if kind == "token" else None))
    db.session.commit()
    _announce_presence(meeting.id)


def disconnected(sid: str) -> None:
    meeting_ids = list(db.session.scalars(select(LiveConnection.meeting_id).where(
        LiveConnection.sid == sid)))
    db.session.execute(delete(LiveConnection).where(LiveConnection.sid == sid))
    db.session.commit()
    for meeting_id in meeting_ids:
        _announce_presence(meeting_id)


def forget_connections_of(processes_gone: list[str]) -> None:
    if processes_gone:
        db.session.execute(delete(LiveConnection).where(
            LiveConnection.process.in_(processes_gone)))
        db.session.commit()


def _announce_presence(meeting_id: int) -> None:
    # Built when sent: 500 tablets rejoining make one O(N) read, not 500.
    events.announce(meeting_id, "live.presence", lambda: presence_json(meeting_id),
                    audience="staff")


def presence_json(meeting_id: int) -> dict:
    online = sorted(set(db.session.scalars(select(LiveConnection.delegate_id).where(
        LiveConnection.meeting_id == meeting_id, LiveConnection.delegate_id.is_not(None)))))
    return {"online_delegate_ids": online}


def events_since(actor: Actor, meeting_id: int, after_seq: int) -> list[LiveEvent]:
    meeting = _meeting(actor, meeting_id, STAFF)
    return list(db.session.scalars(select(LiveEvent).where(
        LiveEvent.meeting_id == meeting.id, LiveEvent.seq > after_seq).order_by(LiveEvent.seq)))

