"""API v1: session documents — upload, versions, publish, files, notes, search."""

from __future__ import annotations

from flask import current_app, g, jsonify, request, send_file
from werkzeug.datastructures import FileStorage

from paperless.api.routes import authenticated, bp
from paperless.api.spec import PDF, PDF_RANGES, Binary, declare
from paperless.limits import accepts_upload
from paperless.schemas import documents as shapes
from paperless.schemas.base import NO_FILE, listing
from paperless.services import documents as document_service
from paperless.services import serialize as out
from paperless.services.errors import Invalid


def _upload(form) -> tuple[bytes, str]:
    # No form (another content type) or a text field named "file": no file came.
    upload = form.file if form is not None else None
    if not isinstance(upload, FileStorage):
        raise Invalid(NO_FILE, details={"file": "required"})
    return upload.read(), upload.filename or ""


@bp.get("/meetings/<int:meeting_id>/documents")
@authenticated
@declare("The meeting's documents I may read, with unread markers",
         answer=listing("documents", shapes.Document), errors=(401, 403, 404))
def list_documents(meeting_id: int):
    rows = document_service.list_documents(g.api_actor, meeting_id)
    return jsonify({"documents": [out.document(d, unread) for d, unread in rows]})


@bp.post("/meetings/<int:meeting_id>/documents")
@authenticated
@accepts_upload("MAX_DOCUMENT_BYTES")
@declare("Upload a document (secretariat); checked by content", status=201,
         form=shapes.DocumentUpload, answer=shapes.Document,
         errors=(400, 401, 403, 404, 409, 413, 422))
def upload_document(meeting_id: int, form: shapes.DocumentUpload | None):
    data, filename = _upload(form)
    document = document_service.upload(
        g.api_actor, meeting_id, data, filename=filename, title=form.title,
        agenda_item_id=form.agenda_item_id, access=form.access)
    return jsonify(out.document(document)), 201


@bp.post("/meetings/<int:meeting_id>/documents/publish")
@authenticated
@declare("Publish all unpublished documents, or the listed ones", body=shapes.PublishInput,
         body_required=False, answer=shapes.Published, errors=(400, 401, 403, 404, 422))
def publish_documents(meeting_id: int, body: shapes.PublishInput):
    ids = list(body.document_ids) if body.document_ids is not None else None
    published = document_service.publish(g.api_actor, meeting_id, ids)
    return jsonify({"published": [d.id for d in published]})


@bp.get("/meetings/<int:meeting_id>/search")
@authenticated
@declare("Diacritic-insensitive full-text search", query=shapes.SearchQuery,
         answer=listing("results", shapes.SearchHit), errors=(401, 403, 404, 422))
def search_documents(meeting_id: int, query: shapes.SearchQuery):
    hits = document_service.search(g.api_actor, meeting_id, query.q)
    return jsonify({"results": [{
        "document_id": h.document.id, "title": h.document.title, "version": h.version.number,
        "page": h.page, "snippet": h.snippet} for h in hits]})


@bp.get("/documents/<int:document_id>")
@authenticated
@declare("A document and its versions; a withdrawn one is 410 document_withdrawn for its "
         "readers (staff still see it)", answer=shapes.Document, errors=(401, 403, 404, 410))
def get_document(document_id: int):
    return jsonify(out.document(document_service.get_document(g.api_actor, document_id)))


@bp.patch("/documents/<int:document_id>")
@authenticated
@declare("Rename, move to another agenda item (null: the meeting's general documents) or "
         "change access (secretariat); open bags and tablets hear documents.changed",
         body=shapes.DocumentChange, answer=shapes.Document,
         errors=(400, 401, 403, 404, 409, 422))
def update_document(document_id: int, body: shapes.DocumentChange):
    changes = body.model_dump(exclude_unset=True)  # agenda_item_id None: general documents
    if not changes:
        raise Invalid("Không có gì để sửa.", code="nothing_to_change")
    document = document_service.update_document(g.api_actor, document_id, **changes)
    return jsonify(out.document(document))


