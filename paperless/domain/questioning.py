"""Questioning (chất vấn) rules: slip states, time limits, written-answer deadlines."""

from __future__ import annotations

from datetime import date, timedelta

STATES = {
    "filed": "Đã gửi",
    "merged": "Đã gộp với câu hỏi khác",
    "grouped": "Đã đưa vào nhóm vấn đề",
    "asked": "Đã chất vấn tại phiên họp",
    "answered_session": "Đã trả lời tại phiên họp",
    "written_pending": "Sẽ trả lời bằng văn bản",
    "written_answered": "Đã trả lời bằng văn bản",
    "withdrawn": "Đã rút",
}

# Defaults of DOMAIN.md; each council's session rules may change them.
QUESTION_SECONDS = 180
ANSWER_SECONDS = 300
FOLLOW_UP_SECONDS = 120
WRITTEN_ANSWER_DAYS = 20

EDITABLE = frozenset({"filed"})
OPEN_FOR_ANSWER = frozenset({"filed", "grouped", "asked", "written_pending"})


def written_deadline(decided_on: date, days: int = WRITTEN_ANSWER_DAYS) -> date:
    return decided_on + timedelta(days=days)


def is_overdue(status: str, deadline: date | None, today: date) -> bool:
    return status == "written_pending" and deadline is not None and today > deadline
