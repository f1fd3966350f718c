"""API v1: resolutions — issue, sign (in the app or in two steps), archive, export, verify."""

from __future__ import annotations

import base64
import binascii
import io
from functools import wraps

from flask import current_app, g, jsonify, request, send_file

from paperless import ratelimit
from paperless.api.routes import authenticated, bp
from paperless.api.spec import PDF, PDF_RANGES, Binary, declare
from paperless.limits import accepts_upload
from paperless.schemas import resolutions as shapes
from paperless.schemas.base import listing
from paperless.services import archive_export
from paperless.services import resolutions as service
from paperless.services.errors import Invalid
from paperless.web.auth import reauthentication

Resolutions = listing("resolutions", shapes.Resolution)


def verify_base_url() -> str | None:
    # Configuration only: a Host header must never reach a signed, archived document.
    return current_app.config.get("PUBLIC_URL")


def _b64(value: str | None, name: str) -> bytes | None:
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
    data = _b64(value, "certificate")
    if data is None:
        raise Invalid("Thiếu trường “certificate”.", details={"certificate": "required"})
    return data


def _view(res):
    return jsonify(service.view(res))


def _rate_limited(view):
    """The public verification's rate limit, before the file is read (below the upload limit,
    above the declaration that reads the form)."""
    @wraps(view)
    def limited(*args, **kwargs):
        ratelimit.require("verify", request.remote_addr or "")
        return view(*args, **kwargs)

    return limited


@bp.get("/meetings/<int:meeting_id>/resolutions")
@authenticated
@declare("Resolutions of the meeting (staff); passed votes appear as \"to issue\"",
         answer=Resolutions, errors=(401, 403, 404))
def meeting_resolutions(meeting_id: int):
    return jsonify({"resolutions": [service.view(r) for r in
                                    service.list_for_meeting(g.api_actor, meeting_id)]})


@bp.get("/resolutions/<int:resolution_id>")
@authenticated
@declare("One resolution (staff)", answer=shapes.Resolution, errors=(401, 403, 404))
def resolution(resolution_id: int):
    return _view(service.get(g.api_actor, resolution_id))


@bp.post("/resolutions/<int:resolution_id>/issue")
@authenticated
@accepts_upload("MAX_DOCUMENT_BYTES")
@declare("Issue (secretariat): number + official PDF/A with signature fields",
         body=shapes.IssueInput, form=shapes.IssueForm, answer=shapes.Resolution,
         errors=(400, 401, 403, 404, 409, 413, 422))
def issue(resolution_id: int, body: shapes.IssueInput | None,
          form: shapes.IssueForm | None):
    given = form if form is not None else body
    upload = form.file if form is not None else None
    res = service.issue(
        g.api_actor, resolution_id, verify_base_url=verify_base_url(),
        kind=given.kind or "individual", title=given.title or None,
        document_id=given.document_id,
        upload=upload.read() if upload is not None else None,
        filename=(upload.filename or "") if upload is not None else "",
        issued_on=given.issued_on)
    return _view(res)


@bp.post("/resolutions/<int:resolution_id>/chair-signature")
@authenticated
@declare("The chair signs in the app with the chair's key (the chair only, not even the "
         "superuser) the document they saw, after typing their password again: 422 "
         "reauth_required / reauth_failed / document_sha256_required, 409 document_changed "
         "(the official PDF's hash is no longer document_sha256), 429 too_many_attempts "
         "(wrong passwords count like failed logins)", body=shapes.ChairSignatureInput,
         body_required=False, answer=shapes.Resolution,
         errors=(400, 401, 403, 404, 409, 422, 429))
def chair_sign(resolution_id: int, body: shapes.ChairSignatureInput):
    """The same confirmation as the signing page: the official PDF's hash the client showed
    (`document_sha256`) and the chair's password typed again (`password`)."""
    return _view(service.sign_as_chair(
        g.api_actor, resolution_id, document_sha256=body.document_sha256,
        reauth=reauthentication(body.password or "")))


@bp.post("/resolutions/<int:resolution_id>/chair-signature/prepare")
@authenticated
@declare("Two-step signing, step 1 (chair): returns the digest to sign",
         body=shapes.TwoStepPrepareInput, answer=shapes.TwoStepDigest,
         errors=(400, 401, 403, 404, 409, 422))
def chair_prepare(resolution_id: int, body: shapes.TwoStepPrepareInput):
    chain = [_certificate(c) for c in body.chain or []]
    return jsonify(service.prepare_chair_two_step(
        g.api_actor, resolution_id, _certificate(body.certificate), chain))


@bp.post("/resolutions/<int:resolution_id>/chair-signature/finish")
@authenticated
@declare("Two-step signing, step 2: the raw signature over digest_to_sign, or a CMS",
         body=shapes.TwoStepFinishInput, answer=shapes.Resolution,
         errors=(400, 401, 403, 404, 409, 422))
def chair_finish(resolution_id: int, body: shapes.TwoStepFinishInput):
    return _view(service.finish_chair_two_step(
        g.api_actor, resolution_id, signature=_b64(body.signature, "signature"),
        cms=_b64(body.cms, "cms")))


@bp.post("/resolutions/<int:resolution_id>/organisation-signature")
@authenticated
@declare("The council's certificate signs (secretariat); the result is archived",
         answer=shapes.Resolution, errors=(401, 403, 404, 409, 422))
def organisation_sign(resolution_id: int):
    return _view(service.sign_as_organisation(g.api_actor, resolution_id))


@bp.post("/resolutions/<int:resolution_id>/corrections")
@authenticated
@declare("A correction: a new resolution to issue pointing to the archived one", status=201,
         body=shapes.CorrectionInput, body_required=False, answer=shapes.Resolution,
         errors=(400, 401, 403, 404, 409, 422))
