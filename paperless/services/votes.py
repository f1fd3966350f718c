"""Votes: prepare, open, cast (exactly once), close, announce, re-vote, cancel, manual counts.

A ballot is acknowledged only after its transaction commits; a retry with the same
idempotency key gets the same acknowledgement. Secret ballots are stored in two
unrelated tables — who took part, and a sealed ballot (`ballot_box`) that only the tally at
close ever opens — and the sealed ballots and their key are destroyed when the vote closes.
Ballots are cast only while the session runs (not paused, not closed).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial

from sqlalchemy import and_, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from paperless import db
from paperless.domain import opinions as opinion_rules
from paperless.domain import voting as rules
from paperless.models import (
    AgendaItem,
    Attendance,
    CastReceipt,
    Delegate,
    Document,
    LiveState,
    ManualCount,
    Meeting,
    OpenBallot,
    Opinion,
    SecretParticipation,
    Vote,
)
from paperless.services import anchors, ballot_box, delegates, events, hall, meeting_events
from paperless.services.access import STAFF, Actor
from paperless.services.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from paperless.services.meetings import get_meeting, require_meeting_access

PREPARERS = STAFF  # the secretariat prepares; the chair may too
OPERATORS = meeting_events.OPERATORS


class VoteError(ServiceError):
    status = 409


def _now() -> datetime:
    return datetime.now(UTC)


def _get(actor: Actor, vote_id: int, allowed=None) -> tuple[Vote, Meeting]:
    vote = db.session.get(Vote, vote_id)
    if vote is None:
        raise NotFound("Không tìm thấy cuộc biểu quyết.")
    meeting = get_meeting(actor, vote.meeting_id, *([allowed] if allowed else []))
    return vote, meeting


def _options_for(kind: str, labels: list[str] | None) -> list[list]:
    """open/secret: [[code, label]]; election and confidence: [[id, name]] numbered from 1."""
    if kind in ("open", "secret"):
        if not labels:
            return [list(c) for c in rules.DEFAULT_CHOICES]
        if kind == "open" and len(labels) != 3:
            # Open votes keep the three legal choices; councils only rename them.
            raise Invalid("Biểu quyết công khai có đúng 3 lựa chọn (tán thành, không tán thành, "
                          "không biểu quyết).", code="invalid_options")
        codes = [c for c, _ in rules.DEFAULT_CHOICES] if kind == "open" else \
            [f"c{i}" for i in range(1, len(labels) + 1)]
        return [[code, label] for code, label in zip(codes, labels, strict=True)]
    if not labels:
        raise Invalid("Cần danh sách người (ứng cử viên / người được lấy phiếu).",
                      code="invalid_options")
    return [[i, label] for i, label in enumerate(labels, start=1)]


def _clean_labels(labels) -> list[str] | None:
    if labels is None:
        return None
    if not isinstance(labels, list) or len(labels) > 100 or not all(
            isinstance(x, str) for x in labels):
        raise Invalid("Danh sách lựa chọn không hợp lệ.", code="invalid_options")
    cleaned = [" ".join(x.split())[:200] for x in labels if x.strip()]
    if len(set(cleaned)) != len(cleaned):
        raise Invalid("Danh sách có mục trùng nhau.", code="invalid_options")
    return cleaned or None


def create_vote(actor: Actor, agenda_item_id: int, *, kind: str, title: str,
                labels: list[str] | None = None, seats: int = 1, exact: bool = False,
                rule: str = "majority", allow_change: bool = True,
                require_checked_in: bool = True, countdown_seconds: int | None = None) -> Vote:
    item = db.session.get(AgendaItem, agenda_item_id)
    if item is None:
        raise NotFound("Không tìm thấy mục chương trình.")
    meeting = get_meeting(actor, item.meeting_id, PREPARERS)
    if meeting.status == "closed":
        raise Conflict("Kỳ họp đã bế mạc.", code="meeting_closed")
    if kind not in rules.KINDS:
        raise Invalid("Loại biểu quyết không hợp lệ.", details={"kind": sorted(rules.KINDS)})
    if rule not in rules.RULES:
        raise Invalid("Quy tắc thông qua không hợp lệ.", details={"rule": sorted(rules.RULES)})
    title = " ".join((title or "").split())[:500]
    if not title:
        raise Invalid("Nội dung biểu quyết không được để trống.", details={"title": "required"})
    options = _options_for(kind, _clean_labels(labels))
    if kind == "election" and not 1 <= seats <= len(options):
        raise Invalid("Số người cần bầu phải từ 1 đến số ứng cử viên.", code="invalid_seats")
    if countdown_seconds is not None and not 10 <= countdown_seconds <= 3600:
        raise Invalid("Thời gian biểu quyết phải từ 10 giây đến 60 phút.")
    vote = Vote(meeting_id=meeting.id, agenda_item_id=item.id, kind=kind, title=title,
                options=options, seats=seats if kind == "election" else 1,
                exact=bool(exact), rule=rule,
                # A secret ballot cannot be changed once cast: there is nothing to link it back.
                allow_change=bool(allow_change) and kind == "open",
                require_checked_in=bool(require_checked_in),
                countdown_seconds=countdown_seconds, created_by=actor.user_id)
    db.session.add(vote)
    db.session.flush()
    meeting_events.record(actor, meeting, "vote.created", ("vote", vote.id),
                {"kind": kind, "title": title, "rule": rule, "agenda_item_id": item.id})
    db.session.commit()
    return vote


def _counts(vote: Vote) -> dict:
    """What the record keeps of a result: counts and the legal wording, never a ballot."""
    result = vote.result or {}
    return {"kind": vote.kind, "title": vote.title, "round": vote.round,
            "total": result.get("total"), "present": result.get("present"),
            "voted": result.get("voted"), "passed": result.get("passed"),
            "choices": {c["code"]: c["count"] for c in result.get("choices", [])},
            "candidates": {str(c["id"]): c["count"] for c in result.get("candidates", [])},
            "statement": result.get("statement", [])}


def _open_vote_of(meeting: Meeting) -> Vote | None:
    return db.session.scalar(select(Vote).where(Vote.meeting_id == meeting.id,
                                                Vote.status == "open"))


def _present(meeting: Meeting) -> int:
    state = db.session.get(LiveState, meeting.id)
    if state is None or state.sitting_id is None:
        return 0
    return db.session.scalar(select(func.count()).select_from(Attendance).where(
        Attendance.sitting_id == state.sitting_id, Attendance.status == "present"))


def _received(vote: Vote) -> int:
    model = SecretParticipation if vote.kind in rules.SECRET_KINDS else OpenBallot
    return db.session.scalar(select(func.count()).select_from(model).where(
        model.vote_id == vote.id))


def progress(vote: Vote, meeting: Meeting) -> dict:
    """While open, the hall sees how many ballots came in — never what they say."""
    return {"vote_id": vote.id, "received": _received(vote), "present": _present(meeting),
            "total": vote.total_delegates or hall.attendance_summary(
                meeting, meeting_events.state_for(meeting))["total"]}


def public(vote: Vote) -> dict:
    data = {"id": vote.id, "agenda_item_id": vote.agenda_item_id, "round": vote.round,
            "kind": vote.kind, "kind_label": rules.KINDS[vote.kind], "title": vote.title,
            "options": vote.options, "seats": vote.seats, "exact": vote.exact,
            "rule": vote.rule, "allow_change": vote.allow_change,
            "secret": vote.kind in rules.SECRET_KINDS, "status": vote.status,
            "manual": vote.manual, "opened_at": _iso(vote.opened_at),
            "closes_at": _iso(vote.closes_at), "closed_at": _iso(vote.closed_at),
            "total": vote.total_delegates, "cancel_reason": vote.cancel_reason}
    if vote.kind in ("confidence", "no_confidence"):
        data["levels"] = [list(level) for level in (
            rules.CONFIDENCE_LEVELS if vote.kind == "confidence" else rules.NO_CONFIDENCE_LEVELS)]
    if vote.status == "announced":
        data["result"] = vote.result
    if vote.status in ("draft", "cancelled"):
        # what the secretariat counted by hand, waiting for the chair (shown on the console)
        data["manual_pending"] = manual_json(_pending_manual(vote))
    return data


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# --- contested points (opinions.open_point_vote links them) ------------------

def point_votes_of_item(agenda_item_id: int) -> list:
    """The votes on contested points of the drafts on this agenda item."""
    return list(db.session.scalars(
        select(Vote).join(Opinion, Opinion.vote_id == Vote.id)
        .join(Document, Document.id == Opinion.document_id)
        .where(Document.agenda_item_id == agenda_item_id).order_by(Vote.id)))


def check_point_votes_held(vote) -> None:
    """Refuse to open the vote on the whole text while a point vote of its item is pending."""
    points = point_votes_of_item(vote.agenda_item_id)
    pending = opinion_rules.pending_point_votes(vote.id, vote.kind, [(p.id, p.status) for p in points])
    if pending:
        titles = "; ".join(f"“{p.title}”" for p in points if p.id in pending)
        raise Conflict("Còn biểu quyết riêng về điểm còn ý kiến khác nhau chưa thực hiện: "
                       f"{titles}. Biểu quyết hoặc hủy (ghi lý do) các điểm này trước khi "
                       "biểu quyết toàn văn.", code="point_votes_pending",
                       details={"vote_ids": pending})


def open_vote(actor: Actor, vote_id: int) -> dict:
    vote, meeting = _get(actor, vote_id, OPERATORS)
    if vote.status != "draft":
        raise VoteError("Chỉ mở được cuộc biểu quyết đang chuẩn bị.", code="vote_not_draft")
    state = meeting_events.state_for(meeting, lock=True)
    if state.phase != "running":
        raise VoteError("Phiên họp phải đang diễn ra (không tạm dừng).", code="session_not_open")
    if _open_vote_of(meeting) is not None:
        raise VoteError("Đang có một cuộc biểu quyết khác.", code="another_vote_open")
    check_point_votes_held(vote)  # contested points before the whole text
    now = _now()
    vote.status, vote.opened_at = "open", now
    vote.total_delegates = hall.attendance_summary(meeting, state)["total"]
    if vote.countdown_seconds:
        vote.closes_at = now + timedelta(seconds=vote.countdown_seconds)
    if vote.kind in rules.SECRET_KINDS:
        ballot_box.create_key(vote)
    meeting_events.record(actor, meeting, "vote.opened", ("vote", vote.id),
                {"kind": vote.kind, "title": vote.title, "total": vote.total_delegates})
    return meeting_events.commit_and_announce(meeting, "vote.opened",
                                    {"vote": public(vote), "progress": progress(vote, meeting)},
                                    actor)


def _tally(vote: Vote, present: int) -> dict:
    total = vote.total_delegates or 0
    if vote.kind in ("open", "secret"):
        if vote.kind == "open":
            rows = db.session.execute(select(OpenBallot.choice, Delegate.full_name).join(
                Delegate, Delegate.id == OpenBallot.delegate_id).where(
                OpenBallot.vote_id == vote.id).order_by(Delegate.full_name)).all()
            choices = [c for c, _ in rows]
            names: dict[str, list[str]] = {}
            for choice, name in rows:
                names.setdefault(choice, []).append(name)
        else:
            choices = [b["choice"] for b in _secret_contents(vote)]
            names = {}
        return rules.tally_choices(vote.kind, [tuple(o) for o in vote.options], choices,
                                   total=total, present=present, rule=vote.rule,
                                   names=names).to_dict()
    contents = _secret_contents(vote)
    if vote.kind == "election":
        return rules.tally_election([tuple(o) for o in vote.options],
                                    [b["selections"] for b in contents], seats=vote.seats,
                                    total=total, present=present, rule=vote.rule).to_dict()
    levels = rules.CONFIDENCE_LEVELS if vote.kind == "confidence" else rules.NO_CONFIDENCE_LEVELS
    return rules.tally_ratings(vote.kind, [tuple(o) for o in vote.options], levels,
                               [{int(k): v for k, v in b["ratings"].items()} for b in contents],
                               total=total, present=present).to_dict()


def _secret_contents(vote: Vote) -> list[dict]:
    return ballot_box.contents(vote)


def _lock(vote: Vote) -> None:
    """PostgreSQL: closing takes the vote row exclusively; casts share-lock it
    (`_cast_facts`), so a ballot is either counted by the close or refused as
    `vote_not_open` — never acknowledged after the tally. (SQLite serialises writers.)"""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.refresh(vote, with_for_update=True)


def close_vote(actor: Actor, vote_id: int) -> dict:
    vote, meeting = _get(actor, vote_id, OPERATORS)
    _lock(vote)
    if vote.status != "open":
        raise VoteError("Cuộc biểu quyết không ở trạng thái đang mở.", code="vote_not_open")
    return _close(actor, vote, meeting)


def _close(actor: Actor, vote: Vote, meeting: Meeting) -> dict:
    now = _now()
    # Close once, whoever comes first (the chair, this process's timer, another process's):
    # the conditional UPDATE matches one transaction; the others see vote_not_open.
    closed = db.session.execute(update(Vote).where(Vote.id == vote.id, Vote.status == "open")
                                .values(status="closed", closed_at=now)).rowcount
    if not closed:
        db.session.rollback()
        raise VoteError("Cuộc biểu quyết không ở trạng thái đang mở.", code="vote_not_open")
    db.session.refresh(vote)
    vote.present = max(_present(meeting), _received(vote))
    vote.result = _tally(vote, vote.present)
    secret = vote.kind in rules.SECRET_KINDS
    if secret:
        ballot_box.destroy(vote)  # only the tally is kept
    meeting_events.record(actor, meeting, "vote.closed", ("vote", vote.id), _counts(vote))
    message = meeting_events.commit_and_announce(meeting, "vote.closed",
                                       {"vote": public(vote), "progress": progress(vote, meeting)},
                                       actor)
    if secret:
        db.session.commit()  # nothing of ours holds the ballot tables during the scrub
        ballot_box.scrub()
    return {**message, "result": vote.result}


def announce(actor: Actor, vote_id: int) -> dict:
    vote, meeting = _get(actor, vote_id, OPERATORS)
    if vote.status != "closed":
        raise VoteError("Chỉ công bố được kết quả của cuộc biểu quyết đã kết thúc.",
                        code="vote_not_closed")
    vote.status, vote.announced_at = "announced", _now()
    state = meeting_events.state_for(meeting)
    if state.dismissed_vote_id == vote.id:  # announced after moving on: show it again
        state.dismissed_vote_id = None
    meeting_events.record(actor, meeting, "vote.announced", ("vote", vote.id), _counts(vote))
    message = meeting_events.commit_and_announce(meeting, "vote.announced", {"vote": public(vote)}, actor)
    anchors.write_quietly("vote.announced", meeting.council_id)  # the record, outside the db
    return message


def cancel(actor: Actor, vote_id: int, reason: str) -> dict:
    vote, meeting = _get(actor, vote_id, OPERATORS)
    if vote.status not in ("draft", "open"):
        raise VoteError("Không thể hủy cuộc biểu quyết đã kết thúc.", code="vote_closed")
    reason = " ".join((reason or "").split()) if isinstance(reason, str) else ""
    if not reason:
        raise Invalid("Hủy biểu quyết phải ghi rõ lý do.", code="reason_required")
    was_open = vote.status == "open"
    if was_open and vote.kind in rules.SECRET_KINDS:
        ballot_box.destroy(vote)  # a cancelled round is never counted
    vote.status, vote.cancel_reason, vote.closed_at = "cancelled", reason[:500], _now()
    meeting_events.record(actor, meeting, "vote.cancelled", ("vote", vote.id),
                {"title": vote.title, "reason": vote.cancel_reason, "was_open": was_open})
    if not was_open:
        db.session.commit()
        return {"vote": public(vote)}
    message = meeting_events.commit_and_announce(meeting, "vote.cancelled", {"vote": public(vote)}, actor)
    if vote.kind in rules.SECRET_KINDS:
        db.session.commit()
        ballot_box.scrub()
    return message


def close_due(meeting_id: int | None = None) -> list[dict]:
    """Timed votes whose countdown reached 0:00 close themselves on the server. Every
    process's timer loop calls this each second, and every snapshot and late ballot too,
    so a restart or a dead process never leaves a vote open past its time."""
    from paperless.services.access import SYSTEM

    query = select(Vote).where(Vote.status == "open", Vote.closes_at.is_not(None),
                               Vote.closes_at <= _now())
    if meeting_id is not None:
        query = query.where(Vote.meeting_id == meeting_id)
    due = db.session.scalars(query).all()
    if not due:  # the usual answer: the caller's transaction, and what it loaded, go on
        return []
    messages = []
    for vote in due:
        meeting = db.session.get(Meeting, vote.meeting_id)
        try:
            messages.append(_close(SYSTEM, vote, meeting))
        except VoteError:  # another process closed it first
            db.session.rollback()
    db.session.rollback()
    return messages


def revote(actor: Actor, vote_id: int) -> Vote:
    """Biểu quyết lại: a new round with the same question; the earlier round stays on record."""
    vote, meeting = _get(actor, vote_id, OPERATORS)
    if vote.status not in ("closed", "announced", "cancelled"):
        raise VoteError("Chỉ biểu quyết lại sau khi vòng trước đã kết thúc hoặc bị hủy.",
                        code="vote_not_closed")
    newer = db.session.scalar(select(Vote.id).where(Vote.previous_vote_id == vote.id))
    if newer is not None:
        raise VoteError("Vòng này đã có vòng biểu quyết lại.", code="already_revoted")
    again = Vote(meeting_id=meeting.id, agenda_item_id=vote.agenda_item_id,
                 round=vote.round + 1, previous_vote_id=vote.id, kind=vote.kind,
                 title=vote.title, options=vote.options, seats=vote.seats, exact=vote.exact,
                 rule=vote.rule, allow_change=vote.allow_change,
                 require_checked_in=vote.require_checked_in,
                 countdown_seconds=vote.countdown_seconds, created_by=actor.user_id)
    db.session.add(again)
    db.session.flush()
    meeting_events.record(actor, meeting, "vote.revote", ("vote", again.id),
                {"previous_vote_id": vote.id, "round": again.round})
    db.session.commit()
    return again


MANUAL_ENTRY = {"secretariat"}  # enters what the hall counted
MANUAL_CONFIRM = {"chair"}  # makes it the result


def record_manual_result(actor: Actor, vote_id: int, counts: dict, note: str,
                         ballots_issued=None) -> dict:
    """When tablets fail: the secretariat enters counts from a show of hands or paper
    ballots. They count only after the chair confirms them (`decide_manual_result`), and
    only for a vote that is not open and holds no electronic ballot (or was cancelled)."""
    vote, meeting = _get(actor, vote_id, MANUAL_ENTRY)
    if vote.status == "open":
        raise VoteError("Cuộc biểu quyết đang mở: hãy kết thúc hoặc hủy trước khi kiểm thủ công.",
                        code="vote_open")
    if vote.status not in ("draft", "cancelled"):
        raise VoteError("Cuộc biểu quyết đã có kết quả.", code="vote_closed")
    if vote.status == "draft" and _received(vote):
        raise VoteError("Cuộc biểu quyết đã có phiếu điện tử.", code="has_electronic_ballots")
    if vote.kind in ("confidence", "no_confidence"):
        raise Invalid("Phiếu tín nhiệm giấy do Ban kiểm phiếu lập biên bản; chưa hỗ trợ nhập tay.",
                      code="manual_not_supported")
    if _pending_manual(vote) is not None:
        raise VoteError("Đã có kết quả kiểm thủ công chờ chủ tọa xác nhận.",
                        code="manual_pending")
    note = " ".join((note or "").split()) if isinstance(note, str) else ""
    if not note:
        raise Invalid("Ghi rõ cách kiểm (giơ tay, phiếu giấy…).", code="reason_required")
    total = vote.total_delegates or hall.attendance_summary(meeting, meeting_events.state_for(meeting))[
        "total"]
    try:
        figures, issued = rules.check_manual_counts(
            vote.kind, [str(o[0]) for o in vote.options], counts, issued=ballots_issued,
            total=total, seats=vote.seats)
    except rules.BallotError as exc:
        raise Invalid(exc.message, code=exc.code) from exc
    entry = ManualCount(vote_id=vote.id, counts=figures, ballots_issued=issued,
                        note=note[:500], status="pending", entered_by=actor.user_id)
    db.session.add(entry)
    db.session.flush()
    meeting_events.record(actor, meeting, "vote.manual_entered", ("vote", vote.id),
                {"counts": figures, "ballots_issued": issued, "note": entry.note,
                 "manual_count_id": entry.id})
    message = meeting_events.commit_and_announce(meeting, "vote.manual_pending",
                                       {"vote": public(vote), "manual": manual_json(entry)},
                                       actor)
    return message


def _pending_manual(vote: Vote) -> ManualCount | None:
    return db.session.scalar(select(ManualCount).where(
        ManualCount.vote_id == vote.id, ManualCount.status == "pending"))


def manual_json(entry: ManualCount | None) -> dict | None:
    if entry is None:
        return None
    return {"id": entry.id, "vote_id": entry.vote_id, "counts": entry.counts,
            "ballots_issued": entry.ballots_issued, "note": entry.note, "status": entry.status,
            "entered_at": _iso(entry.entered_at), "decided_at": _iso(entry.decided_at)}


def pending_manual_of(actor: Actor, vote_id: int) -> dict | None:
    vote, _meeting = _get(actor, vote_id, STAFF)
    return manual_json(_pending_manual(vote))


def decide_manual_result(actor: Actor, vote_id: int, confirm: bool) -> dict:
    """The chair confirms (the counts become the result, marked manual) or rejects them."""
    vote, meeting = _get(actor, vote_id, MANUAL_CONFIRM)
    entry = _pending_manual(vote)
    if entry is None:
        raise VoteError("Không có kết quả kiểm thủ công chờ xác nhận.", code="no_manual_pending")
    if vote.status not in ("draft", "cancelled") or (vote.status == "draft" and _received(vote)):
        raise VoteError("Cuộc biểu quyết không còn nhận kết quả kiểm thủ công.",
                        code="vote_closed")
    entry.decided_by, entry.decided_at = actor.user_id, _now()
    if not confirm:
        entry.status = "rejected"
        meeting_events.record(actor, meeting, "vote.manual_rejected", ("vote", vote.id),
                    {"manual_count_id": entry.id})
        return meeting_events.commit_and_announce(meeting, "vote.manual_rejected",
                                        {"vote": public(vote), "manual": manual_json(entry)},
                                        actor)
    entry.status = "confirmed"
    counts, issued = entry.counts, entry.ballots_issued
    total = vote.total_delegates or hall.attendance_summary(meeting, meeting_events.state_for(meeting))[
        "total"]
    vote.total_delegates = total
    vote.status, vote.manual, vote.manual_note = "closed", True, entry.note[:500]
    vote.closed_at = _now()
    vote.opened_at = vote.opened_at or vote.closed_at
    vote.present = max(_present(meeting), issued)
    if vote.kind == "election":
        ballots: list[list[int]] = []  # per-candidate counts; ballots are not itemised
        for candidate, n in counts.items():
            ballots.extend([[int(candidate)]] * n)
        result = rules.tally_election([tuple(o) for o in vote.options], ballots,
                                      seats=vote.seats, total=total,
                                      present=vote.present).to_dict()
        result["voted"] = issued  # those who took part, not the names marked
    else:
        expanded = [code for code, n in counts.items() for _ in range(n)]
        result = rules.tally_choices(vote.kind, [tuple(o) for o in vote.options], expanded,
                                     total=total, present=vote.present, rule=vote.rule).to_dict()
    result["manual"] = True
    result["ballots_issued"] = issued
    result["statement"].insert(0, f"Kết quả kiểm thủ công ({vote.manual_note}).")
    vote.result = result
    meeting_events.record(actor, meeting, "vote.manual_result", ("vote", vote.id),
                {**_counts(vote), "note": vote.manual_note, "manual": True,
                 "manual_count_id": entry.id})
    message = meeting_events.commit_and_announce(meeting, "vote.closed",
                                       {"vote": public(vote), "progress": progress(vote, meeting)},
                                       actor)
    return {**message, "result": vote.result}


# --- casting -------------------------------------------------------------------

def _check_key(key) -> str:
    if not isinstance(key, str) or not 8 <= len(key) <= 100 or not key.isprintable():
        raise Invalid("Thiếu mã chống gửi trùng (idempotency_key, 8–100 ký tự).",
                      code="invalid_idempotency_key")
    return key


def _ballot_for(vote: Vote, choice, selections, ratings) -> rules.Ballot:
    try:
        if vote.kind in ("open", "secret"):
            return rules.check_choice(choice, [o[0] for o in vote.options])
        if vote.kind == "election":
            return rules.check_selections(selections, [o[0] for o in vote.options], vote.seats,
                                          vote.exact)
        levels = rules.CONFIDENCE_LEVELS if vote.kind == "confidence" else \
            rules.NO_CONFIDENCE_LEVELS
        return rules.check_ratings(ratings, [o[0] for o in vote.options],
                                   [c for c, _ in levels])
    except rules.BallotError as exc:
        raise Invalid(exc.message, code=exc.code) from exc


def cast(actor: Actor, vote_id: int, *, idempotency_key, choice=None, selections=None,
         ratings=None) -> dict:
    """Record the actor's ballot; returns the acknowledgement only after the commit."""
    key = _check_key(idempotency_key)
    for attempt in range(3):
        try:
            ack, meeting_id = _cast_once(actor, vote_id, key, choice, selections, ratings)
            break
        except IntegrityError:
            # Another request of the same delegate committed first (a retry racing the
            # original): start again and find its receipt.
            db.session.rollback()
            db.session.expire_all()
            if attempt == 2:
                raise
    # Built when the coalesced message goes out, not on every one of 500 casts.
    events.announce(meeting_id, "vote.progress", partial(_progress_of, vote_id))
    return ack


