"""Delegates, their status over time, and N — the total on a date."""

from __future__ import annotations

import threading
from datetime import date

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from paperless import db
from paperless.domain import delegate_import
from paperless.domain.delegates import StatusChange, total_on
from paperless.domain.labels import DELEGATE_STATUSES, GENDERS
from paperless.models import Committee, Delegate, DelegateGroup, DelegateStatusChange, Term
from paperless.services import audit
from paperless.services.access import MANAGERS, PARTICIPANTS, STAFF, Actor, require
from paperless.services.councils import get_term
from paperless.services.errors import Invalid, NotFound


def list_delegates(actor: Actor, council_id: int, term_id: int | None = None) -> list[Delegate]:
    require(actor, council_id, PARTICIPANTS)
    query = (
        select(Delegate)
        .where(Delegate.council_id == council_id)
        .options(selectinload(Delegate.status_changes), selectinload(Delegate.group),
                 selectinload(Delegate.committee))
        .order_by(Delegate.id)
    )
    if term_id is not None:
        query = query.where(Delegate.term_id == term_id)
    return list(db.session.scalars(query))


def sees_personal_data(actor: Actor, council_id: int) -> bool:
    """Birth dates, gender and status notes are the council staff's: a guest, an official or
    the hall screen sees names and positions only."""
    return actor.is_superuser or actor.has(council_id, STAFF)


def get_delegate(actor: Actor, delegate_id: int, allowed=PARTICIPANTS) -> Delegate:
    delegate = db.session.get(Delegate, delegate_id)
    if delegate is None:
        raise NotFound("Không tìm thấy đại biểu.")
    require(actor, delegate.council_id, allowed)
    return delegate


def _check_links(council_id: int, group_id: int | None, committee_id: int | None) -> None:
    for model, ident, label in ((DelegateGroup, group_id, "Tổ đại biểu"),
                                (Committee, committee_id, "Ban")):
        if ident is not None:
            row = db.session.get(model, ident)
            if row is None or row.council_id != council_id:
                raise Invalid(f"{label} không thuộc Hội đồng này.")


def _clean_fields(full_name: str, gender: str) -> str:
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise Invalid("Họ tên không được để trống.", details={"full_name": "required"})
    if len(full_name) > 120:
        raise Invalid("Họ tên dài quá 120 ký tự.", details={"full_name": "too_long"})
    if gender not in GENDERS:
        raise Invalid("Giới tính không hợp lệ.", details={"gender": sorted(GENDERS)})
    return full_name


def add_delegate(actor: Actor, term_id: int, *, full_name: str, gender: str = "khac",
                 birth_date: date | None = None, group_id: int | None = None,
                 committee_id: int | None = None, positions: list[str] | None = None,
                 serving_from: date | None = None, commit: bool = True) -> Delegate:
    """Add a delegate serving from `serving_from` (default: the term's start; a by-election
    gives a later date)."""
    term = get_term(actor, term_id, MANAGERS)
    full_name = _clean_fields(full_name, gender)
    _check_links(term.council_id, group_id, committee_id)
    delegate = Delegate(
        council_id=term.council_id, term_id=term.id, full_name=full_name, gender=gender,
        birth_date=birth_date, group_id=group_id, committee_id=committee_id,
        positions=[p[:120] for p in (positions or []) if p.strip()],
    )
    delegate.status_changes.append(
        DelegateStatusChange(status="active", effective_date=serving_from or term.start_date)
    )
    db.session.add(delegate)
    db.session.flush()
    audit.record(actor, "delegate.added", council_id=term.council_id,
                 subject=("delegate", delegate.id),
                 details={"full_name": full_name, "term_id": term.id,
                          "serving_from": serving_from or term.start_date})
    if commit:
        db.session.commit()
    return delegate


def update_delegate(actor: Actor, delegate_id: int, *, full_name: str, gender: str,
                    birth_date: date | None, group_id: int | None, committee_id: int | None,
                    positions: list[str]) -> Delegate:
    delegate = get_delegate(actor, delegate_id, MANAGERS)
    delegate.full_name = _clean_fields(full_name, gender)
    _check_links(delegate.council_id, group_id, committee_id)
    delegate.gender, delegate.birth_date = gender, birth_date
    delegate.group_id, delegate.committee_id = group_id, committee_id
    delegate.positions = [p[:120] for p in positions if p.strip()]
    audit.record(actor, "delegate.updated", council_id=delegate.council_id,
                 subject=("delegate", delegate.id),
                 details={"full_name": delegate.full_name, "gender": gender,
                          "group_id": group_id, "committee_id": committee_id,
                          "positions": delegate.positions})
    db.session.commit()
    return delegate


