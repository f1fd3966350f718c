"""API v1: session documents — upload, versions, publish, files, notes, search."""

from __future__ import annotations

from flask import current_app, g, jsonify, request, send_file

from paperless import db
from paperless.api import body
from paperless.api.routes import authenticated, bp
from paperless.limits import accepts_upload
from paperless.services import documents as document_service
from paperless.services import serialize as out
from paperless.services.errors import Invalid


def _form_int(name: str) -> int | None:
    raw = request.form.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Invalid(f"Trường “{name}” phải là số nguyên.", details={name: "type"})
    return int(raw)


def _upload() -> tuple[bytes, str]:
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("Thiếu tệp (trường “file”).", details={"file": "required"})
    return upload.read(), upload.filename or ""


@bp.get("/meetings/<int:meeting_id>/documents")
@authenticated
def list_documents(meeting_id: int):
    rows = document_service.list_documents(g.api_actor, meeting_id)
    return jsonify({"documents": [out.document(d, unread) for d, unread in rows]})


@bp.post("/meetings/<int:meeting_id>/documents")
@authenticated
@accepts_upload("MAX_DOCUMENT_BYTES")
def upload_document(meeting_id: int):
    data, filename = _upload()
    document = document_service.upload(
        g.api_actor, meeting_id, data, filename=filename, title=request.form.get("title", ""),
        agenda_item_id=_form_int("agenda_item_id"),
        access=request.form.get("access", "delegates"))
    return jsonify(out.document(document)), 201


@bp.post("/meetings/<int:meeting_id>/documents/publish")
@authenticated
def publish_documents(meeting_id: int):
    data = request.get_json(silent=True) or {}
    ids = data.get("document_ids") if isinstance(data, dict) else None
    if ids is not None and (not isinstance(ids, list) or not all(db.is_id(i) for i in ids)):
        raise Invalid("“document_ids” phải là danh sách số.", details={"document_ids": "type"})
    published = document_service.publish(g.api_actor, meeting_id, ids)
    return jsonify({"published": [d.id for d in published]})


@bp.get("/meetings/<int:meeting_id>/search")
@authenticated
def search_documents(meeting_id: int):
    hits = document_service.search(g.api_actor, meeting_id, request.args.get("q", "")[:200])
    return jsonify({"results": [{
        "document_id": h.document.id, "title": h.document.title, "version": h.version.number,
        "page": h.page, "snippet": h.snippet} for h in hits]})


@bp.get("/documents/<int:document_id>")
@authenticated
def get_document(document_id: int):
    return jsonify(out.document(document_service.get_document(g.api_actor, document_id)))


@bp.patch("/documents/<int:document_id>")
@authenticated
def update_document(document_id: int):
    """Rename, move to another agenda item, change access (secretariat)."""
    data = body.json_body()
    unknown = sorted(set(data) - {"title", "agenda_item_id", "access"})
    if unknown:
        raise Invalid("Chỉ sửa được tên, mục chương trình và mức truy cập.",
                      code="unknown_fields", details={"fields": unknown[:10]})
    if not data:
        raise Invalid("Không có gì để sửa.", code="nothing_to_change")
    changes: dict = {}
    if "title" in data:
        changes["title"] = body.string(data, "title")
    if "access" in data:
        changes["access"] = body.string(data, "access")
    if "agenda_item_id" in data:
        # null: the meeting's general documents
        changes["agenda_item_id"] = body.integer(data, "agenda_item_id")
    document = document_service.update_document(g.api_actor, document_id, **changes)
    return jsonify(out.document(document))


@bp.post("/documents/<int:document_id>/withdraw")
@authenticated
def withdraw_document(document_id: int):
    data = body.json_body()
    document = document_service.withdraw(g.api_actor, document_id,
                                         body.string(data, "reason"))
    return jsonify(out.document(document))