def _progress_of(vote_id: int) -> dict | None:
    vote = db.session.get(Vote, vote_id)
    if vote is None:
        return None
    return progress(vote, db.session.get(Meeting, vote.meeting_id))


def _cast_facts_statement(lock: bool):
    """Everything one ballot is checked against, in one statement: the vote, its meeting
    and session phase, the delegate (of the vote's council, among the actor's) with their
    latest status and their attendance at the current sitting, a receipt for this key and
    a ballot already cast. Built once (bound parameters): 500 ballots in a second are 500
    executions of it, not 6,000 ORM loads. With `lock` (PostgreSQL) it share-locks the
    vote row: closing takes it exclusively, so a ballot is either counted by the close or
    refused as `vote_not_open`, never acknowledged after the tally (SQLite serialises
    writers already)."""
    latest_status = delegates.latest_status()
    query = (
        select(Vote.id, Vote.meeting_id, Vote.kind, Vote.options, Vote.seats, Vote.exact,
               Vote.allow_change, Vote.require_checked_in, Vote.status, Vote.closes_at,
               Meeting.council_id, Meeting.term_id, Meeting.status.label("meeting_status"),
               LiveState.phase, LiveState.sitting_id,
               Delegate.id.label("delegate_id"), Delegate.term_id.label("delegate_term_id"),
               latest_status.label("delegate_status"),
               Attendance.status.label("attendance"),
               CastReceipt.ack.label("receipt"),
               OpenBallot.id.label("ballot_id"),
               SecretParticipation.idempotency_key.label("taken_key"))
        .select_from(Vote)
        .join(Meeting, Meeting.id == Vote.meeting_id)
        .outerjoin(LiveState, LiveState.meeting_id == Vote.meeting_id)
        .outerjoin(Delegate, and_(Delegate.id.in_(bindparam("delegate_ids", expanding=True)),
                                  Delegate.council_id == Meeting.council_id))
        .outerjoin(Attendance, and_(Attendance.sitting_id == LiveState.sitting_id,
                                    Attendance.delegate_id == Delegate.id))
        .outerjoin(CastReceipt, and_(CastReceipt.vote_id == Vote.id,
                                     CastReceipt.delegate_id == Delegate.id,
                                     CastReceipt.idempotency_key == bindparam("key")))
        .outerjoin(OpenBallot, and_(OpenBallot.vote_id == Vote.id,
                                    OpenBallot.delegate_id == Delegate.id))
        .outerjoin(SecretParticipation, and_(SecretParticipation.vote_id == Vote.id,
                                             SecretParticipation.delegate_id == Delegate.id))
        .where(Vote.id == bindparam("vote_id")))
    return query.with_for_update(read=True, of=Vote) if lock else query


