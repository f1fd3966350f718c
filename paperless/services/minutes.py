"""Biên bản kỳ họp: built from the record and the live tables, edited by the secretariat
while a draft, finalised (sealed with the audit chain's head), then signed.

Signing uses the council's keys exactly as resolutions do (`services.signing_keys`:
PAPERLESS_SIGNING_DIR, PKCS#12 or a PKCS#11 token, passphrases from the environment).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from paperless import db, workers
from paperless.domain import agenda as agenda_rules
from paperless.domain.delegates import StatusChange, serving_on
from paperless.domain.labels import MEETING_KINDS
from paperless.domain.voting import KINDS as VOTE_KINDS
from paperless.models import (
    Attendance,
    Delegate,
    Minutes,
    Resolution,
    Sitting,
    SpeakerRequest,
    Term,
    User,
    Vote,
)
from paperless.reports import minutes as writer
from paperless.services import anchors, audit, signing_keys
from paperless.services.access import STAFF, Actor
from paperless.services.documents import store
from paperless.services.errors import Conflict, Forbidden, Invalid, ServiceError
from paperless.services.meetings import get_meeting
from paperless.sign_jobs import StampSpec

READERS = STAFF
EDITORS = frozenset({"secretariat", "admin"})
SIGNERS = frozenset({"chair"})
SECTIONS = writer.SECTION_TITLES

SPEAKER_KINDS = {"speech": "phát biểu", "debate": "tranh luận", "question": "chất vấn",
                 "follow_up": "chất vấn lại"}
VOTE_STATUSES = {"closed": "đã kết thúc", "announced": "đã công bố kết quả",
                 "cancelled": "đã hủy", "open": "đang biểu quyết", "draft": "chưa mở"}
OUTCOMES = {"filed": "chưa trả lời", "grouped": "chưa trả lời", "asked": "đã chất vấn",
            "answered_session": "đã trả lời tại kỳ họp",
            "written_pending": "sẽ trả lời bằng văn bản",
            "written_answered": "đã trả lời bằng văn bản", "withdrawn": "đã rút"}


class SigningUnavailable(ServiceError):
    status = 409
    code = "signing_unavailable"


def _now() -> datetime:
    return datetime.now(UTC)


def resolutions_of(meeting_id: int) -> list[str]:
    """One line per resolution of this meeting that has a number, e.g. "Nghị quyết số
    12/NQ-HĐND ngày 05/12/2026: Dự toán ngân sách… (đã ký số)"."""
    rows = db.session.scalars(select(Resolution).where(
        Resolution.meeting_id == meeting_id, Resolution.number.is_not(None))
        .order_by(Resolution.year, Resolution.number)).all()
    signed = {"archived": " (đã ký số, lưu trữ)", "signed_by_chair": " (Chủ tịch đã ký)"}
    return [f"Nghị quyết số {r.number_text} ngày {r.issued_on:%d/%m/%Y}: {r.title}"
            + signed.get(r.state, "") for r in rows]


def _minutes(meeting_id: int, *, create: bool = True) -> Minutes | None:
    row = db.session.get(Minutes, meeting_id)
    if row is None and create:
        row = Minutes(meeting_id=meeting_id, status="draft", sections={})
        db.session.add(row)
        db.session.flush()
    return row


def status(actor: Actor, meeting_id: int) -> dict:
    meeting = get_meeting(actor, meeting_id, READERS)
    row = _minutes(meeting.id, create=False)
    sections = (row.sections if row else {}) or {}
    return {"meeting_id": meeting.id, "status": row.status if row else "draft",
            "sections": {key: sections.get(key, "") for key in SECTIONS},
            "section_titles": SECTIONS,
            "head_seq": row.head_seq if row else None, "head_hash": row.head_hash if row else None,
            "pdf_sha256": row.pdf_sha256 if row else None,
            "signed_pdf_sha256": row.signed_pdf_sha256 if row else None,
            "finalized_at": row.finalized_at.isoformat() if row and row.finalized_at else None,
            "signed_at": row.signed_at.isoformat() if row and row.signed_at else None,
            "meeting_closed": meeting.status == "closed"}


