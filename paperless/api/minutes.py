"""API v1: the minutes of a meeting (biên bản kỳ họp) and its audit record."""

from __future__ import annotations

import io

from flask import g, jsonify, send_file

from paperless.api.routes import authenticated, bp
from paperless.api.spec import PDF, declare
from paperless.schemas import records as shapes
from paperless.services import meetings
from paperless.services import minutes as service


@bp.get("/meetings/<int:meeting_id>/minutes")
@authenticated
@declare("The minutes' state and edited sections (staff)", answer=shapes.Minutes,
         errors=(401, 403, 404))
def minutes_status(meeting_id: int):
    return jsonify(service.status(g.api_actor, meeting_id))


@bp.put("/meetings/<int:meeting_id>/minutes")
@authenticated
@declare("Edit sections of the draft minutes (secretariat)", body=shapes.MinutesEdit,
         answer=shapes.Minutes, errors=(400, 401, 403, 404, 409, 422))
def minutes_edit(meeting_id: int, body: shapes.MinutesEdit):
    return jsonify(service.edit_sections(g.api_actor, meeting_id, body.sections))


@bp.get("/meetings/<int:meeting_id>/minutes/pdf")
@authenticated
@declare("The minutes as PDF: signed, else final, else a draft preview",
         answer=PDF, errors=(401, 403, 404))
def minutes_pdf(meeting_id: int):
    pdf, state = service.final_pdf(g.api_actor, meeting_id)
    return send_file(io.BytesIO(pdf), mimetype="application/pdf",
                     download_name=f"bien-ban-ky-hop-{meeting_id}-{state}.pdf")


@bp.post("/meetings/<int:meeting_id>/minutes/finalize")
@authenticated
@declare("Finalise: seal with the audit chain's head; no edits afterwards (secretariat)",
         answer=shapes.Minutes, errors=(401, 403, 404, 409))
def minutes_finalize(meeting_id: int):
    return jsonify(service.finalize(g.api_actor, meeting_id))


@bp.post("/meetings/<int:meeting_id>/minutes/sign")
@authenticated
@declare("Sign the final minutes with the council's keys (the chair only)",
         answer=shapes.Minutes, errors=(401, 403, 404, 409))
def minutes_sign(meeting_id: int):
    return jsonify(service.sign(g.api_actor, meeting_id))


@bp.get("/meetings/<int:meeting_id>/audit")
@authenticated
@declare("The meeting's entries of the tamper-evident record, each checked against its hash "
         "(staff)", answer=shapes.AuditRecord, errors=(401, 403, 404))
def meeting_audit(meeting_id: int):
    return jsonify(meetings.audit_record(g.api_actor, meeting_id))