_CAST_FACTS = {False: _cast_facts_statement(False), True: _cast_facts_statement(True)}
# On the tables, not the mapped classes: the ORM's bulk machinery costs more than the insert.
_INSERT_PARTICIPATION = insert(SecretParticipation.__table__)
_INSERT_OPEN_BALLOT = insert(OpenBallot.__table__)
_ballots = OpenBallot.__table__.c
_CHANGE_OPEN_BALLOT = update(OpenBallot.__table__).where(
    _ballots.id == bindparam("ballot_id")).values(
    choice=bindparam("new_choice"), cast_at=bindparam("new_cast_at"),
    changes=_ballots.changes + 1)
_INSERT_RECEIPT = insert(CastReceipt.__table__)


def _cast_facts(actor: Actor, vote_id: int, key: str):
    lock = db.session.get_bind().dialect.name == "postgresql"
    return db.session.execute(_CAST_FACTS[lock], {
        "vote_id": vote_id, "key": key,
        "delegate_ids": sorted(actor.delegate_ids.values())}).first()


def _cast_once(actor: Actor, vote_id: int, key: str, choice, selections,
               ratings) -> tuple[dict, int]:
    facts = _cast_facts(actor, vote_id, key)
    if facts is None:
        raise NotFound("Không tìm thấy cuộc biểu quyết.")
    require_meeting_access(actor, facts.council_id, facts.meeting_status)
    delegate_id = actor.votes_in(facts.council_id)
    if delegate_id is None:
        raise Forbidden("Chỉ đại biểu được bỏ phiếu.", code="not_a_delegate")
    secret = facts.kind in rules.SECRET_KINDS
    # A retry is answered as the first time, even after the vote has closed.
    if secret and facts.taken_key is not None:
        if facts.taken_key == key:
            return _secret_ack(vote_id), facts.meeting_id
        raise VoteError("Bạn đã bỏ phiếu kín cho cuộc này; phiếu kín không thể thay đổi.",
                        code="already_voted")
    if not secret and facts.receipt is not None:
        return facts.receipt, facts.meeting_id
    if facts.status != "open":
        raise VoteError("Cuộc biểu quyết không mở.", code="vote_not_open")
    _require_running(facts.meeting_status, facts.phase)
    if facts.closes_at is not None and _now() > facts.closes_at:
        db.session.rollback()
        close_due(facts.meeting_id)  # the late tap is what noticed the time: close it now
        raise VoteError("Đã hết thời gian biểu quyết.", code="vote_time_over")
    if facts.delegate_id != delegate_id or facts.delegate_status != "active" or \
            facts.delegate_term_id != facts.term_id:
        raise Forbidden("Đại biểu không còn hoạt động trong nhiệm kỳ này.",
                        code="delegate_inactive")
    if facts.require_checked_in and (facts.sitting_id is None or facts.attendance != "present"):
        raise VoteError("Bạn cần điểm danh trước khi biểu quyết.", code="not_checked_in")
    ballot = _ballot_for(facts, choice, selections, ratings)
    if secret:
        db.session.execute(_INSERT_PARTICIPATION, {
            "vote_id": vote_id, "delegate_id": delegate_id, "idempotency_key": key})
        # the facts carry what sealing reads of the vote: id, kind, options, seats
        db.session.add(ballot_box.seal(facts, _content(facts, ballot)))
        db.session.commit()
        return _secret_ack(vote_id), facts.meeting_id
    now = _now()
    if facts.ballot_id is None:
        db.session.execute(_INSERT_OPEN_BALLOT, {
            "vote_id": vote_id, "delegate_id": delegate_id, "choice": ballot.choice,
            "cast_at": now, "changes": 0})
    elif not facts.allow_change:
        raise VoteError("Bạn đã biểu quyết; cuộc này không cho phép thay đổi.",
                        code="already_voted")
    else:
        db.session.execute(_CHANGE_OPEN_BALLOT, {
            "ballot_id": facts.ballot_id, "new_choice": ballot.choice, "new_cast_at": now})
    ack = {"vote_id": vote_id, "received": True, "choice": ballot.choice,
           "cast_at": now.isoformat(), "idempotency_key": key}
    db.session.execute(_INSERT_RECEIPT, {
        "vote_id": vote_id, "delegate_id": delegate_id, "idempotency_key": key, "ack": ack})
    db.session.commit()
    return ack, facts.meeting_id


