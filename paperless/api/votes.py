"""API v1: votes — prepare, open, close, announce, cast, results."""

from __future__ import annotations

from flask import g, jsonify

from paperless.api import body
from paperless.api.routes import authenticated, bp
from paperless.services import votes as vote_service
from paperless.services.errors import Invalid


def _bool(data: dict, name: str, default: bool) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise Invalid(f"Trường “{name}” phải là true/false.", details={name: "type"})
    return value


@bp.post("/agenda-items/<int:item_id>/votes")
@authenticated
def create_vote(item_id: int):
    data = body.json_body()
    labels = data.get("choices") or data.get("candidates") or data.get("persons")
    vote = vote_service.create_vote(
        g.api_actor, item_id, kind=body.string(data, "kind"), title=body.string(data, "title"),
        labels=labels, seats=body.integer(data, "seats") or 1,
        exact=_bool(data, "exact", False),
        rule=body.string(data, "rule", required=False, default="majority"),
        allow_change=_bool(data, "allow_change", True),
        require_checked_in=_bool(data, "require_checked_in", True),
        countdown_seconds=body.integer(data, "countdown_seconds"))
    return jsonify(vote_service.public(vote)), 201


@bp.get("/meetings/<int:meeting_id>/votes")
@authenticated
def list_votes(meeting_id: int):
    return jsonify({"votes": [vote_service.public(v)
                              for v in vote_service.list_votes(g.api_actor, meeting_id)]})


@bp.get("/votes/<int:vote_id>")
@authenticated
def get_vote(vote_id: int):
    return jsonify(vote_service.state_of(g.api_actor, vote_id))


@bp.post("/votes/<int:vote_id>/open")
@authenticated
def open_vote(vote_id: int):
    return jsonify(vote_service.open_vote(g.api_actor, vote_id))


@bp.post("/votes/<int:vote_id>/close")
@authenticated
def close_vote(vote_id: int):
    return jsonify(vote_service.close_vote(g.api_actor, vote_id))


@bp.post("/votes/<int:vote_id>/announce")
@authenticated
def announce_vote(vote_id: int):
    return jsonify(vote_service.announce(g.api_actor, vote_id))


@bp.post("/votes/<int:vote_id>/cancel")
@authenticated
def cancel_vote(vote_id: int):
    data = body.json_body()
    return jsonify(vote_service.cancel(g.api_actor, vote_id, body.string(data, "reason")))


@bp.post("/votes/<int:vote_id>/revote")
@authenticated
def revote(vote_id: int):
    return jsonify(vote_service.public(vote_service.revote(g.api_actor, vote_id))), 201


@bp.post("/votes/<int:vote_id>/manual-result")
@authenticated
def manual_result(vote_id: int):
    data = body.json_body()
    return jsonify(vote_service.record_manual_result(
        g.api_actor, vote_id, data.get("counts"), body.string(data, "note"),
        ballots_issued=data.get("ballots_issued")))


@bp.get("/votes/<int:vote_id>/manual-result")
@authenticated
def pending_manual_result(vote_id: int):
    return jsonify({"manual": vote_service.pending_manual_of(g.api_actor, vote_id)})


@bp.post("/votes/<int:vote_id>/manual-result/decision")
@authenticated
def decide_manual_result(vote_id: int):
    data = body.json_body()
    confirm = data.get("confirm")
    if not isinstance(confirm, bool):
        raise Invalid("Trường “confirm” phải là true/false.", details={"confirm": "type"})
    return jsonify(vote_service.decide_manual_result(g.api_actor, vote_id, confirm))


@bp.post("/votes/<int:vote_id>/ballots")
@authenticated
def cast_ballot(vote_id: int):
    data = body.json_body()
    ack = vote_service.cast(g.api_actor, vote_id, idempotency_key=data.get("idempotency_key"),
                            choice=data.get("choice"), selections=data.get("selections"),
                            ratings=data.get("ratings"))
    return jsonify(ack), 201


@bp.get("/votes/<int:vote_id>/result")
@authenticated
def vote_result(vote_id: int):
    return jsonify(vote_service.result_of(g.api_actor, vote_id))
