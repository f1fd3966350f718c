"""The oversight cycle: responsible bodies, commitments (from answers, hearings and
supervision), supervision missions, meetings with voters and their petitions, citizen
receptions and citizens' petitions.

Who may do what (checked here, before any input is read):
- the council's staff (secretariat, chair, admin) record, forward and see everything,
  citizens' personal data included;
- a delegate records meetings with voters of their own group and their own receptions,
  and reads the council's commitments and voters' petitions (never citizens' data);
- an official sees and answers only what is addressed to a body they belong to;
- only the chair puts an unfulfilled commitment on a later meeting's agenda.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from paperless import db, pdf
from paperless.domain import meetings as meeting_rules
from paperless.domain import oversight as rules
from paperless.models import (
    AgendaItem,
    BodyMember,
    CitizenPetition,
    CitizenReception,
    Commitment,
    CommitmentReport,
    Committee,
    Council,
    Delegate,
    DelegateGroup,
    Meeting,
    QuestionSlip,
    ResponsibleBody,
    SupervisionMission,
    User,
    VoterMeeting,
    VoterPetition,
)
from paperless.services import audit
from paperless.services.access import MANAGERS, STAFF, Actor, require
from paperless.services.documents import Rejected, store
from paperless.services.errors import Conflict, Forbidden, Invalid, NotFound

READERS = STAFF | {"delegate", "official"}
ANSWERED_SLIPS = frozenset({"answered_session", "written_pending", "written_answered"})
DEFAULT_ANSWER_DAYS = 30  # a forwarded petition's default deadline


def _now() -> datetime:
    """This instant; tests move it. Every date below comes from it through council_today."""
    return datetime.now(UTC)


def today_of(council: Council) -> date:
    return rules.council_today(council, _now())


# --- input, checked after the actor's rights --------------------------------------------

def _text(value, label: str, limit: int, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(f"{label} phải là chuỗi.")
    value = value.strip()
    if required and not value:
        raise Invalid(f"{label} không được để trống.", details={label: "required"})
    if len(value) > limit:
        raise Invalid(f"{label} tối đa {limit} ký tự.")
    return value


def _int(value, label: str, required: bool = True) -> int | None:
    if value is None or value == "":
        if required:
            raise Invalid(f"{label}: bắt buộc nhập.", details={label: "required"})
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() \
            and len(value.strip()) <= 9:
        return int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= db.ID_MAX:
        return value
    raise Invalid(f"{label}: phải là số nguyên không âm.", details={label: "type"})


def _date(value, label: str, required: bool = True) -> date | None:
    if isinstance(value, date):
        return value
    if value is None or value == "":
        if required:
            raise Invalid(f"{label}: bắt buộc nhập.", details={label: "required"})
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise Invalid(f"{label}: ngày không hợp lệ (YYYY-MM-DD).", details={label: "format"})


def _choice(value, choices: dict, label: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise Invalid(f"{label} không hợp lệ.", details={label: sorted(choices)})
    return value


def _ids(value, label: str) -> list[int]:
    if value is None or value == "":
        return []
    if not isinstance(value, list):
        raise Invalid(f"{label} phải là danh sách số.", details={label: "type"})
    return sorted({_int(v, label) for v in value})


def _pdf_upload(data, filename: str) -> str:
    if not isinstance(data, bytes | bytearray) or not data:
        raise Invalid("Hãy chọn tệp PDF minh chứng.", code="evidence_required")
    try:
        pdf.inspect_pdf(bytes(data), max_bytes=current_app.config["MAX_DOCUMENT_BYTES"])
    except pdf.PdfRejected as exc:
        raise Rejected(f"{filename or 'Tệp'}: {exc.message_vi}", code=exc.code) from exc
    sha, _new = store().put(bytes(data))
    return sha


# --- who is who --------------------------------------------------------------------------

def _council(actor: Actor, council_id: int, allowed=READERS) -> Council:
    council = db.session.get(Council, council_id)
    if council is None:
        raise NotFound("Không tìm thấy Hội đồng.")
    require(actor, council.id, allowed)
    return council


def _is_staff(actor: Actor, council_id: int) -> bool:
    return actor.is_superuser or actor.has(council_id, STAFF)


def my_body_ids(actor: Actor, council_id: int) -> set[int]:
    if actor.user_id is None or "official" not in actor.roles_in(council_id):
        return set()
    return set(db.session.scalars(select(BodyMember.body_id).join(
        ResponsibleBody, ResponsibleBody.id == BodyMember.body_id).where(
        BodyMember.user_id == actor.user_id, ResponsibleBody.council_id == council_id)))


def _official_only(actor: Actor, council_id: int) -> bool:
    """An official who is nothing more in this council: sees only their bodies' items."""
    return not _is_staff(actor, council_id) and "official" in actor.roles_in(council_id) \
        and "delegate" not in actor.roles_in(council_id)


def _may_answer(actor: Actor, council_id: int, body_id: int | None) -> bool:
    return _is_staff(actor, council_id) or (body_id is not None
                                            and body_id in my_body_ids(actor, council_id))


def _body(council_id: int, body_id) -> ResponsibleBody:
    body_id = _int(body_id, "Cơ quan giải quyết")
    body = db.session.get(ResponsibleBody, body_id)
    if body is None or body.council_id != council_id:
        raise Invalid("Cơ quan không thuộc Hội đồng này.", code="invalid_body")
    return body


