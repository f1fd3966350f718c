"""API v1: resolutions — issue, sign (in the app or in two steps), archive, export, verify."""

from __future__ import annotations

import base64
import binascii
import io
from datetime import date

from flask import current_app, g, jsonify, request, send_file

from paperless import db, ratelimit
from paperless.api import body
from paperless.api.routes import authenticated, bp
from paperless.limits import accepts_upload
from paperless.services import archive_export
from paperless.services import resolutions as service
from paperless.services.errors import Invalid
from paperless.web.auth import reauthentication


def verify_base_url() -> str | None:
    # Configuration only: a Host header must never reach a signed, archived document.
    return current_app.config.get("PUBLIC_URL")


def _b64(data: dict, name: str, *, required: bool = True) -> bytes | None:
    value = body.string(data, name, required=required, default="")
    if not value:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Invalid(f"Trường “{name}” phải là base64.", details={name: "base64"}) from exc


def _certificate(value: str) -> bytes:
    value = value.strip()
    if value.startswith("-----BEGIN"):
        return value.encode()
    return _b64({"certificate": value}, "certificate")


def _upload() -> bytes | None:
    upload = request.files.get("file")
    return upload.read() if upload is not None else None


def _view(res):
    return jsonify(service.view(res))


@bp.get("/meetings/<int:meeting_id>/resolutions")
@authenticated
def meeting_resolutions(meeting_id: int):
    return jsonify({"resolutions": [service.view(r) for r in
                                    service.list_for_meeting(g.api_actor, meeting_id)]})


@bp.get("/resolutions/<int:resolution_id>")
@authenticated
def resolution(resolution_id: int):
    return _view(service.get(g.api_actor, resolution_id))


@bp.post("/resolutions/<int:resolution_id>/issue")
@authenticated
@accepts_upload("MAX_DOCUMENT_BYTES")
def issue(resolution_id: int):
    if request.mimetype == "multipart/form-data":
        form = request.form
        data = {k: form.get(k) for k in ("kind", "title", "issued_on") if form.get(k)}
        if form.get("document_id", type=db.id_arg) is not None:
            data["document_id"] = form.get("document_id", type=db.id_arg)
        upload = request.files.get("file")
        content = upload.read() if upload is not None else None
        filename = upload.filename if upload is not None else ""
    else:
        data, content, filename = body.json_body(), None, ""
    res = service.issue(
        g.api_actor, resolution_id, verify_base_url=verify_base_url(),
        kind=body.string(data, "kind", required=False, default="individual"),
        title=body.string(data, "title", required=False) or None,
        document_id=body.integer(data, "document_id"), upload=content,
        filename=filename or "", issued_on=body.iso_date(data, "issued_on", required=False))
    return _view(res)


@bp.post("/resolutions/<int:resolution_id>/chair-signature")
@authenticated
def chair_sign(resolution_id: int):
    """The same confirmation as the signing page: the official PDF's hash the client showed
    (`document_sha256`) and the chair's password typed again (`password`)."""
    data = request.get_json(silent=True)
    data = data if isinstance(data, dict) else {}
    password = data.get("password")
    return _view(service.sign_as_chair(
        g.api_actor, resolution_id,
        document_sha256=data.get("document_sha256") if isinstance(
            data.get("document_sha256"), str) else None,
        reauth=reauthentication(password if isinstance(password, str) else "")))


@bp.post("/resolutions/<int:resolution_id>/chair-signature/prepare")
@authenticated
def chair_prepare(resolution_id: int):
    data = body.json_body()
    chain = [_certificate(c) for c in body.string_list(data, "chain")]
    return jsonify(service.prepare_chair_two_step(
        g.api_actor, resolution_id, _certificate(body.string(data, "certificate")), chain))


@bp.post("/resolutions/<int:resolution_id>/chair-signature/finish")
@authenticated
def chair_finish(resolution_id: int):
    data = body.json_body()
    return _view(service.finish_chair_two_step(
        g.api_actor, resolution_id, signature=_b64(data, "signature", required=False),
        cms=_b64(data, "cms", required=False)))


@bp.post("/resolutions/<int:resolution_id>/organisation-signature")
@authenticated
def organisation_sign(resolution_id: int):
    return _view(service.sign_as_organisation(g.api_actor, resolution_id))


