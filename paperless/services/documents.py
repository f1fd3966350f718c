"""Session documents: upload (with checks), versions, publishing, serving, notes, search."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import bindparam, func, select, text

from paperless import db, jobs, pdf, range_links
from paperless.domain import clock as clock_rules
from paperless.domain import documents as rules
from paperless.models import (
    AgendaItem,
    Document,
    DocumentPage,
    DocumentRead,
    DocumentVersion,
    Meeting,
    PersonalNote,
)
from paperless.services import audit, clock, events
from paperless.services.access import MANAGERS, Actor, require
from paperless.services.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from paperless.services.meetings import get_meeting
from paperless.services.serialize import document as document_json
from paperless.storage import BlobStore


class Rejected(ServiceError):
    """An upload refused by its content; nothing was stored."""

    status = 422


def store() -> BlobStore:
    return BlobStore(Path(current_app.config["INSTANCE_PATH"]) / "blobs")


def _roles(actor: Actor, council_id: int) -> frozenset[str]:
    return frozenset(rules.STAFF) if actor.is_superuser else actor.roles_in(council_id)


def _checked_pdf(data: bytes, filename: str) -> jobs.CheckedUpload:
    """Convert Office files, inspect, render the thumbnail — in the worker pool; a
    PdfRejected becomes a Rejected with its code."""
    max_bytes = current_app.config["MAX_DOCUMENT_BYTES"]
    try:
        if not data:
            raise pdf.PdfRejected("empty_file", "Tệp rỗng (0 byte).", "The file is empty.")
        return jobs.check_upload(data, max_bytes=max_bytes)
    except pdf.PdfRejected as exc:
        # The reason only: whoever shows it names the file once ("a.pdf: Tệp rỗng").
        error = Rejected(exc.message_vi, code=exc.code,
                         details={"file": (filename or "")[:255]})
        if exc.code == "too_large":
            error.status = 413
        raise error from exc


def _clean_title(title: str, fallback: str) -> str:
    title = rules.clean_title(title) or rules.clean_title(fallback)
    if not title:
        raise Invalid("Tên tài liệu không được để trống.", details={"title": "required"})
    return title


def _store_version(document: Document, checked: jobs.CheckedUpload, filename: str,
                   actor: Actor, source: bytes | None = None) -> list[str]:
    """Write the blobs and the version rows; returns the blobs this call newly wrote.
    ``source``: the Word/ODT file a PDF was converted from, kept so a draft resolution
    can be issued from its editable text."""
    blobs = store()
    data, info = checked.pdf, checked.info
    written = []
    sha, new = blobs.put(data)
    if new:
        written.append(sha)
    source_sha = None
    if source is not None:
        source_sha, new_source = blobs.put(source)
        if new_source:
            written.append(source_sha)
    thumb_sha = None
    if checked.thumbnail is not None:
        thumb_sha, new_thumb = blobs.put(checked.thumbnail)
        if new_thumb:
            written.append(thumb_sha)
    number = len(document.versions) + 1
    version = DocumentVersion(
        number=number, sha256=sha, size=len(data), page_count=info.page_count,
        original_name=(filename or "")[:255], converted_from=checked.converted_from,
        source_sha256=source_sha, thumbnail_sha256=thumb_sha, uploaded_by=actor.user_id,
        active_content=[{"kind": a.kind, "description": a.description_vi, "count": a.count}
                        for a in info.active_content],
        text_note="Văn bản trích xuất bị cắt bớt." if info.text_truncated else "",
    )
    document.versions.append(version)
    db.session.flush()
    # Pages without text have nothing to search: a 20,000-page scan adds no rows.
    db.session.add_all(
        DocumentPage(version_id=version.id, page_number=i, text=page_text,
                     folded=pdf.fold_vietnamese(page_text))
        for i, page_text in enumerate(info.page_texts, start=1) if page_text.strip()
    )
    return written


def _commit_or_discard(written: list[str]) -> None:
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        for sha in written:
            store().discard(sha)
        raise


def upload(actor: Actor, meeting_id: int, data: bytes, *, filename: str = "", title: str = "",
           agenda_item_id: int | None = None, access: str = "delegates") -> Document:
    meeting = get_meeting(actor, meeting_id, MANAGERS)
    if meeting.status == "closed":
        raise Conflict("Kỳ họp đã bế mạc, không thể thêm tài liệu.", code="meeting_closed")
    if access not in rules.ACCESS_LEVELS:
        raise Invalid("Mức truy cập không hợp lệ.", details={"access": sorted(rules.ACCESS_LEVELS)})
    if agenda_item_id is not None:
        item = db.session.get(AgendaItem, agenda_item_id)
        if item is None or item.meeting_id != meeting.id:
            raise Invalid("Mục chương trình không thuộc kỳ họp này.",
                          details={"agenda_item_id": "invalid"})
    checked = _checked_pdf(data, filename)
    title = _clean_title(title, checked.info.title or Path(filename or "").stem)
    document = Document(meeting_id=meeting.id, agenda_item_id=agenda_item_id, title=title,
                        access=access, created_by=actor.user_id)
    db.session.add(document)
    written = _store_version(document, checked, filename, actor,
                             data if checked.converted_from else None)
    db.session.flush()
    audit.record(actor, "documents.uploaded", council_id=meeting.council_id,
                 meeting_id=meeting.id, subject=("document", document.id),
                 details={"title": document.title, "access": access,
                          "sha256": document.versions[-1].sha256})
    _commit_or_discard(written)
    if document.published_at:
        _announce_published(meeting, [document])
    return document


def add_version(actor: Actor, document_id: int, data: bytes, *, filename: str = "") -> Document:
    document = get_document(actor, document_id, MANAGERS)
    _refuse_withdrawn(document)
    checked = _checked_pdf(data, filename)
    written = _store_version(document, checked, filename, actor,
                             data if checked.converted_from else None)
    owner = db.session.get(Meeting, document.meeting_id)
    audit.record(actor, "documents.version_added", council_id=owner.council_id,
                 meeting_id=owner.id, subject=("document", document.id),
                 details={"version": document.versions[-1].number,
                          "sha256": document.versions[-1].sha256})
    _commit_or_discard(written)
    if document.published_at:
        _announce_published(owner, [document])
    return document


def get_document(actor: Actor, document_id: int, allowed=None) -> Document:
    """The document if the actor may read it (or has one of `allowed` roles); else 404/403."""
    document = db.session.get(Document, document_id)
    if document is None:
        raise NotFound("Không tìm thấy tài liệu.")
    meeting = get_meeting(actor, document.meeting_id)
    roles = _roles(actor, meeting.council_id)
    if allowed is not None:
        require(actor, meeting.council_id, allowed)
    elif not rules.may_read(roles, document.access, document.published_at is not None,
                            document.withdrawn_at is not None):
        if document.published_at is None:
            raise NotFound("Không tìm thấy tài liệu.")
        if document.withdrawn_at is not None:
            raise Withdrawn("Tài liệu này đã được rút, không còn để đọc.",
                            details={"reason": document.withdrawn_reason})
        raise Forbidden("Bạn không có quyền đọc tài liệu này.")
    return document


def version_of(document: Document, number: int | None) -> DocumentVersion:
    if number is None:
        return document.current
    for version in document.versions:
        if version.number == number:
            return version
    raise NotFound("Không có phiên bản này.")


def list_documents(actor: Actor, meeting_id: int) -> list[tuple[Document, bool]]:
    """The meeting's documents the actor may read, each with whether its current version is
    unread by them."""
    meeting = get_meeting(actor, meeting_id)
    roles = _roles(actor, meeting.council_id)
    docs = db.session.scalars(
        select(Document).where(Document.meeting_id == meeting.id).order_by(Document.id)).all()
    visible = [d for d in docs if rules.may_read(roles, d.access, d.published_at is not None,
                                                 d.withdrawn_at is not None)]
    read_versions = set(db.session.scalars(
        select(DocumentRead.version_id).where(DocumentRead.user_id == actor.user_id,
                                              DocumentRead.document_id.in_([d.id for d in visible]))))
    return [(d, d.current.id not in read_versions) for d in visible]


def publish(actor: Actor, meeting_id: int, document_ids: list[int] | None = None) -> list[Document]:
    """Publish all of a meeting's unpublished documents, or the listed ones."""
    meeting = get_meeting(actor, meeting_id, MANAGERS)
    query = select(Document).where(Document.meeting_id == meeting.id,
                                   Document.published_at.is_(None),
                                   Document.withdrawn_at.is_(None))
    if document_ids is not None:
        query = query.where(Document.id.in_(document_ids))
    documents = db.session.scalars(query).all()
    if document_ids is not None and len(documents) != len(set(document_ids)):
        raise Invalid("Có tài liệu không thuộc kỳ họp này hoặc đã công bố.",
                      code="invalid_documents")
    now = datetime.now(UTC)
    for document in documents:
        document.published_at = now
    if documents:
        audit.record(actor, "documents.published", council_id=meeting.council_id,
                     meeting_id=meeting.id, subject=("meeting", meeting.id),
                     details={"documents": [{"id": d.id, "title": d.title,
                                             "sha256": d.current.sha256} for d in documents]})
    db.session.commit()
    if documents:
        _announce_published(meeting, documents)
    return documents


