"""API v1: votes — prepare, open, close, announce, cast, results."""

from __future__ import annotations

from flask import g, jsonify

from paperless.api.routes import authenticated, bp
from paperless.api.spec import declare
from paperless.schemas import votes as shapes
from paperless.schemas.base import listing
from paperless.services import votes as vote_service


@bp.post("/agenda-items/<int:item_id>/votes")
@authenticated
@declare("Prepare a vote on an agenda item (secretariat, chair)", status=201,
         body=shapes.VoteInput, answer=shapes.Vote, errors=(400, 401, 403, 404, 409, 422))
def create_vote(item_id: int, body: shapes.VoteInput):
    vote = vote_service.create_vote(
        g.api_actor, item_id, kind=body.kind, title=body.title,
        labels=body.choices or body.candidates or body.persons, seats=body.seats or 1,
        exact=body.exact, rule=body.rule, allow_change=body.allow_change,
        require_checked_in=body.require_checked_in, countdown_seconds=body.countdown_seconds)
    return jsonify(vote_service.public(vote)), 201


@bp.get("/meetings/<int:meeting_id>/votes")
@authenticated
@declare("The meeting's votes", answer=listing("votes", shapes.Vote), errors=(401, 403, 404))
def list_votes(meeting_id: int):
    return jsonify({"votes": [vote_service.public(v)
                              for v in vote_service.list_votes(g.api_actor, meeting_id)]})


@bp.get("/votes/<int:vote_id>")
@authenticated
@declare("A vote, its progress (counts only) and my ballot", answer=shapes.VoteState,
         errors=(401, 403, 404))
def get_vote(vote_id: int):
    return jsonify(vote_service.state_of(g.api_actor, vote_id))


@bp.post("/votes/<int:vote_id>/open")
@authenticated
@declare("Open (chair, secretariat)", answer=shapes.VoteEvent, errors=(401, 403, 404, 409))
def open_vote(vote_id: int):
    return jsonify(vote_service.open_vote(g.api_actor, vote_id))


@bp.post("/votes/<int:vote_id>/close")
@authenticated
@declare("Close and count (chair, secretariat)", answer=shapes.VoteEvent,
         errors=(401, 403, 404, 409))
def close_vote(vote_id: int):
    return jsonify(vote_service.close_vote(g.api_actor, vote_id))


@bp.post("/votes/<int:vote_id>/announce")
@authenticated
@declare("Announce the result to the hall", answer=shapes.VoteEvent,
         errors=(401, 403, 404, 409))
def announce_vote(vote_id: int):
    return jsonify(vote_service.announce(g.api_actor, vote_id))


@bp.post("/votes/<int:vote_id>/cancel")
@authenticated
@declare("Cancel with a reason", body=shapes.CancelInput, answer=shapes.VoteEvent,
         errors=(400, 401, 403, 404, 409, 422))
def cancel_vote(vote_id: int, body: shapes.CancelInput):
    return jsonify(vote_service.cancel(g.api_actor, vote_id, body.reason))


@bp.post("/votes/<int:vote_id>/revote")
@authenticated
@declare("A new round (biểu quyết lại); the earlier stays on record", status=201,
         answer=shapes.Vote, errors=(401, 403, 404, 409))
def revote(vote_id: int):
    return jsonify(vote_service.public(vote_service.revote(g.api_actor, vote_id))), 201


@bp.post("/votes/<int:vote_id>/manual-result")
@authenticated
@declare("Counts from a show of hands or paper ballots (secretariat; counted once the chair "
         "confirms; only for a vote not open and without electronic ballots)",
         body=shapes.ManualResultInput, answer=shapes.VoteEvent,
         errors=(400, 401, 403, 404, 409, 422))
def manual_result(vote_id: int, body: shapes.ManualResultInput):
    return jsonify(vote_service.record_manual_result(
        g.api_actor, vote_id, body.counts, body.note, ballots_issued=body.ballots_issued))


@bp.get("/votes/<int:vote_id>/manual-result")
@authenticated
@declare("The manual count waiting for the chair's confirmation, or null",
         answer=shapes.PendingManual, errors=(401, 403, 404))
def pending_manual_result(vote_id: int):
    return jsonify({"manual": vote_service.pending_manual_of(g.api_actor, vote_id)})


@bp.post("/votes/<int:vote_id>/manual-result/decision")
@authenticated
@declare("The chair confirms (it becomes the result, marked manual) or rejects it",
         body=shapes.ManualDecision, answer=shapes.VoteEvent,
         errors=(400, 401, 403, 404, 409, 422))
def decide_manual_result(vote_id: int, body: shapes.ManualDecision):
    return jsonify(vote_service.decide_manual_result(g.api_actor, vote_id, body.confirm))


@bp.post("/votes/<int:vote_id>/ballots")
@authenticated
@declare("Cast my ballot; acknowledged after commit; same key, same acknowledgement",
         status=201, body=shapes.BallotInput, answer=shapes.BallotAck,
         errors=(400, 401, 403, 404, 409, 422))
def cast_ballot(vote_id: int, body: shapes.BallotInput):
    ack = vote_service.cast(g.api_actor, vote_id, idempotency_key=body.idempotency_key,
                            choice=body.choice, selections=body.selections,
                            ratings=body.ratings)
    return jsonify(ack), 201


@bp.get("/votes/<int:vote_id>/result")
@authenticated
@declare("The result (everyone once announced; staff once closed)", answer=shapes.VoteResult,
         errors=(401, 403, 404, 409))
def vote_result(vote_id: int):
    return jsonify(vote_service.result_of(g.api_actor, vote_id))