@bp.post("/documents/<int:document_id>/withdraw")
@authenticated
@declare("Withdraw a document, with the reason (secretariat): it leaves every reader's bag, "
         "viewer and offline copy (documents.withdrawn); 409 already_withdrawn, 422 "
         "reason_required", body=shapes.Withdrawal, answer=shapes.Document,
         errors=(400, 401, 403, 404, 409, 422))
def withdraw_document(document_id: int, body: shapes.Withdrawal):
    document = document_service.withdraw(g.api_actor, document_id, body.reason)
    return jsonify(out.document(document))


@bp.post("/documents/<int:document_id>/versions")
@authenticated
@accepts_upload("MAX_DOCUMENT_BYTES")
@declare("Supersede with a new version (secretariat)", status=201, form=shapes.VersionUpload,
         answer=shapes.Document, errors=(400, 401, 403, 404, 413, 422))
def add_version(document_id: int, form: shapes.VersionUpload | None):
    data, filename = _upload(form)
    document = document_service.add_version(g.api_actor, document_id, data, filename=filename)
    return jsonify(out.document(document)), 201


@bp.post("/documents/<int:document_id>/publish")
@authenticated
@declare("Publish one document", answer=shapes.Document, errors=(401, 403, 404, 422))
def publish_document(document_id: int):
    document = document_service.get_document(g.api_actor, document_id)
    document_service.publish(g.api_actor, document.meeting_id, [document.id])
    return jsonify(out.document(document))


@bp.post("/documents/<int:document_id>/reads")
@authenticated
@declare("Record a read: the viewer's beacon when a document is opened (also from the offline "
         "copy; queued while offline)", status=201, body=shapes.ReadInput, body_required=False,
         answer=shapes.Read, errors=(401, 403, 404, 422))
def record_document_read(document_id: int, body: shapes.ReadInput):
    read = document_service.record_read(g.api_actor, document_id, body.version,
                                        remote_addr=request.remote_addr or "")
    return jsonify({"document_id": read.document_id, "version_id": read.version_id,
                    "at": read.at.isoformat() if read.at else None}), 201


@bp.get("/documents/<int:document_id>/file")
@authenticated
@declare("The PDF: strong ETag (SHA-256), conditional GET, byte ranges; confidential "
         "documents are watermarked per reader", query=shapes.VersionQuery,
         answer=PDF, other_answers=PDF_RANGES,
         errors=(401, 403, 404, 410, 422))
def document_file(document_id: int, query: shapes.VersionQuery):
    version = query.version
    # Not a read: PDF.js streaming byte ranges of a copy it already logged, or the service
    # worker keeping a copy for offline use (the delegate has not opened it).
    # (open_file logs every copy of a confidential document whatever these headers say.)
    # The viewer reports its reads itself (POST …/reads, also from the offline copy).
    offline = request.headers.get("X-Paperless-Offline-Copy") == "1"
    is_read = "Range" not in request.headers and not offline and \
        request.headers.get("X-Paperless-Read-Beacon") != "1"
    served = document_service.open_file(g.api_actor, document_id, version,
                                        remote_addr=request.remote_addr or "",
                                        record_read=is_read, offline_copy=offline)
    if served.data is not None:
        # A per-reader confidential copy: never cached, never shared.
        import io

        response = send_file(io.BytesIO(served.data), mimetype="application/pdf",
                             download_name=served.download_name, as_attachment=False,
                             conditional=False, etag=False)
        response.headers["Cache-Control"] = "no-store"
        return response
    prefix = current_app.config["X_ACCEL_PREFIX"]
    if prefix:
        response = current_app.response_class(mimetype="application/pdf")
        response.headers["X-Accel-Redirect"] = prefix + document_service.store().relative(
            served.sha256)
        response.set_etag(served.sha256)
    else:
        response = send_file(served.path, mimetype="application/pdf",
                             download_name=served.download_name, conditional=True,
                             etag=served.sha256, max_age=0)
    # With an explicit version the bytes can never change: cache for a year.
    response.headers["Cache-Control"] = ("private, max-age=31536000, immutable"
                                         if version is not None else "private, no-cache")
    return response


