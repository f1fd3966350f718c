"""The records of a council: the minutes of a meeting and its audit entries, the activity
statistics and their export."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, WithJsonSchema

from paperless import db
from paperless.reports.minutes import SECTION_TITLES
from paperless.schemas.base import Answer, Body, Query
from paperless.shapes import Says

DateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


class MinutesEdit(Body):
    # Which sections and their texts: checked by services/minutes.edit_sections
    # (invalid_section for another key, ≤ 20000 characters a section).
    sections: Annotated[dict[str, Any], WithJsonSchema({
        "type": "object", "additionalProperties": False,
        "properties": {key: {"type": "string", "maxLength": 20000} for key in SECTION_TITLES}}),
        Says("Thiếu trường “sections” (đối tượng).")]


class MinutesForm(Query):
    """The page's form: one textarea a section (MinutesEdit's `sections`, SECTION_TITLES'
    keys), checked by services/minutes.edit_sections. The view tells a section sent blank
    (emptied) from one the form did not send (it stays as it is)."""
    opening: str | None = Field(None, title=SECTION_TITLES["opening"])
    discussion: str | None = Field(None, title=SECTION_TITLES["discussion"])
    conclusion: str | None = Field(None, title=SECTION_TITLES["conclusion"])


class Minutes(Answer):
    meeting_id: int
    status: Literal["draft", "final", "signed"]
    sections: dict[str, str]
    section_titles: dict[str, str]
    head_seq: int | None
    head_hash: str | None
    pdf_sha256: str | None
    signed_pdf_sha256: str | None
    finalized_at: DateTime | None
    signed_at: DateTime | None
    meeting_closed: bool


class AuditEntry(Answer):
    id: int
    at: DateTime
    local_at: str
    actor: str
    actor_user_id: int | None
    action: str
    subject_type: str
    subject_id: int | None
    details: dict[str, Any]
    hash: str
    prev_hash: str
    intact: bool


class AuditRecord(Answer):
    meeting_id: int
    head_seq: int
    head_hash: str
    time_zone: str
    entries: list[AuditEntry]


# The service's check (period_args) is digits only, within an id's range.
Whole = Annotated[int, Field(ge=0, le=db.ID_MAX), Says("Tham số “{name}” phải là số nguyên dương.")]


class Period(Query):
    """?year= (with &quarter=1..4) or ?term_id=, not both; neither: the current year."""
    year: Whole = None
    term_id: Whole = None
    # Beyond 1..4, or without a year: services/statistics answers invalid_quarter.
    quarter: Whole = Field(None, json_schema_extra={"minimum": 1, "maximum": 4})

    def args(self) -> dict[str, str]:
        """As the query string had them, for period_args (which checks them together)."""
        return {name: str(value) for name, value in self.model_dump(exclude_none=True).items()}


class StatisticsExport(Period):
    format: Annotated[Literal["csv", "xlsx"], Says("Định dạng phải là csv hoặc xlsx.")] = "xlsx"


class Statistics(Answer):
    """Each part's figures as services/statistics.council_statistics counts them."""
    council: dict[str, Any]
    period: dict[str, Any]
    generated_on: str = Field(json_schema_extra={"format": "date"})
    meetings: dict[str, Any]
    resolutions: dict[str, Any]
    votes: dict[str, Any]
    questions: dict[str, Any]
    delegates: list[dict[str, Any]]
    oversight: Any
    labels: dict[str, Any]