def correction(resolution_id: int, body: shapes.CorrectionInput):
    return _view(service.correct(g.api_actor, resolution_id, body.title or None)), 201


def _pdf(data: bytes, name: str):
    response = send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                         download_name=name)
    response.status_code = 201
    return response


@bp.post("/resolutions/<int:resolution_id>/copies")
@authenticated
@declare("An electronic copy of the archived resolution (secretariat): sao y / sao lục (the "
         "whole text) or trích sao (pages, e.g. \"1-2, 4\"), the original's signatures drawn "
         "flat, signed by the council at the top right of page 1 (form, organisation, "
         "ISO 8601 time, Times 10 black). Codes: not_archived, invalid_copy_form, "
         "invalid_pages, pages_required, pages_not_allowed, signing_failed", status=201,
         body=shapes.CopyInput, body_required=False,
         answer=Binary("application/pdf", description="The signed copy"),
         errors=(400, 401, 403, 404, 409, 422))
def resolution_copy(resolution_id: int, body: shapes.CopyInput):
    """Bản sao điện tử (sao y, sao lục, trích sao of some pages) of an archived resolution."""
    form = body.form or "sao_y"
    pdf = service.electronic_copy(g.api_actor, resolution_id, form=form,
                                  pages=body.pages or None)
    res = service.get(g.api_actor, resolution_id)
    return _pdf(pdf, f"{service._slug(res)}-{form.replace('_', '-')}.pdf")


def _file_required():
    return Invalid(shapes.NO_FILE, code="file_required", details={"file": "required"})


@bp.post("/resolutions/<int:resolution_id>/attachments")
@authenticated
@accepts_upload("MAX_DOCUMENT_BYTES")
@declare("A separate attachment (phụ lục, PDF) of an issued resolution signed by the council "
         "at the top right of its first page (secretariat). Codes: not_issued, file_required, "
         "empty_file, not_a_pdf, field_already_signed / field_missing (a signed file), "
         "signing_failed", status=201, form=shapes.AttachmentForm,
         answer=Binary("application/pdf", description="The signed attachment"),
         errors=(400, 401, 403, 404, 409, 413, 422))
def resolution_attachment(resolution_id: int, form: shapes.AttachmentForm | None):
    """A separate attachment (multipart "file", PDF) signed at the top right of page 1."""
    if form is None:
        raise _file_required()
    pdf = service.sign_attachment(g.api_actor, resolution_id, form.file.read(),
                                  filename=form.file.filename or "")
    res = service.get(g.api_actor, resolution_id)
    return _pdf(pdf, f"{service._slug(res)}-phu-luc.pdf")


@bp.get("/resolutions/<int:resolution_id>/files/<which>")
@authenticated
@declare("A file of the resolution: draft, official, chair_signed, signed",
         path={"which": {"enum": shapes.WHICH_FILES}}, answer=PDF,
         other_answers=PDF_RANGES, errors=(401, 403, 404))
def resolution_file(resolution_id: int, which: str):
    res, data = service.file_of(g.api_actor, resolution_id, which)
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{service._slug(res)}-{which}.pdf")


@bp.get("/councils/<int:council_id>/resolutions")
@authenticated
@declare("The archive (staff): search by title words, number, date, meeting",
         query=shapes.ArchiveQuery, answer=Resolutions, errors=(401, 403, 404, 422))
def archive(council_id: int, query: shapes.ArchiveQuery):
    rows = service.search_archive(
        g.api_actor, council_id, q=query.q[:200], number=query.number[:20],
        date_from=query.date_from, date_to=query.date_to, meeting_id=query.meeting_id)
    return jsonify({"resolutions": [service.view(r) for r in rows]})


@bp.get("/meetings/<int:meeting_id>/resolutions/archive.zip")
@authenticated
@declare("The meeting's archive as ZIP with manifest.json (SHA-256); layout=national: the "
         "national archive's dossier (HoSo.xml, per document VanBan.xml, MucLuc.csv, "
         "SHA256SUMS)", query=shapes.ArchiveZipQuery,
         answer=Binary("application/zip", description="ZIP"), errors=(401, 403, 404, 409, 422))
def archive_zip(meeting_id: int, query: shapes.ArchiveZipQuery):
    if query.layout == "national":  # the national archive's dossier layout
        data = archive_export.export_meeting(g.api_actor, meeting_id)
        name = f"ho-so-luu-tru-nghi-quyet-ky-hop-{meeting_id}.zip"
    else:
        data = service.export_meeting(g.api_actor, meeting_id)
        name = f"luu-tru-nghi-quyet-ky-hop-{meeting_id}.zip"
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=name)


def _no_file():
    return Invalid(shapes.NO_FILE, details={"file": "required"})


@bp.post("/verify")
@accepts_upload("MAX_VERIFY_BYTES")
@_rate_limited
@declare("Verify every signature of any PDF (no login; rate-limited per client address)",
         form=shapes.PdfForm, answer=shapes.VerifyReport, errors=(400, 413, 422, 429),
         public=True)
def verify(form: shapes.PdfForm | None):
    """Public: no login. Any PDF in, each signature's report out."""
    if form is None:
        raise _no_file()
    return jsonify(service.verify(form.file.read()))


@bp.post("/public/resolutions/<public_id>/check")
@accepts_upload("MAX_VERIFY_BYTES")
@_rate_limited
@declare("Is this file exactly the archived resolution? (no login)", form=shapes.PdfForm,
         answer=shapes.PublicCheck, errors=(400, 404, 413, 422, 429), public=True)
def public_check(public_id: str, form: shapes.PdfForm | None):
    """Public: is this file exactly the archived resolution?"""
    if form is None:
        raise _no_file()
    return jsonify(service.check_against_archive(public_id, form.file.read()))