def _require_running(meeting_status: str, phase: str | None) -> None:
    """A vote belongs to the running session: no ballot while it is paused or closed."""
    phase = phase or "not_started"
    if meeting_status == "closed" or phase == "closed":
        raise VoteError("Kỳ họp đã bế mạc; không nhận phiếu.", code="session_closed")
    if phase == "paused":
        raise VoteError("Phiên họp đang tạm dừng; chưa nhận phiếu.", code="session_paused")
    if phase != "running":
        raise VoteError("Phiên họp chưa khai mạc.", code="session_not_open")


def _content(vote: Vote, ballot: rules.Ballot) -> dict:
    if vote.kind == "secret":
        return {"choice": ballot.choice}
    if vote.kind == "election":
        return {"selections": list(ballot.selections)}
    return {"ratings": {str(p): level for p, level in ballot.ratings}}


def _secret_ack(vote_id: int) -> dict:
    # No choice, no time: the tablet already knows what it sent, and a stored or logged
    # acknowledgement must not say it.
    return {"vote_id": vote_id, "received": True, "secret": True}


# --- reading -------------------------------------------------------------------

def my_ballot(actor: Actor, vote: Vote, meeting: Meeting) -> dict | None:
    """What a second device of the same delegate shows: the current choice, or for a secret
    ballot only that the delegate took part."""
    delegate_id = actor.delegate_ids.get(meeting.council_id)
    if delegate_id is None:
        return None
    if vote.kind in rules.SECRET_KINDS:
        taken = db.session.get(SecretParticipation, (vote.id, delegate_id)) is not None
        return {"voted": taken}
    ballot = db.session.scalar(select(OpenBallot).where(
        OpenBallot.vote_id == vote.id, OpenBallot.delegate_id == delegate_id))
    return {"voted": ballot is not None, "choice": ballot.choice if ballot else None}


