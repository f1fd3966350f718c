"""API v1: the minutes of a meeting (biên bản kỳ họp) and its audit record."""

from __future__ import annotations

import io

from flask import g, jsonify, send_file

from paperless.api import body
from paperless.api.routes import authenticated, bp
from paperless.services import meetings
from paperless.services import minutes as service
from paperless.services.errors import Invalid


@bp.get("/meetings/<int:meeting_id>/minutes")
@authenticated
def minutes_status(meeting_id: int):
    return jsonify(service.status(g.api_actor, meeting_id))


@bp.put("/meetings/<int:meeting_id>/minutes")
@authenticated
def minutes_edit(meeting_id: int):
    sections = body.json_body().get("sections")
    if not isinstance(sections, dict):
        raise Invalid("Thiếu trường “sections” (đối tượng).", details={"sections": "required"})
    return jsonify(service.edit_sections(g.api_actor, meeting_id, sections))


@bp.get("/meetings/<int:meeting_id>/minutes/pdf")
@authenticated
def minutes_pdf(meeting_id: int):
    pdf, state = service.final_pdf(g.api_actor, meeting_id)
    return send_file(io.BytesIO(pdf), mimetype="application/pdf",
                     download_name=f"bien-ban-ky-hop-{meeting_id}-{state}.pdf")


@bp.post("/meetings/<int:meeting_id>/minutes/finalize")
@authenticated
def minutes_finalize(meeting_id: int):
    return jsonify(service.finalize(g.api_actor, meeting_id))


@bp.post("/meetings/<int:meeting_id>/minutes/sign")
@authenticated
def minutes_sign(meeting_id: int):
    return jsonify(service.sign(g.api_actor, meeting_id))


@bp.get("/meetings/<int:meeting_id>/audit")
@authenticated
def meeting_audit(meeting_id: int):
    return jsonify(meetings.audit_record(g.api_actor, meeting_id))
