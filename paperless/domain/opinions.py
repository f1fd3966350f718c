"""Opinions (ý kiến) on a draft and written consultations: states and counting rules."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from paperless.domain.quorum import majority, percent_vi

STATES = {
    "new": "Mới",
    "accepted": "Tiếp thu",
    "explained": "Giải trình",
    "withdrawn": "Đã rút",
    "merged": "Đã gộp",
}
# An opinion is answered once: accepted (the draft changes) or explained (it does not, and
# the agency says why). Withdrawn and merged opinions are closed without an answer.
TRANSITIONS = {
    "new": frozenset({"accepted", "explained", "withdrawn", "merged"}),
    "accepted": frozenset({"explained"}),  # the agency may correct its answer
    "explained": frozenset({"accepted"}),
    "withdrawn": frozenset(),
    "merged": frozenset(),
}
ANSWERS = ("accepted", "explained")
SOURCES = {"tablet": "Đại biểu", "group": "Tổ đại biểu", "paper": "Văn bản giấy"}


class OpinionRuleError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def check_transition(current: str, target: str) -> str:
    if target not in STATES:
        raise OpinionRuleError("invalid_state", "Trạng thái ý kiến không hợp lệ.")
    if target not in TRANSITIONS.get(current, frozenset()):
        raise OpinionRuleError(
            "invalid_transition",
            f"Ý kiến đang ở trạng thái “{STATES.get(current, current)}”, không chuyển sang "
            f"“{STATES[target]}” được.")
    return target


def may_merge(states: Iterable[str]) -> bool:
    """Only opinions still waiting for an answer are merged: an answer is never lost."""
    return all(s == "new" for s in states)


# --- votes on contested points ----------------------------------------------------------

POINT_VOTE_KINDS = frozenset({"open", "secret"})  # a yes/no vote on a text
PENDING = frozenset({"draft", "open"})


def pending_point_votes(vote_id: int, kind: str, point_votes: Iterable[tuple[int, str]]
                        ) -> list[int]:
    """Contested points are voted on before the whole text: a yes/no vote on an agenda item
    that is not itself a point vote waits while a point vote of that item is still to be
    held (draft) or open. `point_votes`: (vote id, status) of the item's point votes. A
    point the chair decides not to put to the vote is cancelled (with its reason)."""
    points = list(point_votes)
    if kind not in POINT_VOTE_KINDS or any(v == vote_id for v, _ in points):
        return []
    return sorted(v for v, status in points if status in PENDING)


# --- written consultation ---------------------------------------------------------------

CHOICES = {"agree": "Đồng ý", "disagree": "Không đồng ý", "opinion": "Ý kiến khác"}


@dataclass(frozen=True)
class ConsultationResult:
    total: int
    answered: int
    counts: dict[str, int]
    required: int
    passed: bool

    def statement(self) -> list[str]:
        n = self.total
        lines = [f"Có {self.answered}/{n} đại biểu trả lời "
                 f"(chiếm {percent_vi(self.answered, n)} tổng số đại biểu)"]
        for code, label in CHOICES.items():
            count = self.counts.get(code, 0)
            lines.append(f"{label}: {count}/{n} đại biểu, chiếm {percent_vi(count, n)} "
                         f"tổng số đại biểu")
        lines.append(f"Không trả lời: {n - self.answered}")
        verdict = "được tán thành" if self.passed else "không được tán thành"
        lines.append(f"Kết quả: {verdict} (quá một nửa tổng số đại biểu: cần "
                     f"{self.required}/{n})")
        return lines

    def as_dict(self) -> dict:
        return {"total": self.total, "answered": self.answered, "counts": dict(self.counts),
                "required": self.required, "passed": self.passed,
                "statement": self.statement()}


def tally_consultation(choices: Iterable[str], total: int) -> ConsultationResult:
    """Agreement is counted against N (more than half of all delegates), like a vote: a
    delegate who does not answer counts as not agreeing."""
    counts = Counter(c for c in choices if c in CHOICES)
    answered = sum(counts.values())
    required = majority(total)
    return ConsultationResult(total=total, answered=answered,
                              counts={c: counts.get(c, 0) for c in CHOICES},
                              required=required,
                              passed=total > 0 and counts.get("agree", 0) >= required)
