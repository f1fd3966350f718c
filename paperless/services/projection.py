"""The hall screen as a projector: the chair or the secretariat shows a document page (a
zoomed region of it, or an opinion with its passage), turns pages from the console, and
ends the showing; the screen then returns to the live state.

The state is one row per meeting (`Projection`), so a reloaded screen, a second process or
a tablet joining late draws the same page. Every change bumps `revision` and is announced
as `projection.changed` with the whole state (it is small); clients keep the newest
revision. Which documents may be shown: `domain/projection.py` (public and published only,
because guests see the hall screen).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from paperless import db
from paperless.domain import projection as rules
from paperless.models import Document, LiveState, Opinion, Projection
from paperless.services import audit, events
from paperless.services.access import Actor
from paperless.services.documents import version_of
from paperless.services.errors import Conflict, Invalid, NotFound
from paperless.services.meetings import get_meeting

EVENT = "projection.changed"


def _now() -> datetime:
    return datetime.now(UTC)


def _rule(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except rules.ProjectionRuleError as exc:
        if exc.code == "validation_error":
            raise Invalid(exc.message, details={exc.field: "invalid"} if exc.field else None) \
                from exc
        raise Conflict(exc.message, code=exc.code) from exc


def _row(meeting_id: int, *, lock: bool = False) -> Projection:
    query = select(Projection).where(Projection.meeting_id == meeting_id)
    if lock:
        query = query.with_for_update()
    row = db.session.scalar(query)
    if row is None:
        row = Projection(meeting_id=meeting_id, revision=0)
        db.session.add(row)
        db.session.flush()
    return row


def _opinion_json(opinion: Opinion) -> dict:
    from paperless.services.opinions import authors

    return {"id": opinion.id, "authors": authors(opinion), "article": opinion.article,
            "text": opinion.text, "proposed_wording": opinion.proposed_wording,
            "quote": opinion.quote, "page": opinion.page_number, "rect": opinion.rect}


def state_json(meeting_id: int) -> dict:
    """What the screen shows now; `showing: false` means the live state. A document that is no
    longer projectable (its access rule says otherwise) is not shown, whatever the row says."""
    row = db.session.scalar(select(Projection).where(Projection.meeting_id == meeting_id))
    if row is None or row.document_id is None:
        return {"showing": False, "revision": row.revision if row else 0}
    document = db.session.get(Document, row.document_id)
    if not rules.may_project(document.access, document.published_at is not None):
        return {"showing": False, "revision": row.revision}
    version = next(v for v in document.versions if v.id == row.version_id)
    data = {"showing": True, "revision": row.revision, "document_id": document.id,
            "title": document.title, "version": version.number,
            "page_count": version.page_count, "page": row.page, "rect": row.rect,
            "file_url": f"/api/v1/documents/{document.id}/file?version={version.number}",
            "started_at": row.started_at.isoformat() if row.started_at else None,
            "opinion": None}
    if row.opinion_id is not None:
        data["opinion"] = _opinion_json(db.session.get(Opinion, row.opinion_id))
    return data


def current(actor: Actor, meeting_id: int) -> dict:
    """Every participant of the meeting may ask (the screen shows it to the whole hall)."""
    meeting = get_meeting(actor, meeting_id)
    return state_json(meeting.id)


def _presenting(actor: Actor, meeting_id: int):
    meeting = get_meeting(actor, meeting_id, rules.PRESENTERS)
    if meeting.status == "closed":
        raise Conflict("Kỳ họp đã bế mạc.", code="meeting_closed")
    state = db.session.scalar(select(LiveState).where(LiveState.meeting_id == meeting.id))
    if state is not None and state.phase == "closed":
        raise Conflict("Phiên họp đã bế mạc.", code="session_not_open")
    return meeting


def _commit(actor: Actor, meeting, row: Projection, action: str, details: dict) -> dict:
    row.revision += 1
    audit.record(actor, action, council_id=meeting.council_id, meeting_id=meeting.id,
                 subject=("meeting", meeting.id), details=details)
    db.session.commit()
    data = state_json(meeting.id)
    # the screen, every tablet and the guests: only projectable documents get here
    events.announce(meeting.id, EVENT, data, audience="all")
    return data


def show(actor: Actor, meeting_id: int, *, document_id: int | None = None,
         page: int | None = None, rect=None, opinion_id: int | None = None) -> dict:
    """Put a page on the hall screen: `document_id` and `page` (optionally a zoomed `rect`),
    or an `opinion_id` — the opinion's draft at its passage (page and rect), with its text."""
    meeting = _presenting(actor, meeting_id)
    opinion = None
    if opinion_id is not None:
        opinion = db.session.get(Opinion, opinion_id)
        if opinion is None or opinion.meeting_id != meeting.id:
            raise NotFound("Không tìm thấy ý kiến.")
        if document_id is not None and document_id != opinion.document_id:
            raise Invalid("Ý kiến không thuộc tài liệu này.", code="invalid_opinion")
        document_id = opinion.document_id
        if page is None:
            page = opinion.page_number or 1
        if rect is None:
            rect = opinion.rect
    if document_id is None:
        raise Invalid("Chọn tài liệu để chiếu.", details={"document_id": "required"})
    document = db.session.get(Document, document_id)
    if document is None or document.meeting_id != meeting.id:
        raise NotFound("Không tìm thấy tài liệu.")
    _rule(rules.check_projectable, document.access, document.published_at is not None)
    version = version_of(document, None)
    page = _rule(rules.check_page, 1 if page is None else page, version.page_count)
    rect = _rule(rules.check_rect, rect)
    row = _row(meeting.id, lock=True)
    row.document_id, row.version_id, row.page, row.rect = document.id, version.id, page, rect
    row.opinion_id = opinion.id if opinion else None
    row.shown_by, row.started_at = actor.user_id, _now()
    return _commit(actor, meeting, row, "projection.shown",
                   {"document_id": document.id, "version": version.number, "page": page,
                    "rect": rect, "opinion_id": row.opinion_id})