@bp.post("/documents/<int:document_id>/versions")
@authenticated
@accepts_upload("MAX_DOCUMENT_BYTES")
def add_version(document_id: int):
    data, filename = _upload()
    document = document_service.add_version(g.api_actor, document_id, data, filename=filename)
    return jsonify(out.document(document)), 201


@bp.post("/documents/<int:document_id>/publish")
@authenticated
def publish_document(document_id: int):
    document = document_service.get_document(g.api_actor, document_id)
    document_service.publish(g.api_actor, document.meeting_id, [document.id])
    return jsonify(out.document(document))


def _version_arg() -> int | None:
    raw = request.args.get("version")
    if raw is None:
        return None
    try:
        return db.id_arg(raw)
    except ValueError:
        raise Invalid("“version” phải là số.", details={"version": "type"}) from None


@bp.post("/documents/<int:document_id>/reads")
@authenticated
def record_document_read(document_id: int):
    """The viewer's read beacon: sent when a document is opened (from the offline copy too)."""
    data = request.get_json(silent=True) if request.content_length else {}
    if not isinstance(data, dict):
        raise Invalid("Nội dung phải là một đối tượng JSON.", code="invalid_json")
    version = body.integer(data, "version")
    read = document_service.record_read(g.api_actor, document_id, version,
                                        remote_addr=request.remote_addr or "")
    return jsonify({"document_id": read.document_id, "version_id": read.version_id,
                    "at": read.at.isoformat() if read.at else None}), 201


@bp.get("/documents/<int:document_id>/file")
@authenticated
def document_file(document_id: int):
    version = _version_arg()
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
def document_range_link(document_id: int):
    """A signed link for PDF.js's byte ranges (not for confidential documents); asked again
    when the link is refused (expired), which checks every rule again."""
    from paperless import range_links
    from paperless.web.auth import cookie_session

    if g.api_token is not None:
        audience_id = range_links.audience(g.api_actor.user_id, token_id=g.api_token.id)
    else:
        audience_id = range_links.audience(g.api_actor.user_id,
                                           session_id=cookie_session().id)
    link = document_service.range_link(g.api_actor, document_id, _version_arg(),
                                       audience_id=audience_id)
    response = jsonify({"url": link.url, "expires": link.expires, "size": link.size})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/documents/<int:document_id>/thumbnail")
@authenticated
def document_thumbnail(document_id: int):
    path = document_service.thumbnail_path(g.api_actor, document_id, _version_arg())
    response = send_file(path, mimetype="image/png", conditional=True, etag=path.name)
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.get("/documents/<int:document_id>/export")
@authenticated
def export_with_notes(document_id: int):
    import io

    served = document_service.export_with_notes(g.api_actor, document_id, _version_arg(),
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
def list_notes(document_id: int):
    notes = document_service.list_notes(g.api_actor, document_id, _version_arg())
    return jsonify({"notes": [_note_json(n) for n in notes]})


@bp.post("/documents/<int:document_id>/notes")
@authenticated
def add_note(document_id: int):
    data = body.json_body()
    note = document_service.add_note(
        g.api_actor, document_id, body.integer(data, "version"),
        page=body.integer(data, "page", required=True), kind=body.string(data, "kind"),
        rect=data.get("rect"), text_value=body.string(data, "text", required=False),
        colour=body.string(data, "colour", required=False, default="#ffd54f"))
    return jsonify(_note_json(note)), 201


@bp.patch("/notes/<int:note_id>")
@authenticated
def update_note(note_id: int):
    data = body.json_body()
    text_value = body.string(data, "text", required=False, default=None)
    colour = body.string(data, "colour", required=False, default=None)
    note = document_service.update_note(g.api_actor, note_id, text_value=text_value,
                                        colour=colour)
    return jsonify(_note_json(note))


@bp.delete("/notes/<int:note_id>")
@authenticated
def delete_note(note_id: int):
    document_service.delete_note(g.api_actor, note_id)
    return "", 204