def _record(actor: Actor, council_id: int, action: str, subject: tuple, details: dict,
            meeting_id: int | None = None) -> None:
    audit.record(actor, action, council_id=council_id, meeting_id=meeting_id, subject=subject,
                 details=details)


# --- responsible bodies --------------------------------------------------------------------

def list_bodies(actor: Actor, council_id: int) -> list[ResponsibleBody]:
    _council(actor, council_id)
    return list(db.session.scalars(select(ResponsibleBody).where(
        ResponsibleBody.council_id == council_id).order_by(ResponsibleBody.name)))


def create_body(actor: Actor, council_id: int, *, name) -> ResponsibleBody:
    council = _council(actor, council_id, MANAGERS)
    name = _text(name, "Tên cơ quan", 200)
    if db.session.scalar(select(ResponsibleBody.id).where(
            ResponsibleBody.council_id == council.id, ResponsibleBody.name == name)):
        raise Conflict("Cơ quan này đã có.", code="duplicate_body")
    body = ResponsibleBody(council_id=council.id, name=name)
    db.session.add(body)
    db.session.flush()
    _record(actor, council.id, "body.created", ("responsible_body", body.id), {"name": name})
    db.session.commit()
    return body


def add_body_member(actor: Actor, body_id: int, *, username) -> BodyMember:
    body = db.session.get(ResponsibleBody, body_id)
    if body is None:
        raise NotFound("Không tìm thấy cơ quan.")
    _council(actor, body.council_id, MANAGERS)
    username = _text(username, "Tên đăng nhập", 80)
    user = db.session.scalar(select(User).where(User.username == username))
    from paperless.models import RoleAssignment

    if user is None or not db.session.scalar(select(RoleAssignment.id).where(
            RoleAssignment.user_id == user.id, RoleAssignment.council_id == body.council_id,
            RoleAssignment.role == "official")):
        raise Invalid("Không có tài khoản người trả lời (official) này trong Hội đồng.",
                      code="invalid_user")
    member = db.session.get(BodyMember, (body.id, user.id))
    if member is None:
        member = BodyMember(body_id=body.id, user_id=user.id)
        db.session.add(member)
        _record(actor, body.council_id, "body.member_added", ("responsible_body", body.id),
                {"user_id": user.id})
        db.session.commit()
    return member


def body_names(council_id: int) -> dict[int, str]:
    return dict(db.session.execute(select(ResponsibleBody.id, ResponsibleBody.name).where(
        ResponsibleBody.council_id == council_id)).all())


# --- commitments ------------------------------------------------------------------------

def _visible_commitment(actor: Actor, c: Commitment) -> bool:
    if _official_only(actor, c.council_id):
        return c.body_id in my_body_ids(actor, c.council_id)
    return True


def list_commitments(actor: Actor, council_id: int) -> list[Commitment]:
    _council(actor, council_id)
    rows = db.session.scalars(select(Commitment).where(Commitment.council_id == council_id)
                              .order_by(Commitment.deadline, Commitment.id)).all()
    return [c for c in rows if _visible_commitment(actor, c)]


def get_commitment(actor: Actor, commitment_id: int) -> Commitment:
    c = db.session.get(Commitment, commitment_id)
    if c is None:
        raise NotFound("Không tìm thấy lời hứa.")
    _council(actor, c.council_id)
    if not _visible_commitment(actor, c):
        raise NotFound("Không tìm thấy lời hứa.")
    return c


def record_commitment(actor: Actor, council_id: int, *, source, text, body_id, deadline,
                      committed_by="", question_slip_id=None, meeting_id=None,
                      mission_id=None) -> Commitment:
    """The secretariat records what an official or agency committed to, and where."""
    council = _council(actor, council_id, STAFF)
    source = _choice(source, rules.COMMITMENT_SOURCES, "Nguồn")
    c = Commitment(council_id=council.id, source=source,
                   text=_text(text, "Nội dung lời hứa", 5000),
                   committed_by=_text(committed_by, "Người hứa", 200, required=False),
                   body_id=_body(council.id, body_id).id,
                   deadline=_date(deadline, "Hạn thực hiện"), status="open")
    meeting = None
    if source == "question":
        slip = db.session.get(QuestionSlip, _int(question_slip_id, "Phiếu chất vấn"))
        meeting = db.session.get(Meeting, slip.meeting_id) if slip else None
        if slip is None or meeting.council_id != council.id:
            raise Invalid("Phiếu chất vấn không thuộc Hội đồng.", code="invalid_slip")
        if slip.status not in ANSWERED_SLIPS:
            raise Conflict("Câu hỏi này chưa được trả lời.", code="not_answered")
        c.question_slip_id, c.meeting_id = slip.id, meeting.id
    elif source == "hearing":
        meeting = db.session.get(Meeting, _int(meeting_id, "Phiên giải trình"))
        if meeting is None or meeting.council_id != council.id:
            raise Invalid("Phiên họp không thuộc Hội đồng.", code="invalid_meeting")
        c.meeting_id = meeting.id
    else:
        mission = db.session.get(SupervisionMission, _int(mission_id, "Đoàn giám sát"))
        if mission is None or mission.council_id != council.id:
            raise Invalid("Đoàn giám sát không thuộc Hội đồng.", code="invalid_mission")
        c.mission_id = mission.id
    db.session.add(c)
    db.session.flush()
    _record(actor, council.id, "commitment.recorded", ("commitment", c.id),
            {"source": source, "body_id": c.body_id, "deadline": c.deadline,
             "question_slip_id": c.question_slip_id, "mission_id": c.mission_id},
            meeting_id=meeting.id if meeting else None)
    db.session.commit()
    return c


