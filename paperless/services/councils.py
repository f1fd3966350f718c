"""Councils, terms, delegate groups and committees."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from paperless import db
from paperless.domain.labels import COUNCIL_LEVELS
from paperless.models import Committee, Council, DelegateGroup, RoleAssignment, Term
from paperless.services import audit, clock
from paperless.services.access import MANAGERS, PARTICIPANTS, Actor, require
from paperless.services.errors import Conflict, Forbidden, Invalid, NotFound


def list_councils(actor: Actor) -> list[Council]:
    query = select(Council).order_by(Council.name)
    if not actor.is_superuser:
        query = query.where(Council.id.in_(actor.council_ids))
    return list(db.session.scalars(query))


def get_council(actor: Actor, council_id: int, allowed=PARTICIPANTS) -> Council:
    council = db.session.get(Council, council_id)
    if council is None:
        raise NotFound("Không tìm thấy Hội đồng nhân dân.")
    require(actor, council.id, allowed)
    return council


def create_council(actor: Actor, *, name: str, level: str, parent_id: int | None) -> Council:
    """A superuser creates any council; a council admin creates councils under their own.

    The creator becomes the new council's admin so it is never orphaned.
    """
    name = " ".join((name or "").split())
    if not name:
        raise Invalid("Tên Hội đồng nhân dân không được để trống.", details={"name": "required"})
    if level not in COUNCIL_LEVELS:
        raise Invalid(f"Cấp không hợp lệ: {level}.", details={"level": sorted(COUNCIL_LEVELS)})
    if parent_id is not None:
        get_council(actor, parent_id, allowed={"admin"})
    elif not actor.is_superuser:
        raise Forbidden("Chỉ quản trị hệ thống được tạo HĐND cấp cao nhất.")
    council = Council(name=name[:200], level=level, parent_id=parent_id)
    db.session.add(council)
    db.session.flush()
    if actor.user_id is not None:  # the CLI's system actor has no account
        db.session.add(RoleAssignment(user_id=actor.user_id, council_id=council.id, role="admin"))
    audit.record(actor, "council.created", council_id=council.id, subject=("council", council.id),
                 details={"name": council.name, "level": level, "parent_id": parent_id})
    db.session.commit()
    return council


def create_term(actor: Actor, council_id: int, *, name: str, start_date: date,
                end_date: date | None, seats: int) -> Term:
    require(actor, council_id, MANAGERS)
    if not name.strip():
        raise Invalid("Tên nhiệm kỳ không được để trống.")
    if seats < 1 or seats > 1000:
        raise Invalid("Số đại biểu được bầu phải từ 1 đến 1000.")
    if end_date and end_date <= start_date:
        raise Invalid("Ngày kết thúc phải sau ngày bắt đầu.")
    term = Term(council_id=council_id, name=name.strip()[:40], start_date=start_date,
                end_date=end_date, seats=seats)
    db.session.add(term)
    db.session.flush()
    audit.record(actor, "term.created", council_id=council_id, subject=("term", term.id),
                 details={"name": term.name, "start_date": start_date, "end_date": end_date,
                          "seats": seats})
    db.session.commit()
    return term


def current_term(council_id: int, on: date | None = None) -> Term | None:
    on = on or clock.today(council_id)
    terms = db.session.scalars(
        select(Term).where(Term.council_id == council_id).order_by(Term.start_date.desc())
    ).all()
    for term in terms:
        if term.start_date <= on and (term.end_date is None or on <= term.end_date):
            return term
    return terms[0] if terms else None


def get_term(actor: Actor, term_id: int, allowed=PARTICIPANTS) -> Term:
    term = db.session.get(Term, term_id)
    if term is None:
        raise NotFound("Không tìm thấy nhiệm kỳ.")
    require(actor, term.council_id, allowed)
    return term


def _add_named(actor: Actor, model, council_id: int, name: str):
    require(actor, council_id, MANAGERS)
    name = " ".join((name or "").split())
    if not name:
        raise Invalid("Tên không được để trống.")
    exists = db.session.scalar(
        select(model).where(model.council_id == council_id, model.name == name)
    )
    if exists:
        raise Conflict(f"Đã có: {name}.")
    row = model(council_id=council_id, name=name[:120])
    db.session.add(row)
    db.session.flush()
    audit.record(actor, f"{model.__tablename__}.created", council_id=council_id,
                 subject=(model.__tablename__, row.id), details={"name": row.name})
    db.session.commit()
    return row


def add_group(actor: Actor, council_id: int, name: str) -> DelegateGroup:
    return _add_named(actor, DelegateGroup, council_id, name)


def add_committee(actor: Actor, council_id: int, name: str) -> Committee:
    return _add_named(actor, Committee, council_id, name)


OPEN_VOTE_AT_CLOSE = {
    "refuse": "Từ chối bế mạc khi còn cuộc biểu quyết đang mở",
    "close": "Kết thúc và kiểm phiếu cuộc biểu quyết đang mở rồi bế mạc",
}


def session_rules(actor: Actor, council_id: int) -> dict:
    council = get_council(actor, council_id, MANAGERS | {"chair"})
    return {"council_id": council.id, "open_vote_at_close": council.open_vote_at_close,
            "choices": OPEN_VOTE_AT_CLOSE}


def set_session_rules(actor: Actor, council_id: int, *, open_vote_at_close: str) -> dict:
    """Nội quy kỳ họp: what bế mạc does to a vote still open (services/live.py)."""
    council = get_council(actor, council_id, {"admin"})
    if open_vote_at_close not in OPEN_VOTE_AT_CLOSE:
        raise Invalid("Quy định không hợp lệ.",
                      details={"open_vote_at_close": sorted(OPEN_VOTE_AT_CLOSE)})
    council.open_vote_at_close = open_vote_at_close
    audit.record(actor, "council.session_rules", council_id=council.id,
                 subject=("council", council.id),
                 details={"open_vote_at_close": open_vote_at_close})
    db.session.commit()
    return session_rules(actor, council.id)
