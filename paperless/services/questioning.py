"""Questioning: slips, grouping, the live questioning turns, answers and the report."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import current_app
from sqlalchemy import select

from paperless import db, jobs, pdf
from paperless.domain import questioning as rules
from paperless.models import (
    Delegate,
    Meeting,
    MeetingInvitee,
    QuestionGroup,
    QuestioningState,
    QuestionSlip,
    SpeakerRequest,
)
from paperless.services import clock, hall, meeting_events
from paperless.services.access import STAFF, Actor
from paperless.services.documents import Rejected, store
from paperless.services.errors import Conflict, Forbidden, Invalid, NotFound
from paperless.services.meetings import get_meeting

KEEPERS = frozenset({"secretariat", "chair", "admin"})  # prepare and record questioning


def _now() -> datetime:
    return datetime.now(UTC)


def _record(actor: Actor, meeting, action: str, slip: QuestionSlip, details: dict) -> None:
    meeting_events.record(actor, meeting, action, ("question_slip", slip.id), details)


def state_of(meeting_id: int) -> QuestioningState:
    state = db.session.get(QuestioningState, meeting_id)
    if state is None:
        state = QuestioningState(meeting_id=meeting_id, filing_closed=False)
        db.session.add(state)
        db.session.flush()
    return state


def officials_of(meeting) -> list[MeetingInvitee]:
    return [i for i in meeting.invitees if i.kind == "official"]


def _official(meeting, official_id) -> MeetingInvitee:
    for invitee in officials_of(meeting):
        if invitee.id == official_id:
            return invitee
    raise Invalid("Người trả lời không có trong danh sách của kỳ họp.",
                  details={"official_id": "invalid"})


def _clean(text_value, limit: int, label: str, required: bool = True) -> str:
    if not isinstance(text_value, str):
        raise Invalid(f"{label} phải là chuỗi.")
    text_value = text_value.strip()
    if required and not text_value:
        raise Invalid(f"{label} không được để trống.")
    if len(text_value) > limit:
        raise Invalid(f"{label} tối đa {limit} ký tự.")
    return text_value


def file_slip(actor: Actor, meeting_id: int, *, official_id: int, topic: str, text: str,
              petition: str = "", delegate_id: int | None = None) -> QuestionSlip:
    """A delegate files in their own name; the secretariat enters a paper slip for a delegate."""
    meeting = get_meeting(actor, meeting_id)
    roles = actor.roles_in(meeting.council_id)
    if delegate_id is None:
        delegate_id = actor.delegate_ids.get(meeting.council_id)
        if delegate_id is None or "delegate" not in roles:
            raise Forbidden("Chỉ đại biểu được gửi phiếu chất vấn.", code="not_a_delegate")
        source = "tablet"
    else:
        if not (roles & KEEPERS or actor.is_superuser):
            raise Forbidden("Chỉ Văn phòng nhập phiếu chất vấn bằng giấy.")
        source = "paper"
    delegate = db.session.get(Delegate, delegate_id)
    if delegate is None or delegate.term_id != meeting.term_id:
        raise Invalid("Đại biểu không thuộc nhiệm kỳ của kỳ họp.", code="invalid_delegate")
    if meeting.status == "closed":
        raise Conflict("Kỳ họp đã bế mạc.", code="meeting_closed")
    if source == "tablet" and state_of(meeting.id).filing_closed:
        raise Conflict("Văn phòng đã khóa việc gửi phiếu chất vấn.", code="filing_closed")
    slip = QuestionSlip(
        meeting_id=meeting.id, delegate_id=delegate.id,
        official_id=_official(meeting, official_id).id,
        topic=_clean(topic, 200, "Lĩnh vực", required=False),
        text=_clean(text, 5000, "Nội dung chất vấn"),
        petition=_clean(petition, 2000, "Kiến nghị cử tri", required=False),
        source=source, entered_by=actor.user_id, status="filed")
    db.session.add(slip)
    db.session.flush()
    _record(actor, meeting, "question.filed", slip,
            {"delegate_id": delegate.id, "official_id": slip.official_id, "source": source})
    db.session.commit()
    return slip


def get_slip(actor: Actor, slip_id: int) -> tuple[QuestionSlip, object]:
    slip = db.session.get(QuestionSlip, slip_id)
    if slip is None:
        raise NotFound("Không tìm thấy phiếu chất vấn.")
    meeting = get_meeting(actor, slip.meeting_id)
    if not _may_see(actor, meeting, slip):
        raise NotFound("Không tìm thấy phiếu chất vấn.")
    return slip, meeting


def _may_see(actor: Actor, meeting, slip: QuestionSlip) -> bool:
    roles = actor.roles_in(meeting.council_id)
    if actor.is_superuser or roles & STAFF:
        return True
    if "delegate" in roles and actor.delegate_ids.get(meeting.council_id) in _authors(slip):
        return True
    if "official" in roles:
        return slip.official_id in _my_invitee_ids(actor, meeting)
    return False


def _my_invitee_ids(actor: Actor, meeting) -> set[int]:
    return {i.id for i in officials_of(meeting) if i.user_id == actor.user_id}


def _authors(slip: QuestionSlip) -> list[int]:
    """The slip's delegate and the delegates of every slip merged into it."""
    merged = db.session.scalars(select(QuestionSlip.delegate_id).where(
        QuestionSlip.merged_into_id == slip.id)).all()
    return [slip.delegate_id, *[d for d in merged if d != slip.delegate_id]]