def report_progress(actor: Actor, commitment_id: int, *, text, completes=False,
                    evidence: bytes | None = None, filename: str = "") -> CommitmentReport:
    """The responsible body (or the secretariat for it) reports progress; completion needs
    an evidence document (a PDF), without which nothing is stored."""
    c = get_commitment(actor, commitment_id)
    if not _may_answer(actor, c.council_id, c.body_id):
        raise Forbidden("Chỉ cơ quan chịu trách nhiệm hoặc Văn phòng báo cáo tiến độ.")
    if c.status == "fulfilled":
        raise Conflict("Lời hứa đã được ghi nhận hoàn thành.", code="already_fulfilled")
    text = _text(text, "Nội dung báo cáo", 5000)
    completes = completes in (True, "1", "true", "on")
    sha = None
    if completes or evidence:
        if completes and not evidence:
            raise Invalid("Báo cáo hoàn thành phải kèm văn bản minh chứng (PDF).",
                          code="evidence_required")
        sha = _pdf_upload(evidence, filename)
    council = db.session.get(Council, c.council_id)
    today = today_of(council)
    report = CommitmentReport(commitment_id=c.id, reported_by=actor.user_id, reported_on=today,
                              text=text, completes=completes, evidence_sha=sha)
    db.session.add(report)
    if completes:
        c.status, c.fulfilled_on, c.evidence_sha = "fulfilled", today, sha
    db.session.flush()
    _record(actor, c.council_id, "commitment.fulfilled" if completes else "commitment.reported",
            ("commitment", c.id), {"report_id": report.id, "evidence_sha256": sha,
                                   "on": today})
    db.session.commit()
    return report


def reports_of(commitment_id: int) -> list[CommitmentReport]:
    return list(db.session.scalars(select(CommitmentReport).where(
        CommitmentReport.commitment_id == commitment_id).order_by(CommitmentReport.id)))


def put_on_agenda(actor: Actor, commitment_id: int, *, meeting_id) -> AgendaItem:
    """The chair puts an unfulfilled commitment on a later meeting's agenda (re-questioning
    or re-supervision); the agenda item names the commitment and where it began."""
    c = get_commitment(actor, commitment_id)
    if not (actor.is_superuser or "chair" in actor.roles_in(c.council_id)):
        raise Forbidden("Chỉ Chủ tọa đưa lời hứa vào chương trình kỳ họp.")
    meeting = db.session.get(Meeting, _int(meeting_id, "Kỳ họp"))
    if meeting is None or meeting.council_id != c.council_id:
        raise Invalid("Kỳ họp không thuộc Hội đồng.", code="invalid_meeting")
    if c.status == "fulfilled":
        raise Conflict("Lời hứa đã hoàn thành.", code="already_fulfilled")
    if c.followup_item_id is not None:
        raise Conflict("Lời hứa đã có trong chương trình một kỳ họp.", code="already_on_agenda")
    if not meeting_rules.agenda_editable(meeting.status) or meeting.id == c.meeting_id:
        raise Conflict("Chỉ đưa vào chương trình của một kỳ họp sau, chưa khai mạc.",
                       code="agenda_locked")
    origin = describe_origin(c)
    kind = "other" if c.source == "supervision" else "questioning"
    prefix = "Giám sát lại" if c.source == "supervision" else "Chất vấn lại"
    siblings = [i.position for i in meeting.agenda_items if i.parent_id is None]
    item = AgendaItem(title=f"{prefix}: {c.text}"[:500], kind=kind,
                      presenter=body_names(c.council_id).get(c.body_id, "")[:200],
                      position=max(siblings) + 1 if siblings else 0,
                      description=(f"Lời hứa số {c.id} ({origin}), hạn "
                                   f"{c.deadline:%d/%m/%Y}, chưa thực hiện.")[:5000])
    meeting.agenda_items.append(item)
    db.session.flush()
    c.followup_item_id = item.id
    _record(actor, c.council_id, "commitment.on_agenda", ("commitment", c.id),
            {"agenda_item_id": item.id, "title": item.title}, meeting_id=meeting.id)
    db.session.commit()
    return item


def describe_origin(c: Commitment) -> str:
    if c.source == "question" and c.question_slip_id:
        meeting = db.session.get(Meeting, c.meeting_id)
        return f"trả lời phiếu chất vấn số {c.question_slip_id}, {meeting.title}"
    if c.source == "hearing" and c.meeting_id:
        return db.session.get(Meeting, c.meeting_id).title
    if c.mission_id:
        return f"kiến nghị của đoàn giám sát “{db.session.get(SupervisionMission, c.mission_id).subject}”"
    return rules.COMMITMENT_SOURCES[c.source]


