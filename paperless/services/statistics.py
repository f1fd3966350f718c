"""The council's activity statistics by year or by term: the queries. The counting rules
are in paperless.domain.statistics."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from paperless import db
from paperless.domain import oversight as oversight_rules
from paperless.domain import statistics as rules
from paperless.domain.delegates import StatusChange, serving_on
from paperless.domain.labels import MEETING_KINDS
from paperless.domain.voting import KINDS as VOTE_KINDS
from paperless.models import (
    Attendance,
    Council,
    Delegate,
    Meeting,
    MeetingInvitee,
    OpenBallot,
    Opinion,
    QuestionSlip,
    Resolution,
    SecretParticipation,
    Sitting,
    SpeakerRequest,
    Term,
    Vote,
)
from paperless.services import clock
from paperless.services import oversight as oversight_service
from paperless.services.access import STAFF, Actor, require
from paperless.services.errors import Invalid, NotFound

VIEWERS = STAFF  # admin, secretariat, chair


def resolutions_issued(council_id: int, start: date, end: date | None) -> int:
    """Nghị quyết issued (numbered) by the council between `start` and `end` (open for a
    running term), by their issue date: a December meeting's resolution numbered in
    January counts in January's year, as its number does (numbers restart each year)."""
    query = select(func.count(Resolution.id)).where(
        Resolution.council_id == council_id, Resolution.number.is_not(None),
        Resolution.issued_on >= start)
    if end is not None:
        query = query.where(Resolution.issued_on <= end)
    return db.session.scalar(query) or 0


def periods(actor: Actor, council_id: int) -> dict:
    """The years and terms that have meetings, for the page's period picker."""
    require(actor, council_id, VIEWERS)
    years = sorted({d.year for d in db.session.scalars(
        select(Meeting.start_date).where(Meeting.council_id == council_id))}, reverse=True)
    terms = db.session.scalars(select(Term).where(Term.council_id == council_id)
                               .order_by(Term.start_date.desc())).all()
    return {"years": years, "terms": [{"id": t.id, "name": t.name} for t in terms]}


def council_statistics(actor: Actor, council_id: int, *, year: int | None = None,
                       term_id: int | None = None, quarter: int | None = None,
                       today: date | None = None) -> dict:
    require(actor, council_id, VIEWERS)
    council = db.session.get(Council, council_id)
    if council is None:
        raise NotFound("Không tìm thấy Hội đồng.")
    today = today or clock.today(council_id)
    query = select(Meeting).where(Meeting.council_id == council_id)
    if quarter is not None and (term_id is not None or not 1 <= quarter <= 4):
        raise Invalid("Quý phải từ 1 đến 4 và đi cùng một năm.", code="invalid_quarter")
    if term_id is not None:
        term = db.session.get(Term, term_id)
        if term is None or term.council_id != council_id:
            raise NotFound("Không tìm thấy nhiệm kỳ.")
        query = query.where(Meeting.term_id == term.id)
        period = {"kind": "term", "term_id": term.id, "label": f"Nhiệm kỳ {term.name}",
                  "start": term.start_date.isoformat(),
                  "end": term.end_date.isoformat() if term.end_date else None}
        start, end = term.start_date, term.end_date
    else:
        year = year or today.year
        if not 1990 <= year <= 2200:
            raise Invalid("Năm không hợp lệ.", code="invalid_year")
        start, end = rules.year_period(year)
        period = {"kind": "year", "year": year, "label": f"Năm {year}"}
        if quarter is not None:
            start, end = oversight_rules.quarter_period(year, quarter)
            period = {"kind": "quarter", "year": year, "quarter": quarter,
                      "label": f"Quý {quarter} năm {year}"}
        query = query.where(Meeting.start_date >= start, Meeting.start_date <= end)
        period.update({"start": start.isoformat(), "end": end.isoformat()})
    meetings = [m for m in db.session.scalars(query.order_by(Meeting.start_date, Meeting.id))
                if m.status in rules.HELD]
    by_id = {m.id: m for m in meetings}
    ids = list(by_id)

    sittings = db.session.execute(select(Sitting.id, Sitting.meeting_id).where(
        Sitting.meeting_id.in_(ids))).all() if ids else []
    votes = db.session.scalars(select(Vote).where(
        Vote.meeting_id.in_(ids), Vote.status.in_(rules.COUNTED_VOTES))).all() if ids else []
    slips = db.session.scalars(select(QuestionSlip).where(
        QuestionSlip.meeting_id.in_(ids))).all() if ids else []

    figures = _delegate_figures(meetings, sittings, votes, slips)
    officials = {i.id: i for i in db.session.scalars(select(MeetingInvitee).where(
        MeetingInvitee.id.in_({s.official_id for s in slips})))} if slips else {}
    question_rows = []
    for slip in slips:
        outcome = rules.question_outcome(slip.status, slip.written_deadline, today)
        if outcome is not None:
            official = officials[slip.official_id]
            question_rows.append((official.full_name, official.title, outcome))
    question_totals, by_official = rules.question_figures(question_rows)

    return {
        "council": {"id": council.id, "name": council.name},
        "period": period,
        "generated_on": today.isoformat(),
        "meetings": {"total": len(meetings),
                     "by_kind": rules.count_by((m.kind for m in meetings), MEETING_KINDS),
                     "sittings": len(sittings),
                     "list": [{"id": m.id, "title": m.title, "kind": m.kind,
                               "start_date": m.start_date.isoformat()} for m in meetings]},
        "resolutions": {"issued": resolutions_issued(council_id, start, end)},
        "votes": {"total": len(votes),
                  "by_kind": rules.count_by((v.kind for v in votes), VOTE_KINDS),
                  "passed": sum(1 for v in votes if (v.result or {}).get("passed") is True),
                  "secret": sum(1 for v in votes if v.kind != "open")},
        "questions": {**question_totals, "by_official": [o.to_dict() for o in by_official]},
        "delegates": [f.to_dict() for f in figures],
        "oversight": oversight_service.figures(council, start, end, today),
        "labels": {"meeting_kinds": MEETING_KINDS, "vote_kinds": VOTE_KINDS,
                   "outcomes": rules.OUTCOMES},
    }


