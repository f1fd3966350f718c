"""API v1: the hall screen as a projector (what it shows, page turns, the end of showing)."""

from __future__ import annotations

from flask import g, jsonify

from paperless.api.routes import authenticated, bp
from paperless.api.spec import declare
from paperless.schemas import projection as shapes
from paperless.services import projection as service


@bp.get("/meetings/<int:meeting_id>/projection")
@authenticated
@declare("What the hall screen shows (showing: false = the live state); every participant",
         answer=shapes.ProjectionState, errors=(401, 403, 404))
def get_projection(meeting_id: int):
    return jsonify(service.current(g.api_actor, meeting_id))


@bp.put("/meetings/<int:meeting_id>/projection")
@authenticated
@declare("Show a page (document_id, page, optional zoomed rect [x0,y0,x1,y1] in PDF points) "
         "or an opinion with its passage (opinion_id) on the hall screen (chair, "
         "secretariat); refused not_projectable unless the document is published and public",
         body=shapes.ProjectionShow, answer=shapes.ProjectionState,
         errors=(400, 401, 403, 404, 409, 422))
def show_projection(meeting_id: int, body: shapes.ProjectionShow):
    return jsonify(service.show(
        g.api_actor, meeting_id, document_id=body.document_id, page=body.page,
        rect=None if body.rect is None else list(body.rect), opinion_id=body.opinion_id))


@bp.post("/meetings/<int:meeting_id>/projection/page")
@authenticated
@declare("Turn the shown page: to page, or delta pages on (chair, secretariat)",
         body=shapes.ProjectionTurn, answer=shapes.ProjectionState,
         errors=(400, 401, 403, 404, 409, 422))
def turn_projection(meeting_id: int, body: shapes.ProjectionTurn):
    return jsonify(service.turn(g.api_actor, meeting_id, page=body.page, delta=body.delta))


@bp.delete("/meetings/<int:meeting_id>/projection")
@authenticated
@declare("End the showing: the screen returns to the live state (chair, secretariat)",
         answer=shapes.ProjectionState, errors=(401, 403, 404))
def stop_projection(meeting_id: int):
    return jsonify(service.stop(g.api_actor, meeting_id))


@bp.get("/meetings/<int:meeting_id>/projection/documents")
@authenticated
@declare("The meeting's documents the hall screen may show (chair, secretariat)",
         answer=shapes.ProjectableDocuments, errors=(401, 403, 404))
def projectable_documents(meeting_id: int):
    return jsonify({"documents": service.projectable_documents(g.api_actor, meeting_id)})