def edit_slip(actor: Actor, slip_id: int, *, topic: str, text: str, official_id: int) -> QuestionSlip:
    slip, meeting = get_slip(actor, slip_id)
    if actor.delegate_ids.get(meeting.council_id) != slip.delegate_id:
        raise Forbidden("Chỉ người gửi được sửa phiếu chất vấn.")
    if state_of(meeting.id).filing_closed or slip.status not in rules.EDITABLE:
        raise Conflict("Phiếu không còn sửa được.", code="filing_closed")
    slip.topic = _clean(topic, 200, "Lĩnh vực", required=False)
    slip.text = _clean(text, 5000, "Nội dung chất vấn")
    slip.official_id = _official(meeting, official_id).id
    slip.updated_at = _now()
    db.session.commit()
    return slip


def withdraw_slip(actor: Actor, slip_id: int) -> QuestionSlip:
    slip, meeting = get_slip(actor, slip_id)
    if actor.delegate_ids.get(meeting.council_id) != slip.delegate_id:
        raise Forbidden("Chỉ người gửi được rút phiếu chất vấn.")
    if slip.status not in ("filed", "grouped"):
        raise Conflict("Phiếu không còn rút được.", code="not_withdrawable")
    slip.status, slip.updated_at = "withdrawn", _now()
    _record(actor, meeting, "question.withdrawn", slip, {})
    db.session.commit()
    return slip


def set_filing(actor: Actor, meeting_id: int, closed: bool) -> None:
    meeting = get_meeting(actor, meeting_id, KEEPERS)
    state_of(meeting.id).filing_closed = bool(closed)
    meeting_events.record(actor, meeting, "questioning.filing", ("meeting", meeting.id),
                {"closed": bool(closed)})
    db.session.commit()


def list_slips(actor: Actor, meeting_id: int) -> list[QuestionSlip]:
    """What the actor may see: staff everything, a delegate their own, an official what is
    addressed to them, a guest nothing (guests see what the hall screen shows)."""
    meeting = get_meeting(actor, meeting_id)
    slips = db.session.scalars(select(QuestionSlip).where(
        QuestionSlip.meeting_id == meeting.id).order_by(QuestionSlip.id)).all()
    return [s for s in slips if _may_see(actor, meeting, s)]


