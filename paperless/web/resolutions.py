"""Resolution pages: the meeting's resolutions (issue, sign), the archive, and the public
verification pages (/verify and /r/<public id>, no login)."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from paperless import db, ratelimit
from paperless.domain import resolutions as rules
from paperless.limits import accepts_upload
from paperless.schemas import resolutions as shapes
from paperless.services import archive_export, clock
from paperless.services import meetings as meeting_service
from paperless.services import resolutions as service
from paperless.services.access import STAFF
from paperless.services.errors import Invalid, ServiceError
from paperless.web import forms, vote_wording
from paperless.web.auth import login_required, reauthentication

bp = Blueprint("resolutions", __name__)

STATUS_LABELS = {"valid": "Hợp lệ", "untrusted": "Chữ ký đúng nhưng chứng thư không thuộc gốc "
                 "tin cậy", "modified": "Tài liệu đã bị thay đổi sau khi ký",
                 "invalid": "Không hợp lệ"}


# The signing library's problems (English, for logs) as a person reads them on /verify.
PROBLEMS_VI = {
    "signature timestamp token is invalid": "Dấu thời gian của chữ ký không hợp lệ.",
    "signature timestamp token is not trusted": "Dấu thời gian của chữ ký không được tin cậy.",
    "signed bytes were changed": "Nội dung được ký đã bị sửa.",
    "signature value does not verify": "Giá trị chữ ký không khớp với nội dung.",
    "certificate does not chain to a trusted root":
        "Chứng thư số không thuộc tổ chức chứng thực được tin cậy.",
}


def problem_text(problem: str) -> str:
    if problem.startswith("document changed after signing"):
        return _("Tài liệu đã bị thay đổi sau khi ký.")
    text = PROBLEMS_VI.get(problem)
    return _(text) if text else problem


def council_time(value: str | None, zone: str | None = None) -> str:
    """An ISO time from a signature as the council reads it: 05/12/2026 14:30:05 (GMT+07:00).
    ``zone``: the council's (default: the app's TIMEZONE, the public pages')."""
    if not value:
        return "—"
    from datetime import datetime

    from paperless.domain import clock

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    local = clock.local(moment, zone or current_app.config.get("TIMEZONE", "Asia/Ho_Chi_Minh"))
    offset = local.strftime("%z")
    return f"{local:%d/%m/%Y %H:%M:%S} (GMT{offset[:3]}:{offset[3:]})"


def certificate_name(subject: str) -> str:
    """"Common Name: Nguyễn Văn Hùng, Organizational Unit: …, Organization: HĐND xã Tân Phú"
    as "Nguyễn Văn Hùng (HĐND xã Tân Phú)"."""
    parts = dict(p.split(": ", 1) for p in subject.split(", ") if ": " in p)
    name = parts.get("Common Name")
    if not name:
        return subject
    organisation = parts.get("Organization")
    return f"{name} ({organisation})" if organisation and organisation != name else name


@bp.app_template_filter("signature_problem")
def _signature_problem(problem: str) -> str:
    return problem_text(problem)


@bp.app_template_filter("council_time")
def _council_time(value, zone=None):
    return council_time(value, zone)


@bp.app_template_filter("certificate_name")
def _certificate_name(value):
    return certificate_name(value)


def _base_url() -> str | None:
    # Configuration only: a Host header must never reach a signed, archived document.
    return current_app.config.get("PUBLIC_URL")


@bp.get("/meetings/<int:meeting_id>/resolutions")
@login_required
def meeting(meeting_id: int):
    meeting = meeting_service.get_meeting(g.actor, meeting_id)
    rows = service.list_for_meeting(g.actor, meeting.id)
    roles = g.actor.roles_in(meeting.council_id)
    return render_template(
        "resolutions/meeting.html", meeting=meeting, rows=rows, rules=rules,
        drafts={r.id: service.draft_documents(r) for r in rows if r.state == "to_issue"},
        is_issuer="secretariat" in roles or g.actor.is_superuser,
        is_chair="chair" in roles)