def _announce_published(meeting: Meeting, documents: list[Document]) -> None:
    by_access: dict[str, list[dict]] = {}
    for document in documents:
        by_access.setdefault(document.access, []).append(document_json(document))
    for access, items in by_access.items():
        events.announce(meeting.id, "documents.published",
                        {"meeting_id": meeting.id, "documents": items},
                        audience=f"readers:{access}")


class Withdrawn(ServiceError):
    """The document was withdrawn: gone for its readers (staff still see it)."""

    status = 410
    code = "document_withdrawn"


def _refuse_withdrawn(document: Document) -> None:
    if document.withdrawn_at is not None:
        raise Conflict("Tài liệu đã được rút, không thể thay đổi.", code="document_withdrawn")


UNCHANGED = object()  # update_document: leave the agenda item as it is


def update_document(actor: Actor, document_id: int, *, title: str | None = None,
                    agenda_item_id=UNCHANGED, access: str | None = None) -> Document:
    """Rename, move to another agenda item (None: the meeting's general documents) or change
    who reads it. Open bags and tablets of the old and new readers refresh at once."""
    document = get_document(actor, document_id, MANAGERS)
    meeting = db.session.get(Meeting, document.meeting_id)
    _refuse_withdrawn(document)
    if meeting.status == "closed":
        raise Conflict("Kỳ họp đã bế mạc, không thể sửa tài liệu.", code="meeting_closed")
    changes: dict[str, list] = {}
    if title is not None:
        problem = rules.title_problem(title)
        if problem:
            raise Invalid({"type": "Tên tài liệu phải là chuỗi.",
                           "required": "Tên tài liệu không được để trống.",
                           "too_long": f"Tên tài liệu tối đa {rules.TITLE_MAX} ký tự."}[problem],
                          details={"title": problem})
        clean = rules.clean_title(title)
        if clean != document.title:
            changes["title"] = [document.title, clean]
    if agenda_item_id is not UNCHANGED:
        if agenda_item_id is not None:
            item = db.session.get(AgendaItem, agenda_item_id) \
                if isinstance(agenda_item_id, int) and db.is_id(agenda_item_id) else None
            if item is None or item.meeting_id != meeting.id:
                raise Invalid("Mục chương trình không thuộc kỳ họp này.",
                              details={"agenda_item_id": "invalid"})
        if agenda_item_id != document.agenda_item_id:
            changes["agenda_item_id"] = [document.agenda_item_id, agenda_item_id]
    if access is not None:
        if access not in rules.ACCESS_LEVELS:
            raise Invalid("Mức truy cập không hợp lệ.",
                          details={"access": sorted(rules.ACCESS_LEVELS)})
        if access != document.access:
            changes["access"] = [document.access, access]
    if not changes:
        db.session.rollback()
        return document
    old_access = document.access
    if "title" in changes:
        document.title = changes["title"][1]
    if "agenda_item_id" in changes:
        document.agenda_item_id = changes["agenda_item_id"][1]
    if "access" in changes:
        document.access = changes["access"][1]
    audit.record(actor, "documents.updated", council_id=meeting.council_id,
                 meeting_id=meeting.id, subject=("document", document.id),
                 details={"changes": changes})
    db.session.commit()
    payload = {"meeting_id": meeting.id, "document": document_json(document),
               "changed": sorted(changes)}
    if document.published_at is None:
        events.announce(meeting.id, "documents.changed", payload, audience="staff")
    else:
        for level in rules.audiences_after_change(old_access, document.access):
            events.announce(meeting.id, "documents.changed", payload,
                            audience=f"readers:{level}")
    return document


