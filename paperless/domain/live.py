"""Rules of the live session: phases, moving through the agenda, speaking time, the queue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

PHASES = {
    "not_started": "Chưa khai mạc",
    "running": "Đang họp",
    "paused": "Tạm dừng",
    "closed": "Đã bế mạc",
}

# action → (phases it may start from, phase it leads to)
TRANSITIONS = {
    "open": ({"not_started"}, "running"),
    "pause": ({"running"}, "paused"),
    "resume": ({"paused"}, "running"),
    "close": ({"running", "paused"}, "closed"),
}

ATTENDANCE = {
    "present": "Có mặt",
    "absent_excused": "Vắng có lý do",
    "absent": "Vắng",
}

ABSENCE_REASON_MAX = 300
# Suggestions the console offers; the reason itself is free text (what the delegate said).
ABSENCE_SUGGESTIONS = ("Ốm", "Đi công tác", "Việc gia đình", "Họp cấp trên triệu tập")


def attendance_reason(status: str, reason: str) -> str:
    """The reason kept with a mark: "Vắng có lý do" must say which (ốm, đi công tác…) — the
    minutes list it beside the name; "Có mặt" and "Vắng" (without reason) keep none."""
    text = " ".join("".join(c for c in (reason or "") if c.isprintable() or c.isspace())
                    .split())[:ABSENCE_REASON_MAX]
    if status != "absent_excused":
        return ""
    if not text:
        raise LiveRuleError("reason_required",
                            "Vắng có lý do: hãy ghi lý do (ví dụ: ốm, đi công tác).")
    return text


REQUEST_KINDS = {"speech": "Phát biểu", "debate": "Tranh luận", "question": "Chất vấn",
                 "follow_up": "Chất vấn lại"}
QUESTIONING_KINDS = frozenset({"question", "follow_up"})


class LiveRuleError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def transition(phase: str, action: str) -> str:
    allowed_from, target = TRANSITIONS[action]
    if phase not in allowed_from:
        raise LiveRuleError(
            "invalid_phase",
            f"Không thể {ACTION_LABELS[action]} khi phiên họp đang ở trạng thái “{PHASES[phase]}”.")
    return target


ACTION_LABELS = {"open": "khai mạc", "pause": "tạm dừng", "resume": "tiếp tục",
                 "close": "bế mạc"}


def step(order: Sequence[int], current: int | None, offset: int) -> int | None:
    """The item `offset` places from `current` in agenda order; stays put at either end.
    With no current item, "next" starts at the first item."""
    if not order:
        return None
    if current not in order:
        return order[0] if offset > 0 else None
    index = max(0, min(len(order) - 1, order.index(current) + offset))
    return order[index]


def remaining_seconds(started_at: datetime, limit_seconds: int, now: datetime) -> float:
    """Speaking time left; negative once the speaker runs over (the screen shows overtime)."""
    return limit_seconds - (now - started_at).total_seconds()


def may_act_while(phase: str) -> bool:
    """Floor and agenda actions need the session open (running or paused)."""
    return phase in {"running", "paused"}


def queue_order(requests: Sequence) -> list:
    """Waiting requests in the chair's order: position, then who asked first."""
    return sorted(requests, key=lambda r: (r.position, r.requested_at, r.id))
