"""Question slips, question groups, answers and written answers, the questioning report."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from paperless import db
from paperless.domain.questioning import STATES
from paperless.schemas.base import NO_FILE, Answer, Body, File, Query
from paperless.shapes import Flag, Id, Ids, IsoDate, Says, Text, literal


class QuestionSlipInput(Body):
    official_id: Id = Field(title="Người trả lời")
    topic: Text(200, null=True) = Field(None, title="Lĩnh vực")
    text: Text(5000, min_length=1) = Field(title="Nội dung chất vấn")
    petition: Text(2000, null=True) = Field(None, title="Kiến nghị cử tri")
    delegate_id: Annotated[Id | None, Field(
        description="secretariat: a paper slip's author")] = Field(None, title="Đại biểu")


class SlipOfficial(Answer):
    id: int
    name: str
    title: str


class QuestionSlip(Answer):
    id: int
    topic: str
    text: str
    authors: list[str]
    official: SlipOfficial
    status: literal(STATES)
    status_label: str
    source: Literal["tablet", "paper"]
    petition: str
    group_id: int | None
    merged_into_id: int | None
    answer_summary: str
    answered_by: str
    written_deadline: str | None = Field(json_schema_extra={"format": "date"})
    written_answer_url: str | None
    overdue: bool
    created_at: str = Field(json_schema_extra={"format": "date-time"})


class QuestionGroupInput(Body):
    title: Text(300) = Field(title="Tên nhóm vấn đề")


class FilingForm(Query):
    """The page's button: closed "1" locks the filing of slips, "0" opens it again."""
    closed: Flag = False


class SlipMergeForm(Query):
    """The page's form: the slips ticked, and the one kept (a radio button)."""
    slip_id: Ids = Field([], title="Phiếu")
    keep_id: Id | None = Field(None, title="Phiếu giữ lại")


class QuestionGroup(Answer):
    id: int
    meeting_id: int
    title: str
    status: Literal["planned", "open", "done"]


class SlipGroupInput(Body):
    """null takes the slip out of its group."""
    group_id: Annotated[int | None, Field(ge=0, le=db.ID_MAX),
                        Says("Trường “group_id” phải là số, hoặc null để bỏ khỏi nhóm.")]


class SlipGroupForm(Query):
    """The page's select: its empty choice takes the slip out of its group."""
    group_id: Id | None = Field(None, title="Nhóm")


class SlipAnswerInput(Body):
    """session: answered at the session (summary; answered_by_id: default the official
    asked); written: to be answered in writing by deadline (default: in 20 days)."""
    mode: Annotated[Literal["session", "written"], Says("Hình thức trả lời không hợp lệ.")]
    answered_by_id: Id | None = Field(None, title="Người trả lời")
    summary: Text(5000, null=True) = Field(None, title="Tóm tắt trả lời")
    deadline: IsoDate | None = Field(None, title="Hạn trả lời")


class WrittenAnswerUpload(Query):
    file: Annotated[File, Says(NO_FILE)]


class ReportQuery(Query):
    format: Annotated[Literal["csv", "xlsx", "pdf"],
                      Says("Định dạng phải là csv, xlsx hoặc pdf.")] = "csv"