def merge(actor: Actor, keep_id: int, duplicate_ids: list[int]) -> QuestionSlip:
    keep, meeting = get_slip(actor, keep_id)
    get_meeting(actor, meeting.id, KEEPERS)
    for dup_id in duplicate_ids:
        if dup_id == keep.id:
            continue
        dup, _ = get_slip(actor, dup_id)
        if dup.meeting_id != meeting.id or dup.status in ("merged", "withdrawn"):
            raise Invalid("Chỉ gộp được các phiếu còn hiệu lực của cùng kỳ họp.",
                          code="invalid_merge")
        dup.status, dup.merged_into_id, dup.updated_at = "merged", keep.id, _now()
        # slips merged into the duplicate follow it to the kept one
        for child in db.session.scalars(select(QuestionSlip).where(
                QuestionSlip.merged_into_id == dup.id)):
            child.merged_into_id = keep.id
    _record(actor, meeting, "question.merged", keep, {"merged": list(duplicate_ids)})
    db.session.commit()
    return keep


def create_group(actor: Actor, meeting_id: int, title: str) -> QuestionGroup:
    meeting = get_meeting(actor, meeting_id, KEEPERS)
    count = len(db.session.scalars(select(QuestionGroup.id).where(
        QuestionGroup.meeting_id == meeting.id)).all())
    group = QuestionGroup(meeting_id=meeting.id, title=_clean(title, 300, "Tên nhóm vấn đề"),
                          position=count)
    db.session.add(group)
    db.session.flush()
    meeting_events.record(actor, meeting, "questioning.group_created", ("question_group", group.id),
                {"title": group.title})
    db.session.commit()
    _announce_groups(meeting)
    return group


def _announce_groups(meeting) -> None:
    """The console sees a new group (or a slip put in one) without a reload."""
    from paperless.services import events

    groups = [{"id": g.id, "title": g.title, "status": g.status}
              for g in db.session.scalars(select(QuestionGroup).where(
                  QuestionGroup.meeting_id == meeting.id)
                  .order_by(QuestionGroup.position, QuestionGroup.id))]
    events.announce(meeting.id, "questioning.groups", {"groups": groups}, audience="staff")


def list_groups(actor: Actor, meeting_id: int) -> list[QuestionGroup]:
    meeting = get_meeting(actor, meeting_id)
    return list(db.session.scalars(select(QuestionGroup).where(
        QuestionGroup.meeting_id == meeting.id).order_by(QuestionGroup.position,
                                                         QuestionGroup.id)))


def assign_to_group(actor: Actor, slip_id: int, group_id: int | None) -> QuestionSlip:
    slip, meeting = get_slip(actor, slip_id)
    get_meeting(actor, meeting.id, KEEPERS)
    if group_id is not None:
        group = db.session.get(QuestionGroup, group_id)
        if group is None or group.meeting_id != meeting.id:
            raise Invalid("Nhóm vấn đề không thuộc kỳ họp này.", code="invalid_group")
    if slip.status not in ("filed", "grouped"):
        raise Conflict("Phiếu này không còn xếp nhóm được.", code="not_groupable")
    slip.group_id = group_id
    slip.status = "grouped" if group_id else "filed"
    slip.updated_at = _now()
    _record(actor, meeting, "question.grouped", slip, {"group_id": group_id})
    db.session.commit()
    _announce_groups(meeting)
    return slip


# --- live -------------------------------------------------------------------

def _slip_public(slip: QuestionSlip) -> dict:
    names = dict(db.session.execute(select(Delegate.id, Delegate.full_name).where(
        Delegate.id.in_(_authors(slip)))).all())
    official = db.session.get(MeetingInvitee, slip.official_id)
    return {"id": slip.id, "topic": slip.topic, "text": slip.text,
            "authors": [names[d] for d in _authors(slip) if d in names],
            "official": {"id": official.id, "name": official.full_name, "title": official.title}}


def group_public(group: QuestionGroup) -> dict:
    slips = db.session.scalars(select(QuestionSlip).where(
        QuestionSlip.group_id == group.id, QuestionSlip.status.notin_(("merged", "withdrawn")))
        .order_by(QuestionSlip.id)).all()
    return {"id": group.id, "title": group.title, "status": group.status,
            "slips": [_slip_public(s) for s in slips]}