def commitment_view(c: Commitment, today: date) -> dict:
    state = rules.commitment_state(c.status, c.deadline, c.fulfilled_on, today)
    item = db.session.get(AgendaItem, c.followup_item_id) if c.followup_item_id else None
    return {"id": c.id, "source": c.source, "source_label": rules.COMMITMENT_SOURCES[c.source],
            "origin": describe_origin(c), "text": c.text, "committed_by": c.committed_by,
            "body_id": c.body_id, "body": body_names(c.council_id).get(c.body_id, ""),
            "deadline": c.deadline.isoformat(), "status": c.status, "state": state,
            "state_label": rules.COMMITMENT_OUTCOMES[state], "overdue": state == "overdue",
            "fulfilled_on": c.fulfilled_on.isoformat() if c.fulfilled_on else None,
            "question_slip_id": c.question_slip_id, "meeting_id": c.meeting_id,
            "mission_id": c.mission_id,
            "evidence_url": f"/api/v1/commitments/{c.id}/evidence" if c.evidence_sha else None,
            "followup": {"agenda_item_id": item.id, "meeting_id": item.meeting_id,
                         "title": item.title} if item else None,
            "reports": [{"id": r.id, "on": r.reported_on.isoformat(), "text": r.text,
                         "completes": r.completes} for r in reports_of(c.id)]}


def evidence_path(actor: Actor, commitment_id: int):
    c = get_commitment(actor, commitment_id)
    if not c.evidence_sha:
        raise NotFound("Chưa có văn bản minh chứng.")
    return store().path(c.evidence_sha)


def overdue_commitments(actor: Actor, council_id: int) -> list[Commitment]:
    """What the standing committee is warned about."""
    council = _council(actor, council_id)
    today = today_of(council)
    return [c for c in list_commitments(actor, council_id)
            if rules.commitment_state(c.status, c.deadline, c.fulfilled_on, today) == "overdue"]


# --- supervision ---------------------------------------------------------------------------

MISSION_READERS = STAFF | {"delegate"}  # officials follow recommendations as commitments


def list_missions(actor: Actor, council_id: int) -> list[SupervisionMission]:
    _council(actor, council_id, MISSION_READERS)
    return list(db.session.scalars(select(SupervisionMission).where(
        SupervisionMission.council_id == council_id).order_by(
        SupervisionMission.start_date.desc(), SupervisionMission.id.desc())))


def get_mission(actor: Actor, mission_id: int) -> SupervisionMission:
    m = db.session.get(SupervisionMission, mission_id)
    if m is None:
        raise NotFound("Không tìm thấy đoàn giám sát.")
    _council(actor, m.council_id, MISSION_READERS)
    return m


def create_mission(actor: Actor, council_id: int, *, by, subject, start_date, end_date=None,
                   supervised="", member_ids=None, committee_id=None, group_id=None,
                   previous_id=None, petition_id=None) -> SupervisionMission:
    council = _council(actor, council_id, STAFF)
    by = _choice(by, rules.MISSION_BY, "Chủ thể giám sát")
    m = SupervisionMission(council_id=council.id, by=by,
                           subject=_text(subject, "Nội dung giám sát", 500),
                           supervised=_text(supervised, "Đối tượng giám sát", 2000,
                                            required=False),
                           start_date=_date(start_date, "Ngày bắt đầu"),
                           end_date=_date(end_date, "Ngày kết thúc", required=False))
    if m.end_date and m.end_date < m.start_date:
        raise Invalid("Ngày kết thúc không được trước ngày bắt đầu.")
    if by == "committee":
        committee = db.session.get(Committee, _int(committee_id, "Ban"))
        if committee is None or committee.council_id != council.id:
            raise Invalid("Ban không thuộc Hội đồng.", code="invalid_committee")
        m.committee_id = committee.id
    if by == "group":
        group = db.session.get(DelegateGroup, _int(group_id, "Tổ đại biểu"))
        if group is None or group.council_id != council.id:
            raise Invalid("Tổ đại biểu không thuộc Hội đồng.", code="invalid_group")
        m.group_id = group.id
    members = _ids(member_ids, "Thành viên")
    if members and len(db.session.scalars(select(Delegate.id).where(
            Delegate.id.in_(members), Delegate.council_id == council.id)).all()) != len(members):
        raise Invalid("Thành viên đoàn phải là đại biểu của Hội đồng.", code="invalid_member")
    m.member_ids = members
    previous_id = _int(previous_id, "Đoàn giám sát trước", required=False)
    if previous_id is not None:
        previous = db.session.get(SupervisionMission, previous_id)
        if previous is None or previous.council_id != council.id:
            raise Invalid("Đoàn giám sát trước không thuộc Hội đồng.", code="invalid_mission")
        m.previous_id = previous.id
    petition_id = _int(petition_id, "Kiến nghị cử tri", required=False)
    if petition_id is not None:
        petition = db.session.get(VoterPetition, petition_id)
        if petition is None or petition.council_id != council.id:
            raise Invalid("Kiến nghị không thuộc Hội đồng.", code="invalid_petition")
        m.petition_id = petition.id
    db.session.add(m)
    db.session.flush()
    _record(actor, council.id, "supervision.created", ("supervision_mission", m.id),
            {"by": by, "subject": m.subject, "previous_id": m.previous_id,
             "petition_id": m.petition_id, "members": members})
    db.session.commit()
    return m


def report_mission(actor: Actor, mission_id: int, *, conclusion, report: bytes | None = None,
                   filename: str = "") -> SupervisionMission:
    """The mission's report (PDF, optional) and its conclusions; recommendations are then
    added as commitments of source "supervision"."""
    m = get_mission(actor, mission_id)
    require(actor, m.council_id, STAFF)
    m.conclusion = _text(conclusion, "Kết luận giám sát", 10000)
    if report:
        m.report_sha = _pdf_upload(report, filename)
    _record(actor, m.council_id, "supervision.reported", ("supervision_mission", m.id),
            {"report_sha256": m.report_sha})
    db.session.commit()
    return m