@bp.get("/resolutions/<int:resolution_id>")
@login_required
def show(resolution_id: int):
    res = service.get(g.actor, resolution_id)
    roles = g.actor.roles_in(res.council_id)
    return render_template(
        "resolutions/show.html", res=res, view=service.view(res), rules=rules,
        statement=vote_wording.lines(service.vote_result_of(res)),
        meeting=meeting_service.get_meeting(g.actor, res.meeting_id),
        is_issuer="secretariat" in roles or g.actor.is_superuser,
        is_chair="chair" in roles, copy_forms=rules.COPY_FORMS,
        public_url=f"{(_base_url() or '').rstrip('/')}{url_for('.public', public_id=res.public_id)}")


@bp.post("/resolutions/<int:resolution_id>/issue")
@login_required
@accepts_upload("MAX_DOCUMENT_BYTES")
def issue(resolution_id: int):
    upload = request.files.get("file")
    content = upload.read() if upload is not None and upload.filename else None
    form = forms.read(shapes.IssuePageForm)
    if content is None and form.document_id is None:
        raise Invalid("Chọn dự thảo hoặc tải lên văn bản cuối cùng (PDF).")
    res = service.issue(g.actor, resolution_id, verify_base_url=_base_url(),
                        kind=form.kind or "individual", title=form.title or "",
                        document_id=form.document_id if content is None else None,
                        upload=content, filename=upload.filename if content is not None else "",
                        issued_on=form.issued_on)
    flash(_("Đã ban hành Nghị quyết số %(number)s; chờ Chủ tịch ký.", number=res.number_text),
          "success")
    if getattr(res, "pdfa_findings", None):
        flash(_("Lưu ý: văn bản tải lên dùng phông chữ không được nhúng nên bản lưu trữ chưa "
                "hoàn toàn đạt PDF/A (%(findings)s). Nên xuất lại PDF với phông chữ nhúng.",
                findings="; ".join(res.pdfa_findings)), "error")
    return redirect(url_for(".show", resolution_id=res.id))


@bp.get("/resolutions/<int:resolution_id>/sign")
@login_required
def sign_page(resolution_id: int):
    """The chair reads what they sign (every page, PDF.js) and types their password."""
    res = service.signing_preview(g.actor, resolution_id)
    return _sign_page(res)


def _sign_page(res, error: str | None = None, status: int = 200):
    return render_template(
        "resolutions/sign.html", res=res, rules=rules, error=error,
        meeting=meeting_service.get_meeting(g.actor, res.meeting_id)), status


@bp.post("/resolutions/<int:resolution_id>/sign")
@login_required
def sign_chair(resolution_id: int):
    # The password as typed: forms.read strips text.
    form = forms.read(shapes.ChairSignatureInput)
    try:
        res = service.sign_as_chair(g.actor, resolution_id,
                                    document_sha256=form.document_sha256 or "",
                                    reauth=reauthentication(form.password or ""))
    except ServiceError as exc:
        if exc.code not in ("reauth_required", "reauth_failed", "too_many_attempts",
                            "document_changed", "document_sha256_required"):
            raise
        # the page again, with the document as it is now and the reason beside the password
        return _sign_page(service.signing_preview(g.actor, resolution_id), exc.message,
                          exc.status)
    flash(_("Đã ký số Nghị quyết số %(number)s.", number=res.number_text), "success")
    return redirect(url_for(".show", resolution_id=res.id))


@bp.post("/resolutions/<int:resolution_id>/sign-organisation")
@login_required
def sign_organisation(resolution_id: int):
    res = service.sign_as_organisation(g.actor, resolution_id)
    flash(_("Đã ký số cơ quan và lưu trữ Nghị quyết số %(number)s.", number=res.number_text),
          "success")
    return redirect(url_for(".show", resolution_id=res.id))


@bp.post("/resolutions/<int:resolution_id>/correct")
@login_required
def correct(resolution_id: int):
    res = service.correct(g.actor, resolution_id, forms.read(shapes.CorrectionInput).title)
    flash(_("Đã tạo văn bản đính chính chờ ban hành."), "success")
    return redirect(url_for(".meeting", meeting_id=res.meeting_id))