def state_of(actor: Actor, vote_id: int) -> dict:
    vote, meeting = _get(actor, vote_id)
    data = {"vote": public(vote), "progress": progress(vote, meeting),
            "mine": my_ballot(actor, vote, meeting)}
    if vote.status == "closed" and actor.has(meeting.council_id, STAFF):
        data["result"] = vote.result
    return data


def result_of(actor: Actor, vote_id: int) -> dict:
    vote, meeting = _get(actor, vote_id)
    staff = actor.is_superuser or actor.has(meeting.council_id, STAFF)
    if vote.status == "announced" or (vote.status == "closed" and staff):
        return {"vote": public(vote), "result": vote.result}
    raise VoteError("Kết quả chưa được công bố.", code="result_not_available")


def list_votes(actor: Actor, meeting_id: int) -> list[Vote]:
    meeting = get_meeting(actor, meeting_id)
    return list(db.session.scalars(select(Vote).where(Vote.meeting_id == meeting.id)
                                   .order_by(Vote.id)))


def current_for_snapshot(actor: Actor, meeting: Meeting, state=None) -> dict | None:
    """The vote the hall should see: the open one, else the latest closed or announced —
    until the chair moves on (`LiveState.dismissed_vote_id`)."""
    vote = _open_vote_of(meeting) or db.session.scalar(
        select(Vote).where(Vote.meeting_id == meeting.id,
                           Vote.status.in_(("closed", "announced", "cancelled")))
        .order_by(Vote.closed_at.desc(), Vote.id.desc()).limit(1))
    if vote is None:
        return None
    if state is not None and vote.status != "open" and state.dismissed_vote_id == vote.id:
        return None
    data = {"vote": public(vote), "progress": progress(vote, meeting),
            "mine": my_ballot(actor, vote, meeting)}
    if vote.status == "closed" and (actor.is_superuser or actor.has(meeting.council_id, STAFF)):
        data["result"] = vote.result
    return data