def mission_view(m: SupervisionMission, today: date) -> dict:
    names = dict(db.session.execute(select(Delegate.id, Delegate.full_name).where(
        Delegate.id.in_(m.member_ids or []))).all()) if m.member_ids else {}
    unit = ""
    if m.committee_id:
        unit = db.session.get(Committee, m.committee_id).name
    elif m.group_id:
        unit = db.session.get(DelegateGroup, m.group_id).name
    recs = db.session.scalars(select(Commitment).where(Commitment.mission_id == m.id)
                              .order_by(Commitment.id)).all()
    later = db.session.scalars(select(SupervisionMission.id).where(
        SupervisionMission.previous_id == m.id)).all()
    return {"id": m.id, "by": m.by, "by_label": rules.MISSION_BY[m.by], "unit": unit,
            "subject": m.subject, "supervised": m.supervised,
            "members": [names[d] for d in m.member_ids or [] if d in names],
            "member_ids": m.member_ids or [],
            "start_date": m.start_date.isoformat(),
            "end_date": m.end_date.isoformat() if m.end_date else None,
            "conclusion": m.conclusion, "previous_id": m.previous_id,
            "resupervised_by": list(later), "petition_id": m.petition_id,
            "report_url": f"/api/v1/supervision/{m.id}/report" if m.report_sha else None,
            "recommendations": [commitment_view(c, today) for c in recs]}


def mission_report_path(actor: Actor, mission_id: int):
    m = get_mission(actor, mission_id)
    if not m.report_sha:
        raise NotFound("Chưa có báo cáo giám sát.")
    return store().path(m.report_sha)


# --- meetings with voters and voters' petitions -------------------------------------------

def _delegate_of(actor: Actor, council_id: int) -> Delegate | None:
    delegate_id = actor.delegate_ids.get(council_id)
    return db.session.get(Delegate, delegate_id) if delegate_id else None


def list_voter_meetings(actor: Actor, council_id: int) -> list[VoterMeeting]:
    _council(actor, council_id)
    return list(db.session.scalars(select(VoterMeeting).where(
        VoterMeeting.council_id == council_id).order_by(VoterMeeting.held_on.desc(),
                                                        VoterMeeting.id.desc())))


def record_voter_meeting(actor: Actor, council_id: int, *, group_id, held_on, place,
                         voters_present, delegate_ids=None, session_id=None,
                         petitions=()) -> VoterMeeting:
    """A delegate group's meeting with voters, with the petitions it received. A delegate
    records for their own group; the staff for any."""
    council = _council(actor, council_id, STAFF | {"delegate"})
    group = db.session.get(DelegateGroup, _int(group_id, "Tổ đại biểu"))
    if group is None or group.council_id != council.id:
        raise Invalid("Tổ đại biểu không thuộc Hội đồng.", code="invalid_group")
    me = None
    if not _is_staff(actor, council.id):
        me = _delegate_of(actor, council.id)
        if me is None or me.group_id != group.id:
            raise Forbidden("Đại biểu chỉ ghi nhận tiếp xúc cử tri của Tổ mình.",
                            code="not_your_group")
    present = _int(voters_present, "Số cử tri tham dự")
    if present > 100000:
        raise Invalid("Số cử tri tham dự không hợp lệ.")
    delegates = _ids(delegate_ids, "Đại biểu tham dự") or ([me.id] if me else [])
    if delegates and len(db.session.scalars(select(Delegate.id).where(
            Delegate.id.in_(delegates), Delegate.council_id == council.id)).all()) \
            != len(delegates):
        raise Invalid("Đại biểu tham dự phải thuộc Hội đồng.", code="invalid_delegate")
    vm = VoterMeeting(council_id=council.id, group_id=group.id,
                      held_on=_date(held_on, "Ngày tiếp xúc"), place=_text(place, "Địa điểm", 300),
                      voters_present=present, delegate_ids=delegates, recorded_by=actor.user_id)
    session_id = _int(session_id, "Kỳ họp", required=False)
    if session_id is not None:
        session = db.session.get(Meeting, session_id)
        if session is None or session.council_id != council.id:
            raise Invalid("Kỳ họp không thuộc Hội đồng.", code="invalid_meeting")
        vm.session_id = session.id
    if not isinstance(petitions, list | tuple):
        raise Invalid("Danh sách kiến nghị không hợp lệ.", details={"petitions": "type"})
    rows = [_petition_fields(p) for p in petitions]
    rows = [r for r in rows if r is not None]
    if len(rows) > 200:
        raise Invalid("Tối đa 200 kiến nghị mỗi lần.")
    db.session.add(vm)
    db.session.flush()
    made = [VoterPetition(council_id=council.id, voter_meeting_id=vm.id, text=t, field=f)
            for t, f in rows]
    db.session.add_all(made)
    db.session.flush()
    _record(actor, council.id, "voters.meeting_recorded", ("voter_meeting", vm.id),
            {"group_id": group.id, "held_on": vm.held_on, "voters_present": present,
             "petitions": [p.id for p in made]}, meeting_id=vm.session_id)
    db.session.commit()
    return vm


def _petition_fields(p) -> tuple[str, str] | None:
    if isinstance(p, str):
        p = {"text": p}
    if not isinstance(p, dict):
        raise Invalid("Mỗi kiến nghị là một đối tượng {text, field}.", details={"petitions": "type"})
    text = _text(p.get("text"), "Nội dung kiến nghị", 5000, required=False)
    if not text:
        return None
    return text, _choice(p.get("field") or "khac", rules.FIELDS, "Lĩnh vực")


