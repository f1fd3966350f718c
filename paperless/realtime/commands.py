"""Client → server socket commands: payload checks, then one service call each."""

from __future__ import annotations

from collections.abc import Callable

from paperless import db
from paperless.services import live, projection, questioning, votes


class PayloadError(ValueError):
    pass


def _dict(data) -> dict:
    if not isinstance(data, dict):
        raise PayloadError("Dữ liệu gửi lên phải là một đối tượng.")
    return data


def _int(data: dict, name: str, *, required: bool = True) -> int | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) > db.ID_MAX:
        raise PayloadError(f"Trường “{name}” phải là số nguyên.")
    return value


def _str(data: dict, name: str, default: str = "", limit: int = 1000) -> str:
    value = data.get(name, default)
    if not isinstance(value, str) or len(value) > limit:
        raise PayloadError(f"Trường “{name}” phải là chuỗi, tối đa {limit} ký tự.")
    return value


def _ints(data: dict, name: str) -> list[int]:
    value = data.get(name)
    if not isinstance(value, list) or len(value) > 1000 or not all(db.is_id(v) for v in value):
        raise PayloadError(f"Trường “{name}” phải là danh sách số.")
    return value


def _meeting(data) -> tuple[dict, int]:
    data = _dict(data)
    return data, _int(data, "meeting_id")


def snapshot(actor, data):
    _, meeting_id = _meeting(data)
    return live.snapshot(actor, meeting_id)


def phase(actor, data):
    data, meeting_id = _meeting(data)
    return live.change_phase(actor, meeting_id, _str(data, "action", limit=20))


def goto(actor, data):
    data, meeting_id = _meeting(data)
    return live.go_to_item(actor, meeting_id, item_id=_int(data, "item_id", required=False),
                           offset=_int(data, "offset", required=False))


def new_sitting(actor, data):
    _, meeting_id = _meeting(data)
    return live.start_new_sitting(actor, meeting_id)


def check_in(actor, data):
    _, meeting_id = _meeting(data)
    return live.check_in(actor, meeting_id)


def mark(actor, data):
    data, meeting_id = _meeting(data)
    return live.mark_attendance(actor, meeting_id, _int(data, "delegate_id"),
                                _str(data, "status", limit=20), _str(data, "reason", limit=300))


def report_absence(actor, data):
    data, meeting_id = _meeting(data)
    return live.report_absence(actor, meeting_id, _str(data, "reason", limit=300))


def request_floor(actor, data):
    data, meeting_id = _meeting(data)
    return live.request_floor(actor, meeting_id, _str(data, "kind", "speech", limit=20),
                              _str(data, "topic", limit=300))


def withdraw(actor, data):
    data, meeting_id = _meeting(data)
    return live.withdraw_request(actor, meeting_id, _int(data, "request_id"))


def reorder(actor, data):
    data, meeting_id = _meeting(data)
    return live.reorder_queue(actor, meeting_id, _ints(data, "order"))


def give(actor, data):
    data, meeting_id = _meeting(data)
    return live.give_floor(actor, meeting_id, _int(data, "request_id"))


def stop(actor, data):
    _, meeting_id = _meeting(data)
    return live.stop_speaker(actor, meeting_id)


def extend(actor, data):
    data, meeting_id = _meeting(data)
    seconds = data.get("seconds", 60)
    return live.extend_speaker(actor, meeting_id, seconds)


def pause_clock(actor, data):
    data, meeting_id = _meeting(data)
    return live.pause_speaker(actor, meeting_id, data.get("paused", True))


def notice(actor, data):
    data, meeting_id = _meeting(data)
    return live.send_notice(actor, meeting_id, _str(data, "text", limit=500),
                            _str(data, "audience", "all", limit=20),
                            _int(data, "duration_seconds", required=False))


def clear_screen(actor, data):
    _, meeting_id = _meeting(data)
    return live.clear_screen(actor, meeting_id)


def _vote(data) -> tuple[dict, int]:
    data = _dict(data)
    return data, _int(data, "vote_id")


def vote_cast(actor, data):
    """The tablet's ballot; acknowledged only once committed, the same again on a retry."""
    data, vote_id = _vote(data)
    return votes.cast(actor, vote_id, idempotency_key=data.get("idempotency_key"),
                      choice=data.get("choice"), selections=data.get("selections"),
                      ratings=data.get("ratings"))


def vote_open(actor, data):
    _, vote_id = _vote(data)
    return votes.open_vote(actor, vote_id)


def vote_close(actor, data):
    _, vote_id = _vote(data)
    return votes.close_vote(actor, vote_id)


def vote_announce(actor, data):
    _, vote_id = _vote(data)
    return votes.announce(actor, vote_id)


def vote_cancel(actor, data):
    data, vote_id = _vote(data)
    return votes.cancel(actor, vote_id, _str(data, "reason", limit=500))


def vote_manual(actor, data):
    data, vote_id = _vote(data)
    issued = data.get("ballots_issued")
    return votes.record_manual_result(actor, vote_id, data.get("counts"),
                                      _str(data, "note", limit=500), ballots_issued=issued)


def vote_manual_decision(actor, data):
    data, vote_id = _vote(data)
    confirm = data.get("confirm")
    if not isinstance(confirm, bool):
        raise PayloadError("Trường “confirm” phải là true/false.")
    return votes.decide_manual_result(actor, vote_id, confirm)


def vote_state(actor, data):
    _, vote_id = _vote(data)
    return votes.state_of(actor, vote_id)


def open_group(actor, data):
    data, meeting_id = _meeting(data)
    return questioning.open_group(actor, _int(data, "group_id"), meeting_id=meeting_id)


def close_group(actor, data):
    _, meeting_id = _meeting(data)
    return questioning.close_group(actor, meeting_id)


def invite_answer(actor, data):
    data, meeting_id = _meeting(data)
    return questioning.invite_answer(actor, meeting_id, _int(data, "official_id"))


def projection_show(actor, data):
    data, meeting_id = _meeting(data)
    rect = data.get("rect")
    return projection.show(actor, meeting_id,
                           document_id=_int(data, "document_id", required=False),
                           page=_int(data, "page", required=False), rect=rect,
                           opinion_id=_int(data, "opinion_id", required=False))


def projection_page(actor, data):
    data, meeting_id = _meeting(data)
    return projection.turn(actor, meeting_id, page=_int(data, "page", required=False),
                           delta=_int(data, "delta", required=False))


def projection_stop(actor, data):
    _, meeting_id = _meeting(data)
    return projection.stop(actor, meeting_id)


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