def withdraw(actor: Actor, document_id: int, reason: str) -> Document:
    """Rút tài liệu: it leaves every reader's bag, viewer and offline copy; staff keep it
    for the record with who withdrew it, when and why."""
    document = get_document(actor, document_id, MANAGERS)
    meeting = db.session.get(Meeting, document.meeting_id)
    if document.withdrawn_at is not None:
        raise Conflict("Tài liệu này đã được rút.", code="already_withdrawn")
    problem = rules.withdraw_reason_problem(reason)
    if problem:
        raise Invalid("Hãy ghi lý do rút tài liệu (tối đa 500 ký tự).",
                      code="reason_required" if problem == "required" else "validation_error",
                      details={"reason": problem})
    document.withdrawn_at = datetime.now(UTC)
    document.withdrawn_by = actor.user_id
    document.withdrawn_reason = rules.clean_reason(reason)
    audit.record(actor, "documents.withdrawn", council_id=meeting.council_id,
                 meeting_id=meeting.id, subject=("document", document.id),
                 details={"title": document.title, "reason": document.withdrawn_reason,
                          "was_published": document.published_at is not None})
    db.session.commit()
    payload = {"meeting_id": meeting.id, "document_id": document.id, "title": document.title,
               "reason": document.withdrawn_reason}
    events.announce(meeting.id, "documents.withdrawn", payload,
                    audience=f"readers:{document.access}" if document.published_at else "staff")
    return document