def add_petition(actor: Actor, voter_meeting_id: int, *, text, field="khac") -> VoterPetition:
    vm = db.session.get(VoterMeeting, voter_meeting_id)
    if vm is None:
        raise NotFound("Không tìm thấy cuộc tiếp xúc cử tri.")
    _council(actor, vm.council_id, STAFF | {"delegate"})
    if not _is_staff(actor, vm.council_id):
        me = _delegate_of(actor, vm.council_id)
        if me is None or me.group_id != vm.group_id:
            raise Forbidden("Đại biểu chỉ ghi nhận kiến nghị của Tổ mình.", code="not_your_group")
    fields = _petition_fields({"text": text, "field": field})
    if fields is None:
        raise Invalid("Nội dung kiến nghị không được để trống.")
    petition = VoterPetition(council_id=vm.council_id, voter_meeting_id=vm.id, text=fields[0],
                             field=fields[1])
    db.session.add(petition)
    db.session.flush()
    _record(actor, vm.council_id, "petition.received", ("voter_petition", petition.id),
            {"voter_meeting_id": vm.id, "field": petition.field})
    db.session.commit()
    return petition


def list_petitions(actor: Actor, council_id: int, session_id: int | None = None
                   ) -> list[VoterPetition]:
    _council(actor, council_id)
    query = select(VoterPetition).where(VoterPetition.council_id == council_id)
    if session_id is not None:
        query = query.join(VoterMeeting, VoterMeeting.id == VoterPetition.voter_meeting_id) \
            .where(VoterMeeting.session_id == session_id)
    rows = db.session.scalars(query.order_by(VoterPetition.id)).all()
    if _official_only(actor, council_id):
        mine = my_body_ids(actor, council_id)
        rows = [p for p in rows if p.body_id in mine]
    return list(rows)


def _get_petition(actor: Actor, model, petition_id: int):
    petition = db.session.get(model, petition_id)
    if petition is None:
        raise NotFound("Không tìm thấy kiến nghị.")
    _council(actor, petition.council_id, STAFF | {"delegate", "official"})
    if _official_only(actor, petition.council_id) and \
            petition.body_id not in my_body_ids(actor, petition.council_id):
        raise NotFound("Không tìm thấy kiến nghị.")
    return petition


def _forward(actor: Actor, petition, *, body_id, deadline, action: str) -> None:
    require(actor, petition.council_id, STAFF)
    if petition.status == "answered":
        raise Conflict("Kiến nghị đã được trả lời.", code="already_answered")
    council = db.session.get(Council, petition.council_id)
    today = today_of(council)
    body = _body(council.id, body_id)
    deadline = _date(deadline, "Hạn trả lời", required=False) or \
        today + timedelta(days=DEFAULT_ANSWER_DAYS)
    if deadline < today:
        raise Invalid("Hạn trả lời không được trước hôm nay.", code="invalid_deadline")
    petition.body_id, petition.deadline = body.id, deadline
    petition.forwarded_on, petition.status = today, "forwarded"
    _record(actor, council.id, action, (petition.__tablename__, petition.id),
            {"body_id": body.id, "deadline": deadline, "on": today})
    db.session.commit()


def _answer(actor: Actor, petition, *, answer, action: str) -> None:
    if not _may_answer(actor, petition.council_id, petition.body_id):
        raise Forbidden("Chỉ cơ quan được chuyển kiến nghị hoặc Văn phòng ghi nhận trả lời.")
    if petition.status != "forwarded":
        raise Conflict("Kiến nghị chưa được chuyển hoặc đã trả lời.", code="not_forwarded")
    council = db.session.get(Council, petition.council_id)
    petition.answer = _text(answer, "Nội dung trả lời", 10000)
    petition.answered_on = today_of(council)
    petition.answered_by = actor.user_id
    petition.status = "answered"
    _record(actor, council.id, action, (petition.__tablename__, petition.id),
            {"on": petition.answered_on,
             "late": rules.is_late(petition.deadline, petition.answered_on)})
    db.session.commit()


def forward_petition(actor: Actor, petition_id: int, *, body_id, deadline=None) -> VoterPetition:
    petition = _get_petition(actor, VoterPetition, petition_id)
    _forward(actor, petition, body_id=body_id, deadline=deadline, action="petition.forwarded")
    return petition


def answer_petition(actor: Actor, petition_id: int, *, answer) -> VoterPetition:
    petition = _get_petition(actor, VoterPetition, petition_id)
    _answer(actor, petition, answer=answer, action="petition.answered")
    return petition


def petition_view(p: VoterPetition, today: date) -> dict:
    vm = db.session.get(VoterMeeting, p.voter_meeting_id)
    group = db.session.get(DelegateGroup, vm.group_id)
    outcome = rules.petition_outcome(p.status, p.deadline, p.answered_on, today)
    return {"id": p.id, "text": p.text, "field": p.field, "field_label": rules.FIELDS[p.field],
            "body_id": p.body_id, "body": body_names(p.council_id).get(p.body_id, ""),
            "status": p.status, "status_label": rules.PETITION_STATES[p.status],
            "outcome": outcome, "outcome_label": rules.PETITION_OUTCOMES[outcome],
            "overdue": outcome == "overdue", "late": outcome == "late",
            "forwarded_on": _iso(p.forwarded_on), "deadline": _iso(p.deadline),
            "answer": p.answer, "answered_on": _iso(p.answered_on),
            "voter_meeting": {"id": vm.id, "held_on": vm.held_on.isoformat(), "place": vm.place,
                              "group": group.name, "voters_present": vm.voters_present,
                              "session_id": vm.session_id}}