def edit_sections(actor: Actor, meeting_id: int, sections: dict) -> dict:
    meeting = get_meeting(actor, meeting_id, EDITORS)
    if not isinstance(sections, dict) or set(sections) - set(SECTIONS):
        raise Invalid("Chỉ sửa được các phần: " + ", ".join(SECTIONS) + ".",
                      code="invalid_section", details={"sections": sorted(SECTIONS)})
    for key, text in sections.items():
        if not isinstance(text, str) or len(text) > 20000:
            raise Invalid(f"Nội dung phần “{SECTIONS[key]}” phải là chuỗi, tối đa 20000 ký tự.",
                          details={key: "invalid"})
    row = _minutes(meeting.id)
    if row.status != "draft":
        raise Conflict("Biên bản đã hoàn tất, không thể sửa.", code="minutes_final")
    merged = {**(row.sections or {}),
              **{k: v.replace("\x00", "").strip() for k, v in sections.items()}}
    row.sections = merged
    row.updated_at, row.updated_by = _now(), actor.user_id
    audit.record(actor, "minutes.edited", council_id=meeting.council_id, meeting_id=meeting.id,
                 subject=("minutes", meeting.id),
                 details={key: hashlib.sha256(merged[key].encode()).hexdigest()
                          for key in sorted(sections)})
    db.session.commit()
    return status(actor, meeting.id)


# --- building -----------------------------------------------------------------------

def opinion_lines(meeting_id: int) -> list[tuple[int, str]]:
    """Per draft on an agenda item: how many opinions, and what the agency answered."""
    from paperless.models import Document, Opinion

    out = []
    for document in db.session.scalars(select(Document).where(
            Document.meeting_id == meeting_id, Document.agenda_item_id.is_not(None))
            .order_by(Document.id)):
        states = db.session.scalars(select(Opinion.status).where(
            Opinion.document_id == document.id, Opinion.status != "merged")).all()
        if states:
            count = {s: states.count(s) for s in ("accepted", "explained", "new", "withdrawn")}
            out.append((document.agenda_item_id,
                        f"Ý kiến về {document.title}: {len(states)} ý kiến; cơ quan soạn thảo "
                        f"tiếp thu {count['accepted']}, giải trình {count['explained']}, chưa "
                        f"trả lời {count['new']}; rút {count['withdrawn']}."))
    return out


def _user_name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.full_name if user else ""