def withdrawn_ids(meeting_id: int) -> list[int]:
    """Ids only (no titles): a tablet that was offline forgets these copies when it returns."""
    return list(db.session.scalars(select(Document.id).where(
        Document.meeting_id == meeting_id, Document.withdrawn_at.is_not(None))))


@dataclass
class ServedFile:
    sha256: str
    path: Path | None  # the stored blob, served as is (ranges, caching, X-Accel-Redirect)
    data: bytes | None  # a per-reader copy (confidential documents)
    download_name: str


def open_file(actor: Actor, document_id: int, version_number: int | None, *,
              remote_addr: str = "", record_read: bool = True,
              offline_copy: bool = False) -> ServedFile:
    """The file to serve. `record_read=False` (a byte range of a copy already logged, or the
    service worker's offline copy) skips the read log for ordinary documents only: every copy
    of a confidential document is a whole watermarked file made for this reader, so each is
    logged, and offline copies of one exist only when the council allows them."""
    document = get_document(actor, document_id)
    version = version_of(document, version_number)
    blobs = store()
    watermark = rules.must_watermark(document.access)
    if watermark and offline_copy and not current_app.config["OFFLINE_CONFIDENTIAL"]:
        raise Forbidden("Tài liệu mật không được lưu để đọc ngoại tuyến.",
                        code="offline_not_allowed")
    if record_read or watermark:
        db.session.add(DocumentRead(document_id=document.id, version_id=version.id,
                                    user_id=actor.user_id, watermarked=watermark,
                                    remote_addr=remote_addr[:64]))
        db.session.commit()
    name = _download_name(document, version)
    if watermark:
        stamp = pdf.watermark_text(actor.full_name, clock_rules.local(
            datetime.now(UTC),
            clock.zone_name(db.session.get(Meeting, document.meeting_id).council_id)))
        # In the worker pool, which reads the blob itself: 20 readers never stall the hall,
        # and none holds a pooled database connection while it waits for a worker.
        db.release()
        return ServedFile(version.sha256, None,
                          jobs.watermark_file(blobs.path(version.sha256), stamp), name)
    return ServedFile(version.sha256, blobs.path(version.sha256), None, name)


@dataclass(frozen=True)
class RangeLink:
    url: str  # /ranges/<document>/<version>/<sha256>?e=…&a=…&s=… (paperless/range_links.py)
    expires: int  # unix seconds
    size: int


def range_link(actor: Actor, document_id: int, version_number: int | None, *,
               audience_id: str) -> RangeLink:
    """A short-lived signed link to this version's bytes, for PDF.js's byte ranges: checked
    by the middleware or nginx without the database. Every rule is applied here, at issue and
    at each renewal; a watermarked (confidential) document never gets one — each of its copies
    is made for one reader and logged (`open_file`)."""
    document = get_document(actor, document_id)
    version = version_of(document, version_number)
    if document.withdrawn_at is not None:  # staff still read it, but by the logged path
        raise Withdrawn("Tài liệu này đã được rút, không còn để đọc.")
    if rules.must_watermark(document.access):
        raise Forbidden("Tài liệu mật chỉ được đọc qua bản có dấu riêng của từng người.",
                        code="watermarked_only")
    server = current_app.extensions["paperless.range_links"]
    # A whole second: the middleware recovers the issue time as expires - lifetime.
    expires = int(time.time()) + server.revocations.lifetime_s
    return RangeLink(range_links.issue(document.id, version.number, version.sha256,
                                       audience_id, server.key, expires),
                     expires, version.size)