def _delegate_figures(meetings, sittings, votes, slips) -> list[rules.DelegateFigures]:
    term_ids = {m.term_id for m in meetings}
    if not term_ids:
        return []
    delegates = db.session.scalars(select(Delegate).where(Delegate.term_id.in_(term_ids))
                                   .options(selectinload(Delegate.status_changes),
                                            selectinload(Delegate.group))
                                   .order_by(Delegate.id)).all()
    meeting_of = {m.id: m for m in meetings}
    sitting_meeting = dict(sittings)
    histories = {d.id: [StatusChange(c.status, c.effective_date) for c in d.status_changes]
                 for d in delegates}

    def serving(delegate: Delegate, meeting: Meeting) -> bool:
        return delegate.term_id == meeting.term_id and \
            serving_on(histories[delegate.id], meeting.start_date)

    marks = Counter()
    if sitting_meeting:
        for delegate_id, status, count in db.session.execute(
                select(Attendance.delegate_id, Attendance.status, func.count())
                .where(Attendance.sitting_id.in_(sitting_meeting))
                .group_by(Attendance.delegate_id, Attendance.status)):
            marks[(delegate_id, status)] += count
    vote_ids = [v.id for v in votes]
    taken = Counter()
    if vote_ids:
        for model in (OpenBallot, SecretParticipation):
            for delegate_id, count in db.session.execute(
                    select(model.delegate_id, func.count()).where(model.vote_id.in_(vote_ids))
                    .group_by(model.delegate_id)):
                taken[delegate_id] += count
    speeches = Counter(db.session.scalars(select(SpeakerRequest.delegate_id).where(
        SpeakerRequest.meeting_id.in_(meeting_of), SpeakerRequest.kind.in_(rules.SPEECH_KINDS),
        SpeakerRequest.started_at.is_not(None))))
    questions = Counter(s.delegate_id for s in slips if s.status != "withdrawn")
    # merged opinions still count for their author; group opinions count for no delegate
    opinions = Counter(db.session.scalars(select(Opinion.delegate_id).where(
        Opinion.meeting_id.in_(meeting_of), Opinion.delegate_id.is_not(None),
        Opinion.status != "withdrawn")))

    sittings_per_meeting = Counter(sitting_meeting.values())
    votes_per_meeting = Counter(v.meeting_id for v in votes)
    result = []
    for d in delegates:
        serving_in = [m for m in meetings if serving(d, m)]
        f = rules.DelegateFigures(
            delegate_id=d.id, name=d.full_name, group=d.group.name if d.group else "",
            sittings=sum(sittings_per_meeting[m.id] for m in serving_in),
            present=marks[(d.id, "present")], excused=marks[(d.id, "absent_excused")],
            votes=sum(votes_per_meeting[m.id] for m in serving_in), votes_taken=taken[d.id],
            speeches=speeches[d.id], questions=questions[d.id], opinions=opinions[d.id])
        if serving_in or f.present or f.questions or f.opinions:
            result.append(f)
    return result


def period_args(args) -> dict:
    """The period of a request's arguments (the API's and the page's): `?year=2026` (with `&quarter=1..4`) or `?term_id=3` (neither: the current year)."""
    chosen = {}
    for name in ("year", "term_id", "quarter"):
        raw = args.get(name, "").strip()
        if raw:
            try:
                chosen[name] = db.id_arg(raw)
            except ValueError:
                raise Invalid(f"Tham số “{name}” phải là số nguyên dương.",
                              details={name: "type"}) from None
    if "quarter" in chosen and "year" not in chosen:
        raise Invalid("Chọn quý thì phải chọn năm.", details={"quarter": "needs year"})
    if "year" in chosen and "term_id" in chosen:
        raise Invalid("Chọn theo năm hoặc theo nhiệm kỳ, không cả hai.",
                      details={"year": "conflict", "term_id": "conflict"})
    return chosen