@bp.get("/documents/<int:document_id>/range-link")
@authenticated
@declare("A signed link for byte ranges of this version, valid PAPERLESS_RANGE_LINK_SECONDS "
         "(60 s); not for confidential documents (403 watermarked_only). GET/HEAD with Range "
         "on the link need no credentials; an expired link is 410 link_expired: ask again",
         query=shapes.VersionQuery, answer=shapes.RangeLink,
         errors=(401, 403, 404, 410, 422))
def document_range_link(document_id: int, query: shapes.VersionQuery):
    """A signed link for PDF.js's byte ranges (not for confidential documents); asked again
    when the link is refused (expired), which checks every rule again."""
    from paperless import range_links
    from paperless.web.auth import cookie_session

    if g.api_token is not None:
        audience_id = range_links.audience(g.api_actor.user_id, token_id=g.api_token.id)
    else:
        audience_id = range_links.audience(g.api_actor.user_id,
                                           session_id=cookie_session().id)
    link = document_service.range_link(g.api_actor, document_id, query.version,
                                       audience_id=audience_id)
    response = jsonify({"url": link.url, "expires": link.expires, "size": link.size})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/documents/<int:document_id>/thumbnail")
@authenticated
@declare("First-page thumbnail", query=shapes.VersionQuery,
         answer=Binary("image/png", description="PNG"), errors=(401, 403, 404, 422))
def document_thumbnail(document_id: int, query: shapes.VersionQuery):
    path = document_service.thumbnail_path(g.api_actor, document_id, query.version)
    response = send_file(path, mimetype="image/png", conditional=True, etag=path.name)
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.get("/documents/<int:document_id>/export")
@authenticated
@declare("The PDF with my notes as PDF annotations", query=shapes.VersionQuery,
         answer=PDF, other_answers=PDF_RANGES,
         errors=(401, 403, 404, 422))
def export_with_notes(document_id: int, query: shapes.VersionQuery):
    import io

    served = document_service.export_with_notes(g.api_actor, document_id, query.version,
                                                remote_addr=request.remote_addr or "")
    response = send_file(io.BytesIO(served.data), mimetype="application/pdf", as_attachment=True,
                         download_name=served.download_name, conditional=False, etag=False)
    response.headers["Cache-Control"] = "no-store"
    return response


def _note_json(note) -> dict:
    return {"id": note.id, "page": note.page_number, "kind": note.kind, "rect": note.rect,
            "text": note.text, "colour": note.colour,
            "updated_at": note.updated_at.isoformat()}


@bp.get("/documents/<int:document_id>/notes")
@authenticated
@declare("My notes on a version", query=shapes.VersionQuery,
         answer=listing("notes", shapes.Note), errors=(401, 403, 404, 422))
def list_notes(document_id: int, query: shapes.VersionQuery):
    notes = document_service.list_notes(g.api_actor, document_id, query.version)
    return jsonify({"notes": [_note_json(n) for n in notes]})


@bp.post("/documents/<int:document_id>/notes")
@authenticated
@declare("Add a note (private to me)", status=201, body=shapes.NoteInput, answer=shapes.Note,
         errors=(400, 401, 403, 404, 422))
def add_note(document_id: int, body: shapes.NoteInput):
    note = document_service.add_note(
        g.api_actor, document_id, body.version, page=body.page, kind=body.kind, rect=body.rect,
        text_value="" if body.text is None else body.text,
        colour="#ffd54f" if body.colour is None else body.colour)
    return jsonify(_note_json(note)), 201


@bp.patch("/notes/<int:note_id>")
@authenticated
@declare("Change my note's text or colour", body=shapes.NoteChange, answer=shapes.Note,
         errors=(400, 401, 404, 422))
def update_note(note_id: int, body: shapes.NoteChange):
    note = document_service.update_note(g.api_actor, note_id, text_value=body.text,
                                        colour=body.colour)
    return jsonify(_note_json(note))


@bp.delete("/notes/<int:note_id>")
@authenticated
@declare("Delete my note", status=204, errors=(401, 404))
def delete_note(note_id: int):
    document_service.delete_note(g.api_actor, note_id)
    return "", 204
