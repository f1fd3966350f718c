"""API v1: the hall screen as a projector (what it shows, page turns, the end of showing)."""

from __future__ import annotations

from flask import g, jsonify

from paperless.api import body
from paperless.api.routes import authenticated, bp
from paperless.services import projection as service


@bp.get("/meetings/<int:meeting_id>/projection")
@authenticated
def get_projection(meeting_id: int):
    return jsonify(service.current(g.api_actor, meeting_id))


@bp.put("/meetings/<int:meeting_id>/projection")
@authenticated
def show_projection(meeting_id: int):
    data = body.json_body()
    return jsonify(service.show(
        g.api_actor, meeting_id, document_id=body.integer(data, "document_id"),
        page=body.integer(data, "page"), rect=data.get("rect"),
        opinion_id=body.integer(data, "opinion_id")))


@bp.post("/meetings/<int:meeting_id>/projection/page")
@authenticated
def turn_projection(meeting_id: int):
    data = body.json_body()
    return jsonify(service.turn(g.api_actor, meeting_id, page=body.integer(data, "page"),
                                delta=body.integer(data, "delta")))


@bp.delete("/meetings/<int:meeting_id>/projection")
@authenticated
def stop_projection(meeting_id: int):
    return jsonify(service.stop(g.api_actor, meeting_id))


@bp.get("/meetings/<int:meeting_id>/projection/documents")
@authenticated
def projectable_documents(meeting_id: int):
    return jsonify({"documents": service.projectable_documents(g.api_actor, meeting_id)})
