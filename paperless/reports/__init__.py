"""Pure report renderers (no Flask, no database): bytes in the formats councils file."""

from .questioning import (
    COLUMNS,
    STATE_LABELS,
    STATES,
    QuestioningReport,
    QuestionRow,
    Summary,
    summarize,
    to_csv,
    to_pdf,
    to_xlsx,
)

__all__ = [
    "COLUMNS",
    "STATES",
    "STATE_LABELS",
    "QuestionRow",
    "QuestioningReport",
    "Summary",
    "summarize",
    "to_csv",
    "to_pdf",
    "to_xlsx",
]