def open_group(actor: Actor, group_id: int, meeting_id: int | None = None) -> dict:
    """Open a question group; with `meeting_id`, only a group of that meeting."""
    group = db.session.get(QuestionGroup, group_id)
    if group is None or (meeting_id is not None and group.meeting_id != meeting_id):
        raise NotFound("Không tìm thấy nhóm vấn đề.")
    meeting = get_meeting(actor, group.meeting_id, meeting_events.OPERATORS)
    state = state_of(meeting.id)
    if state.current_group_id and state.current_group_id != group.id:
        previous = db.session.get(QuestionGroup, state.current_group_id)
        previous.status = "done"
    group.status, group.opened_at = "open", _now()
    state.current_group_id = group.id
    meeting_events.record(actor, meeting, "questioning.group_opened", ("question_group", group.id),
                {"title": group.title})
    dismissed = hall.dismiss_result(meeting, meeting_events.state_for(meeting))
    return meeting_events.commit_and_announce(meeting, "questioning.group",
                                    {"group": group_public(group),
                                     "dismissed_vote_id": dismissed}, actor)


def close_group(actor: Actor, meeting_id: int) -> dict:
    meeting = get_meeting(actor, meeting_id, meeting_events.OPERATORS)
    state = state_of(meeting.id)
    if state.current_group_id is None:
        raise Conflict("Chưa mở nhóm vấn đề nào.", code="no_group_open")
    db.session.get(QuestionGroup, state.current_group_id).status = "done"
    meeting_events.record(actor, meeting, "questioning.group_closed",
                ("question_group", state.current_group_id), {})
    state.current_group_id = None
    return meeting_events.commit_and_announce(meeting, "questioning.group", {"group": None}, actor)


def current_group(meeting_id: int) -> dict | None:
    state = db.session.get(QuestioningState, meeting_id)
    if state is None or state.current_group_id is None:
        return None
    return group_public(db.session.get(QuestionGroup, state.current_group_id))


def current_group_id(meeting_id: int) -> int | None:
    state = db.session.get(QuestioningState, meeting_id)
    return state.current_group_id if state else None


def invite_answer(actor: Actor, meeting_id: int, official_id: int) -> dict:
    """After a question, the chair invites the official to answer: the answer timer starts."""
    meeting = get_meeting(actor, meeting_id, meeting_events.OPERATORS)
    official = _official(meeting, official_id)
    turn = db.session.scalar(select(SpeakerRequest).where(
        SpeakerRequest.meeting_id == meeting.id, SpeakerRequest.status == "speaking"))
    if turn is None or turn.kind not in ("question", "follow_up"):
        raise Conflict("Chưa có đại biểu đang chất vấn.", code="no_question")
    turn.answer_official_id = official.id
    turn.answer_started_at = _now()
    turn.answer_limit_seconds = current_app.config["ANSWER_SECONDS"]
    meeting_events.record(actor, meeting, "questioning.answer_invited", ("speaker_request", turn.id),
                {"official_id": official.id, "official": official.full_name})
    return meeting_events.commit_and_announce(meeting, "live.queue", hall.queue_json(meeting), actor)


# --- answers ----------------------------------------------------------------

def record_answer(actor: Actor, slip_id: int, *, mode: str, answered_by_id: int | None = None,
                  summary: str = "", deadline: date | None = None) -> QuestionSlip:
    """The secretariat records the answer given at the session, or that it will be written."""
    slip, meeting = get_slip(actor, slip_id)
    get_meeting(actor, meeting.id, KEEPERS)
    if slip.status not in rules.OPEN_FOR_ANSWER:
        raise Conflict("Phiếu này không còn chờ trả lời.", code="not_open_for_answer")
    if mode == "session":
        slip.answered_by_id = _official(meeting, answered_by_id or slip.official_id).id
        slip.answer_summary = _clean(summary, 5000, "Tóm tắt trả lời")
        slip.status = "answered_session"
    elif mode == "written":
        slip.answered_by_id = slip.official_id
        slip.written_deadline = deadline or rules.written_deadline(clock.today(meeting.council_id))
        slip.status = "written_pending"
    else:
        raise Invalid("Hình thức trả lời không hợp lệ.", details={"mode": ["session", "written"]})
    slip.updated_at = _now()
    _record(actor, meeting, "question.answered" if mode == "session"
            else "question.written_pending", slip,
            {"answered_by_id": slip.answered_by_id, "summary": slip.answer_summary,
             "deadline": slip.written_deadline})
    db.session.commit()
    return slip