def turn(actor: Actor, meeting_id: int, *, page=None, delta=None) -> dict:
    """The presenter turns pages: to `page`, or `delta` pages on. A zoomed region and a
    shown opinion belong to their page: turning away leaves the whole page."""
    meeting = _presenting(actor, meeting_id)
    if (page is None) == (delta is None):
        raise Invalid("Cho biết trang hoặc số trang lật.", details={"page": "required"})
    row = _row(meeting.id, lock=True)
    if row.document_id is None:
        raise Conflict("Màn hình đang không chiếu tài liệu nào.", code="not_projecting")
    document = db.session.get(Document, row.document_id)
    version = next(v for v in document.versions if v.id == row.version_id)
    moved = _rule(rules.turn, row.page, version.page_count, page=page, delta=delta)
    if moved.moved:
        row.page, row.rect, row.opinion_id = moved.page, None, None
    return _commit(actor, meeting, row, "projection.page",
                   {"document_id": document.id, "page": moved.page})


def stop(actor: Actor, meeting_id: int) -> dict:
    """End the showing: the screen returns to the live state. Stopping twice is harmless."""
    meeting = get_meeting(actor, meeting_id, rules.PRESENTERS)
    row = _row(meeting.id, lock=True)
    if row.document_id is None:  # nothing shown: nothing to record or announce
        db.session.rollback()
        return state_json(meeting.id)
    was = row.document_id
    row.document_id = row.version_id = row.page = row.rect = row.opinion_id = None
    row.shown_by, row.started_at = None, None
    return _commit(actor, meeting, row, "projection.stopped", {"document_id": was})


def clear(meeting_id: int) -> None:
    """Inside the transaction that closes the session (bế mạc): nothing stays shown. The
    caller commits, then calls `announce_current`."""
    row = db.session.scalar(select(Projection).where(Projection.meeting_id == meeting_id))
    if row is not None and row.document_id is not None:
        row.document_id = row.version_id = row.page = row.rect = row.opinion_id = None
        row.shown_by, row.started_at = None, None
        row.revision += 1


def announce_current(meeting_id: int) -> None:
    """Announce the state as it is (a client ignores a revision it already holds)."""
    events.announce(meeting_id, EVENT, state_json(meeting_id), audience="all")


def projectable_documents(actor: Actor, meeting_id: int) -> list[dict]:
    """The console's list: the meeting's documents the screen may show."""
    meeting = get_meeting(actor, meeting_id, rules.PRESENTERS)
    docs = db.session.scalars(select(Document).where(Document.meeting_id == meeting.id)
                              .order_by(Document.id)).all()
    return [{"id": d.id, "title": d.title, "page_count": d.current.page_count}
            for d in docs if rules.may_project(d.access, d.published_at is not None)]