def change_status(actor: Actor, delegate_id: int, *, status: str, effective_date: date,
                  note: str = "") -> Delegate:
    delegate = get_delegate(actor, delegate_id, MANAGERS)
    if status not in DELEGATE_STATUSES:
        raise Invalid("Trạng thái không hợp lệ.", details={"status": sorted(DELEGATE_STATUSES)})
    first = delegate.status_changes[0].effective_date if delegate.status_changes else None
    if first and effective_date < first:
        raise Invalid("Ngày hiệu lực không được trước ngày bắt đầu làm đại biểu.")
    delegate.status_changes.append(
        DelegateStatusChange(status=status, effective_date=effective_date, note=note[:300])
    )
    audit.record(actor, "delegate.status", council_id=delegate.council_id,
                 subject=("delegate", delegate.id),
                 details={"status": status, "effective_date": effective_date, "note": note[:300]})
    db.session.commit()
    return delegate


def latest_status():
    """A delegate's status now, as a scalar subquery correlated to `Delegate.id` (the last
    change in the order of `Delegate.status_changes`, as `Delegate.current_status` reads it)."""
    return (select(DelegateStatusChange.status)
            .where(DelegateStatusChange.delegate_id == Delegate.id)
            .order_by(DelegateStatusChange.effective_date.desc(),
                      DelegateStatusChange.id.desc())
            .limit(1).scalar_subquery())


class Headcounts:
    """N per (term, day), remembered while the term's status history stays as it was.

    The history only grows (a change of status is a new row), so its row count, newest id
    and latest date say whether anything changed: one aggregate read per use instead of
    every delegate's history (a check-in and a join each need N). The fingerprint is read
    from the database every time, so a change made by another process is seen at once;
    there is nothing to invalidate. One per app (tests run several apps and databases).
    """

    LIMIT = 1024  # (term, day) pairs remembered; past it the memory starts again

    def __init__(self):
        self._known: dict[tuple, int] = {}
        self._lock = threading.Lock()

    def total_on(self, term_id: int, day: date) -> int:
        fingerprint = tuple(db.session.execute(
            select(func.count(DelegateStatusChange.id), func.max(DelegateStatusChange.id),
                   func.max(DelegateStatusChange.effective_date))
            .join(Delegate, Delegate.id == DelegateStatusChange.delegate_id)
            .where(Delegate.term_id == term_id)).one())
        key = (term_id, day, fingerprint)
        with self._lock:
            known = self._known.get(key)
        if known is not None:
            return known
        total = _count_serving(term_id, day)
        with self._lock:
            if len(self._known) >= self.LIMIT:
                self._known.clear()
            self._known[key] = total
        return total


def total_delegates_on(term_id: int, day: date) -> int:
    """N on `day` for a term (the base of quorum and every threshold)."""
    headcounts = current_app.extensions.get("paperless.headcounts")
    if headcounts is None:
        headcounts = current_app.extensions.setdefault("paperless.headcounts", Headcounts())
    return headcounts.total_on(term_id, day)


def _count_serving(term_id: int, day: date) -> int:
    """N on `day`, computed from every delegate's status history."""
    rows = db.session.execute(
        select(DelegateStatusChange.delegate_id, DelegateStatusChange.status,
               DelegateStatusChange.effective_date)
        .join(Delegate, Delegate.id == DelegateStatusChange.delegate_id)
        .where(Delegate.term_id == term_id)
        .order_by(DelegateStatusChange.effective_date, DelegateStatusChange.id)
    )
    histories: dict[int, list[StatusChange]] = {}
    for delegate_id, status, effective in rows:
        histories.setdefault(delegate_id, []).append(StatusChange(status, effective))
    return total_on(histories.values(), day)


def import_csv(actor: Actor, term_id: int, data: bytes) -> list[delegate_import.ParsedRow]:
    """Import good rows; return every row with its errors so the page can report them.

    Raises Invalid only when the file as a whole cannot be read.
    """
    term: Term = get_term(actor, term_id, MANAGERS)
    groups = {g.name: g.id for g in db.session.scalars(
        select(DelegateGroup).where(DelegateGroup.council_id == term.council_id))}
    committees = {c.name: c.id for c in db.session.scalars(
        select(Committee).where(Committee.council_id == term.council_id))}
    existing = {name.casefold() for name in db.session.scalars(
        select(Delegate.full_name).where(Delegate.term_id == term.id))}
    try:
        rows = delegate_import.parse(delegate_import.decode(data), groups=set(groups),
                                     committees=set(committees), existing=existing)
    except delegate_import.CsvFormatError as exc:
        raise Invalid(str(exc), code="invalid_csv") from exc
    except Exception as exc:  # csv.Error and friends on hostile input
        raise Invalid("Không đọc được tệp CSV.", code="invalid_csv") from exc
    for row in rows:
        if not row.errors:
            add_delegate(actor, term.id, full_name=row.full_name, gender=row.gender,
                         birth_date=row.birth_date, group_id=groups.get(row.group or ""),
                         committee_id=committees.get(row.committee or ""),
                         positions=row.positions, commit=False)
    db.session.commit()
    return rows