@bp.post("/resolutions/<int:resolution_id>/corrections")
@authenticated
def correction(resolution_id: int):
    data = request.get_json(silent=True) or {}
    title = body.string(data, "title", required=False) if isinstance(data, dict) else ""
    return _view(service.correct(g.api_actor, resolution_id, title or None)), 201


def _pdf(data: bytes, name: str):
    response = send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                         download_name=name)
    response.status_code = 201
    return response


@bp.post("/resolutions/<int:resolution_id>/copies")
@authenticated
def resolution_copy(resolution_id: int):
    """Bản sao điện tử (sao y, sao lục, trích sao of some pages) of an archived resolution."""
    data = request.get_json(silent=True) if request.content_length else {}
    if not isinstance(data, dict):
        raise Invalid("Nội dung phải là một đối tượng JSON.", code="invalid_json")
    form = body.string(data, "form", required=False, default="sao_y") or "sao_y"
    pdf = service.electronic_copy(g.api_actor, resolution_id, form=form,
                                  pages=body.string(data, "pages", required=False) or None)
    res = service.get(g.api_actor, resolution_id)
    return _pdf(pdf, f"{service._slug(res)}-{form.replace('_', '-')}.pdf")


@bp.post("/resolutions/<int:resolution_id>/attachments")
@authenticated
@accepts_upload("MAX_DOCUMENT_BYTES")
def resolution_attachment(resolution_id: int):
    """A separate attachment (multipart "file", PDF) signed at the top right of page 1."""
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("Thiếu tệp (trường “file”).", code="file_required",
                      details={"file": "required"})
    pdf = service.sign_attachment(g.api_actor, resolution_id, upload.read(),
                                  filename=upload.filename or "")
    res = service.get(g.api_actor, resolution_id)
    return _pdf(pdf, f"{service._slug(res)}-phu-luc.pdf")


@bp.get("/resolutions/<int:resolution_id>/files/<which>")
@authenticated
def resolution_file(resolution_id: int, which: str):
    res, data = service.file_of(g.api_actor, resolution_id, which)
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{service._slug(res)}-{which}.pdf")


def _date_arg(name: str) -> date | None:
    value = request.args.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(f"“{name}” phải là ngày YYYY-MM-DD.", details={name: "format"}) from exc


@bp.get("/councils/<int:council_id>/resolutions")
@authenticated
def archive(council_id: int):
    rows = service.search_archive(
        g.api_actor, council_id, q=request.args.get("q", "")[:200],
        number=request.args.get("number", "")[:20], date_from=_date_arg("from"),
        date_to=_date_arg("to"),
        meeting_id=request.args.get("meeting_id", type=db.id_arg))
    return jsonify({"resolutions": [service.view(r) for r in rows]})


@bp.get("/meetings/<int:meeting_id>/resolutions/archive.zip")
@authenticated
def archive_zip(meeting_id: int):
    if request.args.get("layout") == "national":  # the national archive's dossier layout
        data = archive_export.export_meeting(g.api_actor, meeting_id)
        name = f"ho-so-luu-tru-nghi-quyet-ky-hop-{meeting_id}.zip"
    else:
        data = service.export_meeting(g.api_actor, meeting_id)
        name = f"luu-tru-nghi-quyet-ky-hop-{meeting_id}.zip"
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=name)


@bp.post("/verify")
@accepts_upload("MAX_VERIFY_BYTES")
def verify():
    """Public: no login. Any PDF in, each signature's report out."""
    ratelimit.require("verify", request.remote_addr or "")  # before reading the file
    content = _upload()
    if content is None:
        raise Invalid("Thiếu tệp (trường “file”).", details={"file": "required"})
    return jsonify(service.verify(content))


@bp.post("/public/resolutions/<public_id>/check")
@accepts_upload("MAX_VERIFY_BYTES")
def public_check(public_id: str):
    """Public: is this file exactly the archived resolution?"""
    ratelimit.require("verify", request.remote_addr or "")
    content = _upload()
    if content is None:
        raise Invalid("Thiếu tệp (trường “file”).", details={"file": "required"})
    return jsonify(service.check_against_archive(public_id, content))
