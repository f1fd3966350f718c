"""Client → server socket commands: each takes its payload already checked against its
declaration (`payloads.SCHEMAS`) and makes one service call."""

from __future__ import annotations

from collections.abc import Callable

from paperless.realtime import payloads as p
from paperless.services import live, projection, questioning, votes


def snapshot(actor, data: p.MeetingPayload):
    return live.snapshot(actor, data.meeting_id)


def phase(actor, data: p.Phase):
    return live.change_phase(actor, data.meeting_id, data.action)


def goto(actor, data: p.GoTo):
    return live.go_to_item(actor, data.meeting_id, item_id=data.item_id, offset=data.offset)


def new_sitting(actor, data: p.MeetingPayload):
    return live.start_new_sitting(actor, data.meeting_id)


def check_in(actor, data: p.MeetingPayload):
    return live.check_in(actor, data.meeting_id)


def mark(actor, data: p.Mark):
    return live.mark_attendance(actor, data.meeting_id, data.delegate_id, data.status,
                                data.reason)


def report_absence(actor, data: p.ReportAbsence):
    return live.report_absence(actor, data.meeting_id, data.reason)


def request_floor(actor, data: p.RequestFloor):
    return live.request_floor(actor, data.meeting_id, data.kind, data.topic)


def withdraw(actor, data: p.FloorRequest):
    return live.withdraw_request(actor, data.meeting_id, data.request_id)


def reorder(actor, data: p.Reorder):
    return live.reorder_queue(actor, data.meeting_id, list(data.order))


def give(actor, data: p.FloorRequest):
    return live.give_floor(actor, data.meeting_id, data.request_id)


def stop(actor, data: p.MeetingPayload):
    return live.stop_speaker(actor, data.meeting_id)


def extend(actor, data: p.Extend):
    return live.extend_speaker(actor, data.meeting_id, data.seconds)


def pause_clock(actor, data: p.Pause):
    return live.pause_speaker(actor, data.meeting_id, data.paused)


def notice(actor, data: p.Notice):
    return live.send_notice(actor, data.meeting_id, data.text, data.audience,
                            data.duration_seconds)


def clear_screen(actor, data: p.MeetingPayload):
    return live.clear_screen(actor, data.meeting_id)


def vote_cast(actor, data: p.Cast):
    """The tablet's ballot; acknowledged only once committed, the same again on a retry."""
    return votes.cast(actor, data.vote_id, idempotency_key=data.idempotency_key,
                      choice=data.choice, selections=data.selections, ratings=data.ratings)


def vote_open(actor, data: p.VotePayload):
    return votes.open_vote(actor, data.vote_id)


def vote_close(actor, data: p.VotePayload):
    return votes.close_vote(actor, data.vote_id)


def vote_announce(actor, data: p.VotePayload):
    return votes.announce(actor, data.vote_id)


def vote_cancel(actor, data: p.Cancel):
    return votes.cancel(actor, data.vote_id, data.reason)


def vote_manual(actor, data: p.Manual):
    return votes.record_manual_result(actor, data.vote_id, dict(data.counts), data.note,
                                      ballots_issued=data.ballots_issued)


def vote_manual_decision(actor, data: p.ManualDecision):
    return votes.decide_manual_result(actor, data.vote_id, data.confirm)


def vote_state(actor, data: p.VotePayload):
    return votes.state_of(actor, data.vote_id)


def open_group(actor, data: p.OpenGroup):
    return questioning.open_group(actor, data.group_id, meeting_id=data.meeting_id)


def close_group(actor, data: p.MeetingPayload):
    return questioning.close_group(actor, data.meeting_id)


def invite_answer(actor, data: p.InviteAnswer):
    return questioning.invite_answer(actor, data.meeting_id, data.official_id)


def projection_show(actor, data: p.Show):
    return projection.show(actor, data.meeting_id, document_id=data.document_id,
                           page=data.page, rect=None if data.rect is None else list(data.rect),
                           opinion_id=data.opinion_id)


def projection_page(actor, data: p.Turn):
    return projection.turn(actor, data.meeting_id, page=data.page, delta=data.delta)


def projection_stop(actor, data: p.MeetingPayload):
    return projection.stop(actor, data.meeting_id)


COMMANDS: dict[str, Callable] = {
    "live:snapshot": snapshot,
    "live:phase": phase,
    "live:goto": goto,
    "live:sitting": new_sitting,
    "attendance:check_in": check_in,
    "attendance:mark": mark,
    "attendance:report_absence": report_absence,
    "floor:request": request_floor,
    "floor:withdraw": withdraw,
    "floor:reorder": reorder,
    "floor:give": give,
    "floor:stop": stop,
    "floor:extend": extend,
    "floor:pause": pause_clock,
    "notice:send": notice,
    "live:clear": clear_screen,
    "vote:cast": vote_cast,
    "vote:open": vote_open,
    "vote:close": vote_close,
    "vote:announce": vote_announce,
    "vote:cancel": vote_cancel,
    "vote:state": vote_state,
    "vote:manual": vote_manual,
    "vote:manual_decision": vote_manual_decision,
    "questioning:open_group": open_group,
    "questioning:close_group": close_group,
    "questioning:invite_answer": invite_answer,
    "projection:show": projection_show,
    "projection:page": projection_page,
    "projection:stop": projection_stop,
}