def voter_meeting_view(vm: VoterMeeting) -> dict:
    names = dict(db.session.execute(select(Delegate.id, Delegate.full_name).where(
        Delegate.id.in_(vm.delegate_ids or []))).all()) if vm.delegate_ids else {}
    count = len(db.session.scalars(select(VoterPetition.id).where(
        VoterPetition.voter_meeting_id == vm.id)).all())
    return {"id": vm.id, "group_id": vm.group_id,
            "group": db.session.get(DelegateGroup, vm.group_id).name,
            "held_on": vm.held_on.isoformat(), "place": vm.place,
            "voters_present": vm.voters_present, "session_id": vm.session_id,
            "delegates": [names[d] for d in vm.delegate_ids or [] if d in names],
            "petitions": count}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def petition_report(actor: Actor, meeting_id: int):
    """Báo cáo kết quả giải quyết kiến nghị cử tri for a session: every petition gathered
    for it, its body and its state."""
    from paperless.reports.petitions import PetitionReport, PetitionRow

    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("Không tìm thấy kỳ họp.")
    council = _council(actor, meeting.council_id, STAFF)
    today = today_of(council)
    rows = []
    for number, p in enumerate(list_petitions(actor, council.id, session_id=meeting.id), 1):
        view = petition_view(p, today)
        vm = view["voter_meeting"]
        rows.append(PetitionRow(
            number=number, text=p.text, field=view["field_label"], group=vm["group"],
            received=f"{date.fromisoformat(vm['held_on']):%d/%m/%Y}, {vm['place']}",
            body=view["body"], deadline=p.deadline, answered_on=p.answered_on,
            state=view["outcome"], state_label=view["outcome_label"], answer=p.answer))
    return PetitionReport(council=council.name, meeting=meeting.title, generated_on=today,
                          rows=rows)


# --- citizen receptions and citizens' petitions ---------------------------------------------

def list_receptions(actor: Actor, council_id: int) -> list[CitizenReception]:
    _council(actor, council_id, STAFF | {"delegate"})
    query = select(CitizenReception).where(CitizenReception.council_id == council_id)
    if not _is_staff(actor, council_id):
        query = query.where(CitizenReception.delegate_id == actor.delegate_ids.get(council_id))
    return list(db.session.scalars(query.order_by(CitizenReception.held_on.desc(),
                                                  CitizenReception.id.desc())))


def record_reception(actor: Actor, council_id: int, *, receiver, held_on, delegate_id=None,
                     place="", citizens=0, notes="") -> CitizenReception:
    council = _council(actor, council_id, STAFF | {"delegate"})
    receiver = _choice(receiver, rules.RECEIVERS, "Người tiếp")
    staff = _is_staff(actor, council.id)
    if receiver == "standing" and not staff:
        raise Forbidden("Chỉ Thường trực, Văn phòng ghi nhận tiếp công dân của Thường trực.")
    reception = CitizenReception(
        council_id=council.id, receiver=receiver, held_on=_date(held_on, "Ngày tiếp"),
        place=_text(place, "Địa điểm", 300, required=False),
        citizens=_int(citizens or 0, "Số lượt công dân"),
        notes=_text(notes, "Ghi chú", 5000, required=False), recorded_by=actor.user_id)
    if receiver == "delegate":
        if staff:
            delegate = db.session.get(Delegate, _int(delegate_id, "Đại biểu"))
        else:
            delegate = _delegate_of(actor, council.id)
        if delegate is None or delegate.council_id != council.id:
            raise Invalid("Đại biểu không thuộc Hội đồng.", code="invalid_delegate")
        reception.delegate_id = delegate.id
    db.session.add(reception)
    db.session.flush()
    _record(actor, council.id, "reception.recorded", ("citizen_reception", reception.id),
            {"receiver": receiver, "delegate_id": reception.delegate_id,
             "held_on": reception.held_on, "citizens": reception.citizens})
    db.session.commit()
    return reception


def add_citizen_petition(actor: Actor, reception_id: int, *, kind, citizen_name, summary,
                         citizen_address="", citizen_phone="") -> CitizenPetition:
    reception = db.session.get(CitizenReception, reception_id)
    if reception is None:
        raise NotFound("Không tìm thấy buổi tiếp công dân.")
    _council(actor, reception.council_id, STAFF | {"delegate"})
    if not _is_staff(actor, reception.council_id) and \
            reception.delegate_id != actor.delegate_ids.get(reception.council_id):
        raise NotFound("Không tìm thấy buổi tiếp công dân.")
    petition = CitizenPetition(
        council_id=reception.council_id, reception_id=reception.id,
        kind=_choice(kind, rules.CITIZEN_KINDS, "Loại đơn"),
        citizen_name=_text(citizen_name, "Họ tên công dân", 120),
        citizen_address=_text(citizen_address, "Địa chỉ", 300, required=False),
        citizen_phone=_text(citizen_phone, "Điện thoại", 30, required=False),
        summary=_text(summary, "Nội dung đơn", 5000))
    db.session.add(petition)
    db.session.flush()
    # never the citizen's name in the permanent record: personal data stays erasable
    _record(actor, reception.council_id, "citizen_petition.received",
            ("citizen_petition", petition.id), {"reception_id": reception.id,
                                                 "kind": petition.kind})
    db.session.commit()
    return petition


