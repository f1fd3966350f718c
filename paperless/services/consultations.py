"""Written consultation between sessions (lấy ý kiến đại biểu bằng văn bản): the standing
committee sends a draft to every delegate with a deadline; each answers agree / disagree /
an opinion; the result is counted against N, like a vote."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from paperless import db
from paperless.domain import clock
from paperless.domain import opinions as rules
from paperless.domain.council_time import end_of_day_utc, format_local
from paperless.models import Consultation, ConsultationAnswer, Delegate, Document
from paperless.services import audit, events
from paperless.services.access import Actor
from paperless.services.delegates import total_delegates_on
from paperless.services.documents import get_document
from paperless.services.errors import Conflict, Forbidden, Invalid, NotFound
from paperless.services.meetings import get_meeting

SENDERS = frozenset({"secretariat", "chair", "admin"})  # on behalf of the standing committee


def _now() -> datetime:
    return datetime.now(UTC)


def _today(council) -> date:
    return clock.today(getattr(council, "time_zone", None), _now())


def send(actor: Actor, document_id: int, *, title: str, deadline: date) -> Consultation:
    document = get_document(actor, document_id)
    meeting = get_meeting(actor, document.meeting_id, SENDERS)
    if document.published_at is None:
        raise Conflict("Phát hành dự thảo cho đại biểu trước khi lấy ý kiến.",
                       code="document_not_published")
    title = " ".join((title or "").split())[:500] or f"Lấy ý kiến về {document.title}"
    if not isinstance(deadline, date):
        raise Invalid("Hạn trả lời phải là ngày.", details={"deadline": "required"})
    today = _today(meeting.council)
    if deadline < today:
        raise Invalid("Hạn trả lời không được trước hôm nay.", details={"deadline": "past"})
    consultation = Consultation(
        council_id=meeting.council_id, meeting_id=meeting.id, document_id=document.id,
        title=title, deadline=end_of_day_utc(deadline, meeting.council), status="open",
        # N on the day it is sent, like a vote keeps N of the day it opened
        total_delegates=total_delegates_on(meeting.term_id, today), created_by=actor.user_id)
    db.session.add(consultation)
    db.session.flush()
    audit.record(actor, "consultation.sent", council_id=meeting.council_id,
                 meeting_id=meeting.id, subject=("consultation", consultation.id),
                 details={"document_id": document.id, "deadline": deadline,
                          "total": consultation.total_delegates})
    db.session.commit()
    # Live to every delegate's tablet or phone that follows the meeting (and the staff);
    # guests, officials and the hall screen are not asked.
    events.announce(meeting.id, "consultation.sent", {"consultation": {
        "id": consultation.id, "title": consultation.title, "document_id": document.id,
        "document_title": document.title, "deadline": consultation.deadline.isoformat(),
        "deadline_local": format_local(consultation.deadline, meeting.council),
        "total": consultation.total_delegates,
        "url": f"/meetings/{meeting.id}/consultations#consultation-{consultation.id}"}},
        audience="voters")
    return consultation


def get(actor: Actor, consultation_id: int) -> tuple[Consultation, object]:
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise NotFound("Không tìm thấy đợt lấy ý kiến.")
    meeting = get_meeting(actor, consultation.meeting_id)
    roles = actor.roles_in(meeting.council_id)
    if not (actor.is_superuser or roles & (SENDERS | {"delegate"})):
        raise Forbidden("Bạn không có quyền xem đợt lấy ý kiến này.")
    return consultation, meeting


def list_for(actor: Actor, meeting_id: int) -> list[Consultation]:
    meeting = get_meeting(actor, meeting_id)
    roles = actor.roles_in(meeting.council_id)
    if not (actor.is_superuser or roles & (SENDERS | {"delegate"})):
        raise Forbidden("Bạn không có quyền xem việc lấy ý kiến.")
    return list(db.session.scalars(select(Consultation).where(
        Consultation.meeting_id == meeting.id).order_by(Consultation.id.desc())))


def respond(actor: Actor, consultation_id: int, *, choice: str, text: str = "") -> dict:
    """A delegate's answer; answering again before the deadline replaces the earlier one."""
    consultation, meeting = get(actor, consultation_id)
    delegate_id = actor.votes_in(meeting.council_id)
    if delegate_id is None:
        raise Forbidden("Chỉ đại biểu trả lời phiếu lấy ý kiến.", code="not_a_delegate")
    delegate = db.session.get(Delegate, delegate_id)
    if delegate.current_status != "active":
        raise Forbidden("Đại biểu không còn đương nhiệm.", code="delegate_inactive")
    if consultation.status != "open" or _now() > consultation.deadline:
        raise Conflict("Đã hết hạn trả lời.", code="consultation_closed")
    if choice not in rules.CHOICES:
        raise Invalid("Lựa chọn không hợp lệ.", code="invalid_choice",
                      details={"choice": list(rules.CHOICES)})
    if not isinstance(text, str) or len(text) > 5000:
        raise Invalid("Ý kiến tối đa 5000 ký tự.")
    text = text.strip()
    if choice == "opinion" and not text:
        raise Invalid("Ghi nội dung ý kiến.", details={"text": "required"})
    row = db.session.scalar(select(ConsultationAnswer).where(
        ConsultationAnswer.consultation_id == consultation.id,
        ConsultationAnswer.delegate_id == delegate_id))
    if row is None:
        row = ConsultationAnswer(consultation_id=consultation.id, delegate_id=delegate_id,
                                 choice=choice, text=text)
        db.session.add(row)
    row.choice, row.text, row.answered_at = choice, text, _now()
    audit.record(actor, "consultation.answered", council_id=meeting.council_id,
                 meeting_id=meeting.id, subject=("consultation", consultation.id),
                 details={"delegate_id": delegate_id, "choice": choice})
    db.session.commit()
    return {"consultation_id": consultation.id, "choice": choice,
            "answered_at": row.answered_at.isoformat()}