def build(actor: Actor, meeting_id: int, seal: writer.Seal | None = None) -> writer.MinutesData:
    """Everything the minutes say, read from the meeting's tables."""
    from paperless.services import questioning

    meeting = get_meeting(actor, meeting_id, READERS)
    row = _minutes(meeting.id, create=False)
    term = db.session.get(Term, meeting.term_id)
    delegates = db.session.scalars(select(Delegate).where(Delegate.term_id == meeting.term_id)
                                   .options(selectinload(Delegate.status_changes))
                                   .order_by(Delegate.id)).all()
    serving = [d for d in delegates if serving_on(
        [StatusChange(c.status, c.effective_date) for c in d.status_changes], meeting.start_date)]
    names = {d.id: d.full_name for d in delegates}

    sittings = []
    for sitting in db.session.scalars(select(Sitting).where(Sitting.meeting_id == meeting.id)
                                      .order_by(Sitting.number)):
        marks = {a.delegate_id: a for a in db.session.scalars(
            select(Attendance).where(Attendance.sitting_id == sitting.id))}
        record = writer.SittingRecord(sitting.number, sitting.started_at, sitting.ended_at,
                                      total=len(serving))
        for d in serving:
            mark = marks.get(d.id)
            if mark is None:
                record.unmarked.append(d.full_name)
            elif mark.status == "present":
                record.present.append(d.full_name)
            elif mark.status == "absent_excused":
                record.excused.append((d.full_name, mark.reason))
            else:
                record.absent.append(d.full_name)
        sittings.append(record)

    items: dict[int, writer.ItemRecord] = {}
    for node, depth in agenda_rules.flatten(agenda_rules.build_tree(meeting.agenda_items)):
        items[node.item.id] = writer.ItemRecord(node.number, node.item.title,
                                                node.item.presenter, depth)
    unplanned = []
    for turn in db.session.scalars(select(SpeakerRequest).where(
            SpeakerRequest.meeting_id == meeting.id, SpeakerRequest.started_at.is_not(None))
            .order_by(SpeakerRequest.started_at, SpeakerRequest.id)):
        seconds = int((turn.ended_at - turn.started_at).total_seconds()) if turn.ended_at \
            else None
        speaker = writer.SpeakerRecord(names.get(turn.delegate_id, "?"),
                                       SPEAKER_KINDS.get(turn.kind, turn.kind), seconds)
        (items[turn.agenda_item_id].speakers if turn.agenda_item_id in items
         else unplanned).append(speaker)
    for vote in db.session.scalars(select(Vote).where(
            Vote.meeting_id == meeting.id, Vote.status.in_(("closed", "announced", "cancelled")))
            .order_by(Vote.id)):
        note = ""
        if vote.status == "cancelled":
            note = f"Lý do hủy: {vote.cancel_reason}"
        record = writer.VoteRecord(vote.title, VOTE_KINDS.get(vote.kind, vote.kind), vote.round,
                                   VOTE_STATUSES[vote.status],
                                   list((vote.result or {}).get("statement", []))
                                   if vote.status != "cancelled" else [], note)
        if vote.agenda_item_id in items:
            items[vote.agenda_item_id].votes.append(record)

    for item_id, line in opinion_lines(meeting.id):
        if item_id in items:
            items[item_id].opinions.append(line)

    report = questioning.report(actor, meeting.id) if actor.is_superuser or actor.has(
        meeting.council_id, questioning.KEEPERS) else None
    questions = [writer.QuestionRecord(r.number, r.authors, r.official, r.text,
                                       OUTCOMES.get(r.state, r.state_label),
                                       r.answer_summary)
                 for r in (report.rows if report else []) if r.state != "withdrawn"]
    for number, q in enumerate(questions, start=1):
        q.number = number

    chair = next((d.full_name for d in serving if "Chủ tịch HĐND" in (d.positions or [])), "")
    return writer.MinutesData(
        council=meeting.council.name, meeting=meeting.title,
        time_zone=meeting.council.time_zone,
        kind_label=MEETING_KINDS.get(meeting.kind, meeting.kind), place=meeting.place,
        start_date=meeting.start_date, end_date=meeting.end_date,
        term=term.name if term else "", sittings=sittings, items=list(items.values()),
        unplanned_speakers=unplanned, questions=questions,
        resolutions=resolutions_of(meeting.id), sections=dict(row.sections or {}) if row else {},
        secretary=_user_name(row.updated_by) if row and row.updated_by else "",
        chair=chair, seal=seal, generated_at=_now())


def preview_pdf(actor: Actor, meeting_id: int) -> bytes:
    pdf, _place = workers.run("paperless.reports.minutes:to_pdf", build(actor, meeting_id))
    return pdf


def finalize(actor: Actor, meeting_id: int) -> dict:
    """Seal: the PDF carries the chain head of this moment; stored, recorded, no more edits."""
    import signing

    meeting = get_meeting(actor, meeting_id, EDITORS)
    if meeting.status != "closed":
        raise Conflict("Chỉ hoàn tất biên bản sau khi kỳ họp bế mạc.", code="meeting_not_closed")
    row = _minutes(meeting.id)
    if row.status != "draft":
        raise Conflict("Biên bản đã hoàn tất.", code="minutes_final")
    seq, head_hash = audit.head()
    now = _now()
    data = build(actor, meeting.id, seal=writer.Seal(seq, head_hash, now))
    data.secretary = actor.full_name
    pdf, (page, box) = workers.run("paperless.reports.minutes:to_pdf", data)
    placements = [signing.FieldPlacement(signing.SIGNER_FIELD, page, box),
                  *[p for p in signing.default_field_placements(pdf)
                    if p.name == signing.ORGANISATION_FIELD]]
    pdf = workers.run("signing:add_signature_fields", pdf, placements)
    sha, _new = store().put(pdf)
    row.status, row.finalized_at, row.finalized_by = "final", now, actor.user_id
    row.head_seq, row.head_hash, row.pdf_sha256 = seq, head_hash, sha
    audit.record(actor, "minutes.finalized", council_id=meeting.council_id,
                 meeting_id=meeting.id, subject=("minutes", meeting.id),
                 details={"head_seq": seq, "head_hash": head_hash, "sha256": sha})
    db.session.commit()
    anchors.write_quietly("minutes.finalized", meeting.council_id)
    return status(actor, meeting.id)


