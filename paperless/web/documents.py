"""Pages for session documents: the secretariat's upload and publish, the delegates' bag,
a document's page, the PDF.js viewer, search; plus the PWA manifest and service worker."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _

from paperless import db
from paperless.domain import documents as document_rules
from paperless.domain.agenda import flatten
from paperless.limits import accepts_upload
from paperless.schemas import documents as shapes
from paperless.services import documents as document_service
from paperless.services import meetings as meeting_service
from paperless.services.access import MANAGERS
from paperless.services.errors import Invalid, ServiceError
from paperless.web import forms
from paperless.web.auth import login_required

bp = Blueprint("documents", __name__)


@bp.get("/meetings/<int:meeting_id>/documents")
@login_required
def bag(meeting_id: int):
    """Túi tài liệu: the meeting's documents by agenda item, unread ones marked."""
    meeting = meeting_service.get_meeting(g.actor, meeting_id)
    listed = document_service.list_documents(g.actor, meeting.id)
    # Withdrawn documents reach only the staff's list, in a section of their own.
    rows = [(d, u) for d, u in listed if d.withdrawn_at is None]
    withdrawn = [(d, False) for d, _u in listed if d.withdrawn_at is not None]
    by_item: dict[int | None, list] = {}
    for document, unread in rows:
        by_item.setdefault(document.agenda_item_id, []).append((document, unread))
    agenda = flatten(meeting_service.agenda_tree(meeting))
    can_manage = g.actor.has(meeting.council_id, MANAGERS) or g.actor.is_superuser
    return render_template(
        "documents/bag.html", meeting=meeting, agenda=agenda, by_item=by_item,
        total=len(rows), unread=sum(1 for _d, u in rows if u), can_manage=can_manage,
        withdrawn=withdrawn,
        access_levels=document_rules.ACCESS_LEVELS,
        offline_confidential=current_app.config["OFFLINE_CONFIDENTIAL"],
        withdrawn_ids=document_service.withdrawn_ids(meeting.id),
        focus_item=request.args.get("item", type=db.id_arg))


@bp.post("/meetings/<int:meeting_id>/documents")
@login_required
@accepts_upload("MAX_DOCUMENT_BYTES")
def upload(meeting_id: int):
    """The form without JavaScript: several files at once; each is checked on its own."""
    meeting_service.get_meeting(g.actor, meeting_id, MANAGERS)  # a refusal is a 403/404 page
    files = [f for f in request.files.getlist("file") if f.filename]
    if not files:
        raise Invalid("Hãy chọn ít nhất một tệp.")
    form = forms.read(shapes.DocumentUploadForm)
    title = form.title if len(files) == 1 else ""
    stored, refused = 0, []
    for upload_file in files:
        try:
            document_service.upload(g.actor, meeting_id, upload_file.read(),
                                    filename=upload_file.filename, title=title,
                                    agenda_item_id=form.agenda_item_id, access=form.access)
            stored += 1
        except ServiceError as exc:
            refused.append(f"{upload_file.filename}: {exc.message}")
    if stored:
        flash(_("Đã tải lên %(count)d tài liệu.", count=stored), "success")
    for message in refused:
        flash(message, "error")
    return redirect(url_for(".bag", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/documents/publish")
@login_required
def publish_all(meeting_id: int):
    published = document_service.publish(g.actor, meeting_id)
    flash(_("Đã công bố %(count)d tài liệu.", count=len(published)) if published
          else _("Không có tài liệu nào chờ công bố."), "success")
    return redirect(url_for(".bag", meeting_id=meeting_id))


@bp.post("/documents/<int:document_id>/publish")
@login_required
def publish_one(document_id: int):
    document = document_service.get_document(g.actor, document_id, MANAGERS)
    document_service.publish(g.actor, document.meeting_id, [document.id])
    flash(_("Đã công bố: %(title)s.", title=document.title), "success")
    return redirect(forms.back(url_for(".show", document_id=document.id)))


@bp.post("/documents/<int:document_id>/edit")
@login_required
def edit(document_id: int):
    """Rename, move to another agenda item, change access (the form without JavaScript;
    documents-manage.js sends the same through PATCH /api/v1/documents/<id>)."""
    form = forms.read(shapes.DocumentEditForm)
    sent = request.form.keys()  # a field the form did not send stays as it is
    document = document_service.update_document(
        g.actor, document_id, title=(form.title or "") if "title" in sent else None,
        agenda_item_id=form.agenda_item_id if "agenda_item_id" in sent
        else document_service.UNCHANGED,
        access=form.access)
    flash(_("Đã lưu tài liệu: %(title)s.", title=document.title), "success")
    return redirect(url_for(".show", document_id=document.id))


@bp.post("/documents/<int:document_id>/withdraw")
@login_required
def withdraw(document_id: int):
    document = document_service.withdraw(g.actor, document_id,
                                         forms.read(shapes.WithdrawalForm).reason)
    flash(_("Đã rút tài liệu: %(title)s.", title=document.title), "success")
    return redirect(url_for(".show", document_id=document.id))


@bp.post("/documents/<int:document_id>/versions")
@login_required
@accepts_upload("MAX_DOCUMENT_BYTES")
def new_version(document_id: int):
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        raise Invalid("Hãy chọn tệp.")
    document = document_service.add_version(g.actor, document_id, upload_file.read(),
                                            filename=upload_file.filename)
    flash(_("Đã thêm phiên bản %(number)d.", number=document.current.number), "success")
    return redirect(url_for(".show", document_id=document.id))


@bp.get("/documents/<int:document_id>")
@login_required
def show(document_id: int):
    document = document_service.get_document(g.actor, document_id)
    meeting = meeting_service.get_meeting(g.actor, document.meeting_id)
    can_manage = g.actor.has(meeting.council_id, MANAGERS) or g.actor.is_superuser
    return render_template(
        "documents/show.html", document=document, meeting=meeting, can_manage=can_manage,
        access_levels=document_rules.ACCESS_LEVELS,
        agenda=flatten(meeting_service.agenda_tree(meeting)) if can_manage else [],
        reads=document_service.read_log(g.actor, document.id) if can_manage else [])


@bp.get("/documents/<int:document_id>/view")
@login_required
def viewer(document_id: int):
    document = document_service.get_document(g.actor, document_id)
    version = document_service.version_of(document, request.args.get("version", type=db.id_arg))
    return render_template(
        "documents/viewer.html", document=document, version=version,
        meeting=meeting_service.get_meeting(g.actor, document.meeting_id),
        start_page=max(1, min(request.args.get("page", 1, type=db.id_arg), version.page_count)),
        watermarked=document_rules.must_watermark(document.access))


@bp.get("/meetings/<int:meeting_id>/search")
@login_required
def search(meeting_id: int):
    meeting = meeting_service.get_meeting(g.actor, meeting_id)
    query = request.args.get("q", "")[:200]
    hits = document_service.search(g.actor, meeting.id, query) if query.strip() else []
    return render_template("documents/search.html", meeting=meeting, query=query, hits=hits)


# --- PWA: served from the root so the service worker's scope is the whole app ---

@bp.get("/sw.js")
def service_worker():
    response = send_from_directory(current_app.static_folder, "sw.js",
                                   mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    return current_app.response_class(
        render_template("manifest.webmanifest"), mimetype="application/manifest+json")


@bp.get("/offline")
def offline():
    return render_template("documents/offline.html")