def tally(consultation: Consultation) -> rules.ConsultationResult:
    choices = db.session.scalars(select(ConsultationAnswer.choice).where(
        ConsultationAnswer.consultation_id == consultation.id)).all()
    return rules.tally_consultation(choices, consultation.total_delegates)


def close(actor: Actor, consultation_id: int) -> Consultation:
    consultation, meeting = get(actor, consultation_id)
    get_meeting(actor, meeting.id, SENDERS)
    if consultation.status != "open":
        raise Conflict("Đợt lấy ý kiến đã kết thúc.", code="consultation_closed")
    result = tally(consultation).as_dict()
    consultation.status, consultation.result, consultation.closed_at = "closed", result, _now()
    audit.record(actor, "consultation.closed", council_id=meeting.council_id,
                 meeting_id=meeting.id, subject=("consultation", consultation.id),
                 details={"counts": result["counts"], "total": result["total"],
                          "passed": result["passed"]})
    db.session.commit()
    return consultation


def view(actor: Actor, consultation: Consultation) -> dict:
    meeting = get_meeting(actor, consultation.meeting_id)
    document = db.session.get(Document, consultation.document_id)
    data = {"id": consultation.id, "title": consultation.title,
            "document_id": consultation.document_id, "document_title": document.title,
            "deadline": consultation.deadline.isoformat(),
            "deadline_local": format_local(consultation.deadline, meeting.council),
            "status": consultation.status, "total": consultation.total_delegates}
    delegate_id = actor.votes_in(meeting.council_id)
    if delegate_id is not None:
        mine = db.session.scalar(select(ConsultationAnswer).where(
            ConsultationAnswer.consultation_id == consultation.id,
            ConsultationAnswer.delegate_id == delegate_id))
        data["mine"] = {"choice": mine.choice, "text": mine.text} if mine else None
    if actor.is_superuser or actor.has(meeting.council_id, SENDERS):
        data["result"] = consultation.result or tally(consultation).as_dict()
        data["opinions"] = [
            {"name": db.session.get(Delegate, a.delegate_id).full_name, "text": a.text}
            for a in db.session.scalars(select(ConsultationAnswer).where(
                ConsultationAnswer.consultation_id == consultation.id,
                ConsultationAnswer.text != "").order_by(ConsultationAnswer.id))]
    elif consultation.result:
        data["result"] = consultation.result
    return data
