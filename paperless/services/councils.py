"""Councils, terms, delegate groups and committees."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from paperless import db
from paperless.domain import clock as clock_rules
from paperless.domain import council_settings as settings_rules
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


# --- what the resolutions take from the council (domain/council_settings.py) ------------

SETTINGS_READERS = MANAGERS | {"chair"}


def _signers(council_id: int) -> list[dict]:
    from paperless.models import User
    from paperless.services import signing_keys

    users = db.session.scalars(select(User).join(
        RoleAssignment, RoleAssignment.user_id == User.id).where(
        RoleAssignment.council_id == council_id, RoleAssignment.role == "chair",
        User.is_active.is_(True)).order_by(User.full_name)).unique().all()
    out = []
    for user in users:
        own = signing_keys.signer_image_path(council_id, user.id).is_file()
        shared = signing_keys.image(council_id, "chair-signature.png") is not None
        out.append({"user_id": user.id, "full_name": user.full_name, "role": "chair",
                    "image": "own" if own else ("council" if shared else None)})
    return out


def _current(council: Council) -> dict:
    return {"place_name": council.place_name or "",
            "session_number_style": council.session_number_style or "words",
            "time_zone": council.time_zone or clock_rules.DEFAULT_ZONE,
            "recipients": council.recipients or "",
            "term_numbers": {t.id: t.number for t in council.terms}}


def settings(actor: Actor, council_id: int) -> dict:
    """The council's settings for its resolutions, with what they print."""
    from paperless.domain import resolutions as rules

    council = get_council(actor, council_id, SETTINGS_READERS)
    current = _current(council)
    place = council.place_name or rules.place_name(council.name)
    term = current_term(council.id)
    style = current["session_number_style"]
    return {"council_id": council.id, "name": council.name, **current,
            "term_numbers": {str(k): v for k, v in current["term_numbers"].items()},
            "terms": [{"id": t.id, "name": t.name, "number": t.number,
                       "khoa": rules.roman(t.number) if t.number else None}
                      for t in council.terms],
            "signers": _signers(council.id),
            "styles": settings_rules.SESSION_NUMBER_STYLES,
            "preview": {
                "place_date": rules.place_date_line(place, clock.today(council.id)),
                "session_line": rules.session_line(term.number if term else None,
                                                   term.name if term else "", 1, style),
                "recipients": rules.recipients(current["recipients"])}}


def _invalid(exc: settings_rules.SettingsError) -> Invalid:
    return Invalid(exc.message, code=exc.code, details={exc.field: exc.code})


def update_settings(actor: Actor, council_id: int, sent: dict) -> dict:
    """Change some settings (the others stay); recorded in the audit chain."""
    council = get_council(actor, council_id, MANAGERS)
    terms = {t.id: t for t in council.terms}
    try:
        clean = settings_rules.check_changes(sent, set(terms))
        if "term_numbers" in clean:
            settings_rules.distinct_khoa({**{t.id: t.number for t in terms.values()},
                                          **clean["term_numbers"]})
    except settings_rules.SettingsError as exc:
        raise _invalid(exc) from exc
    before = _current(council)
    after = {**clean}
    if "term_numbers" in clean:
        after["term_numbers"] = {**before["term_numbers"], **clean["term_numbers"]}
    diff = settings_rules.changed(before, after)
    for name in ("place_name", "session_number_style", "time_zone", "recipients"):
        if name in clean:
            setattr(council, name, clean[name])
    for term_id, number in clean.get("term_numbers", {}).items():
        terms[term_id].number = number
    if diff:
        if "term_numbers" in diff:
            old, new = diff["term_numbers"]
            diff["term_numbers"] = {str(k): [old.get(k), v] for k, v in new.items()
                                    if old.get(k) != v}
        audit.record(actor, "council.settings", council_id=council.id,
                     subject=("council", council.id), details=diff)
    db.session.commit()
    return settings(actor, council.id)


def set_signature_image(actor: Actor, council_id: int, user_id: int, data: bytes) -> dict:
    """A chair's handwritten signature (blue, transparent PNG), drawn at the signature place
    when that chair signs; kept in the signing folder, beside the keys."""
    import hashlib
    import io

    from PIL import Image, UnidentifiedImageError

    from paperless.services import signing_keys

    council = get_council(actor, council_id, MANAGERS)
    if not any(s["user_id"] == user_id for s in _signers(council.id)):
        raise NotFound("Không tìm thấy người ký (Chủ tịch) của Hội đồng nhân dân này.")
    try:
        with Image.open(io.BytesIO(data)) as img:
            mode = img.mode + ("+transparency" if "transparency" in img.info else "")
            settings_rules.check_signature_image(img.format, mode, img.size, len(data))
            img.verify()
    except settings_rules.SettingsError as exc:
        raise _invalid(exc) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as exc:
        raise Invalid("Không đọc được ảnh chữ ký (PNG).", code="image_unreadable",
                      details={"image": "image_unreadable"}) from exc
    path = signing_keys.signer_image_path(council.id, user_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    import signing

    signing.write_atomically(path, data)
    audit.record(actor, "council.signature_image", council_id=council.id,
                 subject=("council", council.id),
                 details={"user_id": user_id, "sha256": hashlib.sha256(data).hexdigest()})
    db.session.commit()
    return settings(actor, council.id)
