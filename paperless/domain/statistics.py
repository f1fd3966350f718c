"""Activity figures of a council (thống kê hoạt động, the numbers of thi đua reports):
pure aggregation over plain facts, so every figure is unit-testable without a database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from paperless.domain.questioning import is_overdue
from paperless.domain.quorum import percent_vi

HELD = frozenset({"in_progress", "closed"})  # a meeting counts once it has been opened
COUNTED_VOTES = frozenset({"closed", "announced"})  # cancelled and draft rounds do not count
NOT_QUESTIONS = frozenset({"merged", "withdrawn"})  # a merged slip lives on in the kept one
SPEECH_KINDS = frozenset({"speech", "debate"})

OUTCOMES = {
    "session": "Trả lời tại kỳ họp",
    "written": "Đã trả lời bằng văn bản",
    "written_pending": "Đang chờ trả lời bằng văn bản (trong hạn)",
    "overdue": "Quá hạn trả lời bằng văn bản",
    "pending": "Chưa trả lời",
}


def question_outcome(status: str, deadline: date | None, today: date) -> str | None:
    """How a question ended up; None for slips that are not questions of their own."""
    if status in NOT_QUESTIONS:
        return None
    if status == "answered_session":
        return "session"
    if status == "written_answered":
        return "written"
    if status == "written_pending":
        return "overdue" if is_overdue(status, deadline, today) else "written_pending"
    return "pending"


def year_period(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def rate(part: int, whole: int) -> float:
    """A share in percent with two decimals (0 when there is nothing to share)."""
    return round(100 * part / whole, 2) if whole else 0.0


@dataclass
class DelegateFigures:
    delegate_id: int
    name: str
    group: str = ""
    sittings: int = 0  # sittings held while serving
    present: int = 0
    excused: int = 0
    votes: int = 0  # votes held while serving
    votes_taken: int = 0
    speeches: int = 0
    questions: int = 0
    opinions: int = 0  # opinions on drafts in their own name (withdrawn ones not counted)

    @property
    def attendance_rate(self) -> float:
        return rate(self.present, self.sittings)

    @property
    def vote_rate(self) -> float:
        return rate(self.votes_taken, self.votes)

    def to_dict(self) -> dict:
        return {"delegate_id": self.delegate_id, "name": self.name, "group": self.group,
                "sittings": self.sittings, "present": self.present, "excused": self.excused,
                "absent": self.sittings - self.present - self.excused,
                "attendance_rate": self.attendance_rate,
                "attendance_text": percent_vi(self.present, self.sittings),
                "votes": self.votes, "votes_taken": self.votes_taken,
                "vote_rate": self.vote_rate, "speeches": self.speeches,
                "questions": self.questions, "opinions": self.opinions}


@dataclass
class OfficialFigures:
    name: str
    title: str
    outcomes: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())

    def to_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "total": self.total,
                **{key: self.outcomes.get(key, 0) for key in OUTCOMES}}


def count_by(values: Iterable[str], keys: Iterable[str]) -> dict[str, int]:
    """Counts of `values`, with every key of `keys` present (zeros included), in key order."""
    counts = Counter(values)
    ordered = {key: counts.pop(key, 0) for key in keys}
    ordered.update(sorted(counts.items()))
    return ordered


def question_figures(rows: Iterable[tuple[str, str, str]]) -> tuple[dict, list[OfficialFigures]]:
    """`rows`: (official name, official title, outcome). Totals by outcome, and per official
    (the same person invited to several meetings is one official), most questioned first."""
    totals: Counter = Counter()
    officials: dict[tuple[str, str], OfficialFigures] = {}
    for name, title, outcome in rows:
        totals[outcome] += 1
        officials.setdefault((name, title), OfficialFigures(name, title)).outcomes[outcome] += 1
    summary = {"total": sum(totals.values()), **{k: totals.get(k, 0) for k in OUTCOMES}}
    return summary, sorted(officials.values(), key=lambda o: (-o.total, o.name, o.title))