def list_citizen_petitions(actor: Actor, council_id: int) -> list[CitizenPetition]:
    _council(actor, council_id, STAFF | {"delegate", "official"})
    rows = db.session.scalars(select(CitizenPetition).where(
        CitizenPetition.council_id == council_id).order_by(CitizenPetition.id)).all()
    if _is_staff(actor, council_id):
        return list(rows)
    mine = my_body_ids(actor, council_id)
    own = {r.id for r in list_receptions(actor, council_id)} \
        if "delegate" in actor.roles_in(council_id) else set()
    return [p for p in rows if p.body_id in mine or p.reception_id in own]


def forward_citizen_petition(actor: Actor, petition_id: int, *, body_id,
                             deadline=None) -> CitizenPetition:
    petition = _get_petition(actor, CitizenPetition, petition_id)
    _forward(actor, petition, body_id=body_id, deadline=deadline,
             action="citizen_petition.forwarded")
    return petition


def answer_citizen_petition(actor: Actor, petition_id: int, *, answer) -> CitizenPetition:
    petition = _get_petition(actor, CitizenPetition, petition_id)
    _answer(actor, petition, answer=answer, action="citizen_petition.answered")
    return petition


def citizen_petition_view(p: CitizenPetition, today: date, personal: bool) -> dict:
    """`personal`: the staff's view, with the citizen's name, address and phone."""
    reception = db.session.get(CitizenReception, p.reception_id)
    outcome = rules.petition_outcome(p.status, p.deadline, p.answered_on, today)
    view = {"id": p.id, "kind": p.kind, "kind_label": rules.CITIZEN_KINDS[p.kind],
            "summary": p.summary, "body_id": p.body_id,
            "body": body_names(p.council_id).get(p.body_id, ""), "status": p.status,
            "status_label": rules.PETITION_STATES[p.status], "outcome": outcome,
            "outcome_label": rules.PETITION_OUTCOMES[outcome], "overdue": outcome == "overdue",
            "forwarded_on": _iso(p.forwarded_on), "deadline": _iso(p.deadline),
            "answer": p.answer, "answered_on": _iso(p.answered_on),
            "reception_id": reception.id, "received_on": reception.held_on.isoformat()}
    if personal:
        view["citizen"] = {"name": p.citizen_name, "address": p.citizen_address,
                           "phone": p.citizen_phone}
    return view


def reception_view(r: CitizenReception) -> dict:
    delegate = db.session.get(Delegate, r.delegate_id) if r.delegate_id else None
    return {"id": r.id, "receiver": r.receiver, "receiver_label": rules.RECEIVERS[r.receiver],
            "delegate_id": r.delegate_id, "delegate": delegate.full_name if delegate else "",
            "held_on": r.held_on.isoformat(), "place": r.place, "citizens": r.citizens,
            "notes": r.notes}


def sees_personal_data(actor: Actor, council_id: int) -> bool:
    return _is_staff(actor, council_id)


# --- figures for the statistics page ----------------------------------------------------------

def figures(council: Council, start: date, end: date | None, today: date) -> dict:
    """Oversight figures of the council for [start, end], from the records (the caller has
    checked the actor may read statistics)."""
    cid = council.id
    committees = dict(db.session.execute(select(Committee.id, Committee.name).where(
        Committee.council_id == cid).order_by(Committee.name)).all())
    groups = dict(db.session.execute(select(DelegateGroup.id, DelegateGroup.name).where(
        DelegateGroup.council_id == cid).order_by(DelegateGroup.name)).all())
    delegates = {d.id: (d.full_name, d.group_id, d.committee_id) for d in db.session.scalars(
        select(Delegate).where(Delegate.council_id == cid).order_by(Delegate.id))}

    def petition_facts(rows):
        return tuple((p.status, p.forwarded_on, p.deadline, p.answered_on) for p in rows)

    voter_petitions: dict[int, list] = {}
    for p in db.session.scalars(select(VoterPetition).where(VoterPetition.council_id == cid)):
        voter_petitions.setdefault(p.voter_meeting_id, []).append(p)
    citizen_petitions: dict[int, list] = {}
    for p in db.session.scalars(select(CitizenPetition).where(CitizenPetition.council_id == cid)):
        citizen_petitions.setdefault(p.reception_id, []).append(p)
    return rules.oversight_figures(
        start=start, end=end, today=today, council_name=council.name, committees=committees,
        groups=groups, delegates=delegates,
        missions=[rules.MissionFact(m.start_date, m.by, m.committee_id, m.group_id,
                                    tuple(m.member_ids or ()))
                  for m in db.session.scalars(select(SupervisionMission).where(
                      SupervisionMission.council_id == cid))],
        voter_meetings=[rules.VoterMeetingFact(v.held_on, v.group_id, tuple(v.delegate_ids or ()),
                                               petition_facts(voter_petitions.get(v.id, [])))
                        for v in db.session.scalars(select(VoterMeeting).where(
                            VoterMeeting.council_id == cid))],
        receptions=[rules.ReceptionFact(r.held_on, r.receiver, r.delegate_id,
                                        petition_facts(citizen_petitions.get(r.id, [])))
                    for r in db.session.scalars(select(CitizenReception).where(
                        CitizenReception.council_id == cid))],
        commitments=[rules.CommitmentFact(c.deadline, c.status, c.fulfilled_on)
                     for c in db.session.scalars(select(Commitment).where(
                         Commitment.council_id == cid))])