@bp.post("/resolutions/<int:resolution_id>/copies")
@login_required
def copy(resolution_id: int):
    """Bản sao điện tử: the organisation signs the copy at the top right of page 1."""
    sent = forms.read(shapes.CopyInput)
    form = sent.form or "sao_y"
    data = service.electronic_copy(g.actor, resolution_id, form=form, pages=sent.pages)
    res = service.get(g.actor, resolution_id)
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{service._slug(res)}-{form.replace('_', '-')}.pdf")


@bp.post("/resolutions/<int:resolution_id>/attachments")
@login_required
@accepts_upload("MAX_DOCUMENT_BYTES")
def attachment(resolution_id: int):
    """A separate attachment (phụ lục, PDF) signed by the organisation at the top right."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid("Hãy chọn tệp PDF của phụ lục.", code="file_required")
    data = service.sign_attachment(g.actor, resolution_id, upload.read(),
                                   filename=upload.filename)
    res = service.get(g.actor, resolution_id)
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{service._slug(res)}-phu-luc.pdf")


@bp.get("/resolutions/<int:resolution_id>/files/<which>")
@login_required
def download(resolution_id: int, which: str):
    res, data = service.file_of(g.actor, resolution_id, which)
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{service._slug(res)}-{which}.pdf")


@bp.get("/archive")
@login_required
def archive():
    council = g.get("council")
    if council is None or not (g.actor.is_superuser or g.actor.has(council.id, STAFF)):
        abort(403)
    meeting_id = request.args.get("meeting_id", type=db.id_arg)
    try:
        date_from = _date_arg("from")
        date_to = _date_arg("to")
    except ValueError:
        flash(_("Ngày tìm kiếm không hợp lệ (YYYY-MM-DD)."), "error")
        date_from = date_to = None
    rows = service.search_archive(g.actor, council.id, q=request.args.get("q", "")[:200],
                                  number=request.args.get("number", "")[:20],
                                  date_from=date_from, date_to=date_to, meeting_id=meeting_id)
    meetings = meeting_service.list_meetings(g.actor, council.id)
    return render_template("resolutions/archive.html", rows=rows, args=request.args,
                           meetings=meetings, council=council)


def _date_arg(name: str):
    from datetime import date

    value = request.args.get(name, "")
    return date.fromisoformat(value) if value else None


@bp.get("/meetings/<int:meeting_id>/resolutions/archive.zip")
@login_required
def archive_zip(meeting_id: int):
    if request.args.get("layout") == "national":  # the national archive's dossier layout
        data = archive_export.export_meeting(g.actor, meeting_id)
        name = f"ho-so-luu-tru-nghi-quyet-ky-hop-{meeting_id}.zip"
    else:
        data = service.export_meeting(g.actor, meeting_id)
        name = f"luu-tru-nghi-quyet-ky-hop-{meeting_id}.zip"
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=name)


# --- public, no login -------------------------------------------------------------------

def _uploaded() -> bytes:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid("Hãy chọn tệp PDF cần kiểm tra.", code="file_required")
    return upload.read()


@bp.route("/verify", methods=["GET", "POST"])
@accepts_upload("MAX_VERIFY_BYTES")
def verify():
    report, error, status = None, None, 200
    if request.method == "POST":
        try:
            # per client address, before the file is even read: the page needs no login
            ratelimit.require("verify", request.remote_addr or "")
            report = service.verify(_uploaded())
        except ServiceError as exc:
            error, status = exc.message, (429 if exc.status == 429 else 422)
    return render_template("resolutions/verify.html", report=report, error=error,
                           labels=STATUS_LABELS), status


@bp.route("/r/<public_id>", methods=["GET", "POST"])
@accepts_upload("MAX_VERIFY_BYTES")
def public(public_id: str):
    res = service.by_public_id(public_id)
    check, error, status = None, None, 200
    if request.method == "POST":
        try:
            ratelimit.require("verify", request.remote_addr or "")
            check = service.check_against_archive(public_id, _uploaded())
        except ServiceError as exc:
            error, status = exc.message, (429 if exc.status == 429 else 422)
    return render_template("resolutions/public.html", res=res, record=service.public_record(res),
                           statement=vote_wording.lines(service.vote_result_of(res)),
                           check=check, error=error, labels=STATUS_LABELS,
                           signatures=res.signatures, zone=clock.zone_name(res.council_id)), status