def record_read(actor: Actor, document_id: int, version_number: int | None, *,
                remote_addr: str = "") -> DocumentRead:
    """The viewer opened the document — possibly from the tablet's offline copy, which the
    server never sees: the viewer says so (queued while offline), so "Chưa đọc" clears and
    the secretariat's read log has the read."""
    document = get_document(actor, document_id)
    version = version_of(document, version_number)
    read = DocumentRead(document_id=document.id, version_id=version.id, user_id=actor.user_id,
                        watermarked=rules.must_watermark(document.access),
                        remote_addr=remote_addr[:64])
    db.session.add(read)
    db.session.commit()
    return read


def _download_name(document: Document, version: DocumentVersion) -> str:
    stem = re.sub(r"[\\/:*?\"<>|\r\n]+", " ", document.title).strip()[:120] or "tai-lieu"
    return f"{stem} (v{version.number}).pdf"


def thumbnail_path(actor: Actor, document_id: int, version_number: int | None) -> Path:
    document = get_document(actor, document_id)
    if not rules.thumbnail_allowed(document.access):
        raise NotFound("Tài liệu mật không có ảnh thu nhỏ.", code="thumbnail_confidential")
    version = version_of(document, version_number)
    if not version.thumbnail_sha256:
        raise NotFound("Tài liệu không có ảnh thu nhỏ.")
    return store().path(version.thumbnail_sha256)


def read_log(actor: Actor, document_id: int) -> list[DocumentRead]:
    document = get_document(actor, document_id, MANAGERS)
    return list(db.session.scalars(select(DocumentRead).where(
        DocumentRead.document_id == document.id).order_by(DocumentRead.at.desc())))


# --- personal notes ---------------------------------------------------------

NOTE_KINDS = ("highlight", "comment")
# Personal notes are a working tool of delegates and staff; a guest or the hall screen (an
# account many people see) has no business keeping any.
NOTE_ROLES = frozenset({"delegate", "chair", "secretariat", "admin"})
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _check_note(version: DocumentVersion, page: int, kind: str, rect, text_value: str,
                colour: str) -> list[float]:
    if kind not in NOTE_KINDS:
        raise Invalid("Loại ghi chú không hợp lệ.", details={"kind": list(NOTE_KINDS)})
    if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= version.page_count:
        raise Invalid(f"Trang phải từ 1 đến {version.page_count}.", details={"page": "range"})
    if (not isinstance(rect, list) or len(rect) != 4
            or not all(isinstance(v, int | float) and not isinstance(v, bool)
                       and -1e5 < v < 1e5 for v in rect)):
        raise Invalid("Vùng ghi chú phải là [x0, y0, x1, y1].", details={"rect": "invalid"})
    if not isinstance(text_value, str) or len(text_value) > 5000:
        raise Invalid("Nội dung ghi chú tối đa 5000 ký tự.", details={"text": "invalid"})
    if not isinstance(colour, str) or not _COLOUR.match(colour):
        raise Invalid("Màu phải có dạng #rrggbb.", details={"colour": "invalid"})
    return [float(v) for v in rect]


def list_notes(actor: Actor, document_id: int, version_number: int | None) -> list[PersonalNote]:
    version = version_of(get_document(actor, document_id), version_number)
    return list(db.session.scalars(select(PersonalNote).where(
        PersonalNote.user_id == actor.user_id, PersonalNote.version_id == version.id
    ).order_by(PersonalNote.page_number, PersonalNote.id)))


def add_note(actor: Actor, document_id: int, version_number: int | None, *, page: int,
             kind: str, rect, text_value: str = "", colour: str = "#ffd54f") -> PersonalNote:
    if actor.user_id is None:
        raise Forbidden("Ghi chú cá nhân cần một tài khoản.")
    document = get_document(actor, document_id)
    require(actor, get_meeting(actor, document.meeting_id).council_id, NOTE_ROLES)
    version = version_of(document, version_number)
    rect = _check_note(version, page, kind, rect, text_value, colour)
    note = PersonalNote(user_id=actor.user_id, version_id=version.id, page_number=page,
                        kind=kind, rect=rect, text=text_value, colour=colour)
    db.session.add(note)
    db.session.commit()
    return note


def _own_note(actor: Actor, note_id: int) -> PersonalNote:
    note = db.session.get(PersonalNote, note_id)
    # Someone else's note does not exist as far as this actor can tell.
    if note is None or note.user_id != actor.user_id:
        raise NotFound("Không tìm thấy ghi chú.")
    version = db.session.get(DocumentVersion, note.version_id)
    get_document(actor, version.document_id)
    return note