def upload_written_answer(actor: Actor, slip_id: int, data: bytes, filename: str) -> QuestionSlip:
    """The official addressed (or the secretariat) uploads the written answer as a PDF."""
    slip, meeting = get_slip(actor, slip_id)
    roles = actor.roles_in(meeting.council_id)
    mine = slip.official_id in _my_invitee_ids(actor, meeting)
    if not (mine or roles & KEEPERS or actor.is_superuser):
        raise Forbidden("Chỉ người được chất vấn hoặc Văn phòng được tải trả lời lên.")
    if slip.status != "written_pending":
        raise Conflict("Câu hỏi này không chờ trả lời bằng văn bản.", code="not_written_pending")
    try:
        info = jobs.inspect(data, max_bytes=current_app.config["MAX_DOCUMENT_BYTES"])
    except pdf.PdfRejected as exc:
        raise Rejected(f"{filename or 'Tệp'}: {exc.message_vi}", code=exc.code) from exc
    sha, _new = store().put(data)
    slip.written_answer_sha = sha
    slip.written_answered_at = _now()
    slip.answer_summary = slip.answer_summary or (info.title or "")
    slip.status = "written_answered"
    slip.updated_at = _now()
    _record(actor, meeting, "question.written_answered", slip, {"sha256": sha})
    db.session.commit()
    return slip


def written_answer_path(actor: Actor, slip_id: int):
    slip, _meeting = get_slip(actor, slip_id)
    if not slip.written_answer_sha:
        raise NotFound("Chưa có trả lời bằng văn bản.")
    return store().path(slip.written_answer_sha)


def slip_view(slip: QuestionSlip, today: date | None = None) -> dict:
    if today is None:
        meeting = db.session.get(Meeting, slip.meeting_id)
        today = clock.today(meeting.council_id if meeting else None)
    data = _slip_public(slip)
    answered_by = db.session.get(MeetingInvitee, slip.answered_by_id) if slip.answered_by_id \
        else None
    data.update({
        "status": slip.status, "status_label": rules.STATES[slip.status], "source": slip.source,
        "petition": slip.petition, "group_id": slip.group_id,
        "merged_into_id": slip.merged_into_id, "answer_summary": slip.answer_summary,
        "answered_by": answered_by.full_name if answered_by else "",
        "written_deadline": slip.written_deadline.isoformat() if slip.written_deadline else None,
        "written_answer_url": (f"/api/v1/question-slips/{slip.id}/written-answer"
                               if slip.written_answer_sha else None),
        "overdue": rules.is_overdue(slip.status, slip.written_deadline, today),
        "created_at": slip.created_at.isoformat()})
    return data


def report(actor: Actor, meeting_id: int):
    """The questioning report (staff): every question with its authors, official and answer."""
    from paperless.reports.questioning import QuestioningReport, QuestionRow

    meeting = get_meeting(actor, meeting_id, KEEPERS)
    groups = {g.id: g.title for g in list_groups(actor, meeting.id)}
    rows = []
    today = clock.today(meeting.council_id)
    for number, slip in enumerate(
            (s for s in list_slips(actor, meeting.id) if s.status != "merged"), start=1):
        view = slip_view(slip, today)
        official = view["official"]
        rows.append(QuestionRow(
            number=number, group=groups.get(slip.group_id, ""), topic=slip.topic,
            authors=view["authors"],
            official=f"{official['name']} — {official['title']}" if official["title"]
            else official["name"],
            text=slip.text, state=slip.status, state_label=view["status_label"],
            answer_summary=slip.answer_summary, answered_by=view["answered_by"],
            written_deadline=slip.written_deadline,
            written_answered_on=slip.written_answered_at.date() if slip.written_answered_at
            else None,
            overdue=view["overdue"]))
    return QuestioningReport(council=meeting.council.name, meeting=meeting.title,
                             generated_at=_now(), rows=rows,
                             time_zone=meeting.council.time_zone)