def sign(actor: Actor, meeting_id: int) -> dict:
    """The chair's signature, then the council's (organisation) signature, on the final PDF;
    checked against the CA before it is stored."""
    import signing

    meeting = get_meeting(actor, meeting_id, SIGNERS)
    if not actor.has(meeting.council_id, SIGNERS):  # the chair's own signature: not the
        raise Forbidden("Chỉ chủ tọa kỳ họp được ký biên bản.",  # superuser's either
                        code="not_the_chair")
    row = _minutes(meeting.id, create=False)
    if row is None or row.status != "final":
        raise Conflict("Chỉ ký biên bản đã hoàn tất và chưa ký.", code="minutes_not_final")
    council_id = meeting.council_id
    try:
        roots = signing_keys.trust_roots(council_id)
        if not roots:
            raise SigningUnavailable("Chưa cấu hình khóa ký số của Hội đồng (thiếu ca.pem).")
        time_zone = meeting.council.time_zone
        steps = [
            # the chair's name as their certificate has it (else the account's)
            signing_keys.sign_step(council_id, "chair", signing.SIGNER_FIELD, StampSpec(
                "signer", (actor.full_name, "Chủ tọa kỳ họp"), {"time_zone": time_zone},
                name_from_certificate=True), certify=True, reason="Ký biên bản kỳ họp",
                timestamped=False),
            signing_keys.sign_step(council_id, "organisation", signing.ORGANISATION_FIELD,
                                   StampSpec("organisation", (meeting.council.name.upper(),),
                                             {"time_zone": time_zone}), timestamped=False)]
        data = store().read(row.pdf_sha256)
        # both signatures and the validation of the output in one worker job
        signed = signing_keys.sign(data, steps, validate_with=roots)
        pdf = signed.pdf
        reports = [r for r in signed.reports if r.kind == "signature"]
    except signing_keys.SigningFailed as exc:
        raise SigningUnavailable(f"Không ký được biên bản: {exc.message}",
                                 code=exc.code) from exc
    except signing.SigningError as exc:
        raise SigningUnavailable(f"Không ký được biên bản: {exc.message_vi}",
                                 code=exc.code) from exc
    if len(reports) != 2 or any(r.status != signing.VALID for r in reports):
        raise SigningUnavailable("Chữ ký vừa tạo không hợp lệ; biên bản chưa được ký.",
                                 code="signature_invalid")
    sha, _new = store().put(pdf)
    row.status, row.signed_pdf_sha256, row.signed_at = "signed", sha, _now()
    audit.record(actor, "minutes.signed", council_id=meeting.council_id, meeting_id=meeting.id,
                 subject=("minutes", meeting.id),
                 details={"sha256": sha, "sealed_sha256": row.pdf_sha256,
                          "signers": [r.signer_common_name for r in reports]})
    db.session.commit()
    return status(actor, meeting.id)


def final_pdf(actor: Actor, meeting_id: int) -> tuple[bytes, str]:
    """The signed PDF if there is one, else the final one, else a fresh preview."""
    meeting = get_meeting(actor, meeting_id, READERS)
    row = _minutes(meeting.id, create=False)
    if row is not None and row.signed_pdf_sha256:
        return store().read(row.signed_pdf_sha256), "signed"
    if row is not None and row.pdf_sha256:
        return store().read(row.pdf_sha256), "final"
    return preview_pdf(actor, meeting.id), "draft"