def update_note(actor: Actor, note_id: int, *, text_value: str | None = None,
                colour: str | None = None) -> PersonalNote:
    note = _own_note(actor, note_id)
    version = db.session.get(DocumentVersion, note.version_id)
    _check_note(version, note.page_number, note.kind, note.rect,
                note.text if text_value is None else text_value,
                note.colour if colour is None else colour)
    if text_value is not None:
        note.text = text_value
    if colour is not None:
        note.colour = colour
    note.updated_at = datetime.now(UTC)
    db.session.commit()
    return note


def delete_note(actor: Actor, note_id: int) -> None:
    db.session.delete(_own_note(actor, note_id))
    db.session.commit()


def export_with_notes(actor: Actor, document_id: int, version_number: int | None, *,
                      remote_addr: str = "") -> ServedFile:
    # A confidential export is logged like any other copy of it (open_file does).
    served = open_file(actor, document_id, version_number, record_read=False,
                       remote_addr=remote_addr)
    notes = list_notes(actor, document_id, version_number)
    data = served.data if served.data is not None else served.path.read_bytes()
    marked = jobs.export_with_notes(data, [
        pdf.Note(page=n.page_number, kind=n.kind, rect=tuple(n.rect), text=n.text,
                 colour=n.colour, author=actor.full_name, created=n.created_at)
        for n in notes])
    return ServedFile(served.sha256, None, marked,
                      served.download_name.replace(".pdf", " - ghi chú.pdf"))


# --- search -----------------------------------------------------------------

@dataclass
class SearchHit:
    document: Document
    version: DocumentVersion
    page: int
    snippet: str


def _terms(query: str) -> list[str]:
    return re.findall(r"\w+", pdf.fold_vietnamese(query))[:12]


def search(actor: Actor, meeting_id: int, query: str, limit: int = 50) -> list[SearchHit]:
    """Diacritic-insensitive search of the current versions the actor may read."""
    readable = {d.id: d for d, _unread in list_documents(actor, meeting_id)  # checks access
                if d.withdrawn_at is None}
    terms = _terms(query or "")
    if not terms:
        return []
    if not readable:
        return []
    current = {d.current.id: d for d in readable.values()}
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        match = " ".join('"' + t.replace('"', "") + '"' for t in terms)
        # Only the readable versions are ranked: taking the top pages of every council
        # first would let one council's large document push another's results out.
        rows = db.session.execute(text(
            "SELECT p.id FROM document_page_fts f JOIN document_page p ON p.id = f.rowid "
            "WHERE document_page_fts MATCH :match AND p.version_id IN :versions "
            "ORDER BY rank LIMIT :limit").bindparams(bindparam("versions", expanding=True)),
            {"match": match, "versions": list(current), "limit": limit})
        page_ids = [r[0] for r in rows]
    elif dialect == "postgresql":
        rows = db.session.execute(text(
            "SELECT id FROM document_page WHERE to_tsvector('simple', folded) @@ "
            "plainto_tsquery('simple', :q) AND version_id IN :versions ORDER BY id LIMIT :limit"
        ).bindparams(bindparam("versions", expanding=True)),
            {"q": " ".join(terms), "versions": list(current), "limit": limit})
        page_ids = [r[0] for r in rows]
    else:  # pragma: no cover - other databases: a plain scan
        page_ids = list(db.session.scalars(select(DocumentPage.id).where(
            DocumentPage.version_id.in_(list(current)),
            *[DocumentPage.folded.contains(t) for t in terms]).limit(limit)))
    if not page_ids:
        return []
    pages = db.session.scalars(select(DocumentPage).where(
        DocumentPage.id.in_(page_ids), DocumentPage.version_id.in_(list(current)))).all()
    order = {pid: i for i, pid in enumerate(page_ids)}
    hits = []
    for page in sorted(pages, key=lambda p: order[p.id])[:limit]:
        document = current[page.version_id]
        hits.append(SearchHit(document, document.current, page.page_number,
                              _snippet(page.text, page.folded, terms[0])))
    return hits


def _snippet(original: str, folded: str, term: str, width: int = 80) -> str:
    at = max(folded.find(term), 0)
    start, end = max(at - width // 2, 0), at + len(term) + width
    # Folding keeps one character per precomposed letter, so offsets usually line up.
    source = original if len(original) == len(folded) else folded
    return ("…" if start else "") + " ".join(source[start:end].split()) + \
        ("…" if end < len(source) else "")


def stored_blob_count() -> int:
    return store().count()


def document_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Document))
