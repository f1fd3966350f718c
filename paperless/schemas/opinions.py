"""Opinions on drafts, the drafting agency, group secretaries, version differences and
written consultations."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from paperless import db
from paperless.domain.opinions import ANSWERS, CHOICES, SOURCES, STATES
from paperless.schemas.base import Answer, Body, Query
from paperless.shapes import Flag, Id, IsoDate, Says, Text, literal

_DATE_TIME = {"format": "date-time"}


# Ids of rows, as the routes always took them: positive, at most 500 of them.
IdList = Annotated[list[Annotated[int, Field(gt=0, le=db.ID_MAX)]], Field(max_length=500),
                   Says("Trường “{name}” phải là danh sách số nguyên.", of_type=True)]
Page = Annotated[int | None, Field(ge=1, le=db.ID_MAX),
                 Says("Trường “{name}” phải là số trang.", of_type=True)]
Rect = Annotated[list[Annotated[float, Field(gt=-1e5, lt=1e5)]] | None,
                 Field(min_length=4, max_length=4),
                 Says("Vùng đánh dấu phải là [x0, y0, x1, y1].")]


class OpinionInput(Body):
    """A delegate's own; for_group: the group's, by its secretary; delegate_id or group_id:
    one received on paper (secretariat)."""
    text: Text(5000)
    article: Text(100, null=True) = None
    proposed_wording: Text(5000, null=True) = None
    quote: Text(2000, null=True) = None
    page: Page = None
    rect: Rect = None
    for_group: Flag = False
    delegate_id: Id | None = None
    group_id: Id | None = None


class OpinionForm(Query):
    """The page's form: the author of a paper opinion is one choice, "d:<delegate id>" or
    "g:<group id>" (none: the signed-in delegate); the marked area is "x0,y0,x1,y1"."""
    author: Annotated[str | None, Field(pattern=r"^[dg]:[0-9]{1,10}$"),
                      Says("Người góp ý không hợp lệ.")] = Field(None, title="Người góp ý")
    text: Text(5000) = Field(title="Nội dung ý kiến")
    article: Text(100, null=True) = Field(None, title="Điều, khoản")
    proposed_wording: Text(5000, null=True) = Field(None, title="Đề xuất sửa")
    quote: Text(2000, null=True) = Field(None, title="Đoạn trích")
    page: Page = Field(None, title="Trang")
    rect: Text(200, null=True) = Field(None, title="Vùng đánh dấu")
    for_group: Flag = Field(False, title="Ý kiến của tổ")


class Opinion(Answer):
    id: int
    document_id: int
    version_id: int
    authors: list[str]
    author_kind: Literal["delegate", "group"]
    delegate_id: int | None
    group_id: int | None
    source: literal(SOURCES)
    source_label: str
    article: str
    page: int | None
    rect: list[float] | None
    quote: str
    text: str
    proposed_wording: str
    status: literal(STATES)
    status_label: str
    merged_into_id: int | None
    answer: str
    answered_by: str
    answered_at: str | None = Field(json_schema_extra=_DATE_TIME)
    answered_at_local: str
    vote_id: int | None
    created_at: str = Field(json_schema_extra=_DATE_TIME)


class OpinionMerge(Body):
    duplicate_ids: IdList


class OpinionMergeForm(Query):
    """The page's form: the opinions ticked, and the one kept (a radio button)."""
    keep_id: Id | None = Field(None, title="Ý kiến giữ lại")
    opinion_id: IdList = Field([], title="Ý kiến trùng")


class OpinionAnswerInput(Body):
    state: Annotated[literal(ANSWERS), Says("Trả lời là “tiếp thu” hoặc “giải trình”.")]
    text: Text(5000) = Field(title="Nội dung trả lời")


class PointVoteInput(Body):
    title: Text(400, null=True) = Field(None, title="Nội dung biểu quyết")
    open: Flag = False


class PointVote(Answer):
    vote_id: int
    opinion_id: int
    title: str
    status: str


class DraftingAgencyInput(Body):
    invitee_ids: IdList


class DraftingAgencyForm(Query):
    """The page's checkboxes, one per official; none ticked: no drafting agency."""
    invitee_id: IdList = Field([], title="Cơ quan soạn thảo")


class AgencyOfficial(Answer):
    id: int
    full_name: str
    title: str


class DraftingAgency(Answer):
    document_id: int
    agency: list[AgencyOfficial]


class GroupSecretaryInput(Body):
    """null (or absent): the group has no secretary."""
    delegate_id: Id | None = Field(None, title="Đại biểu")


class GroupSecretary(Answer):
    group_id: int
    delegate_id: int | None


class CompilationQuery(Query):
    format: Annotated[Literal["pdf", "xlsx"], Says("Định dạng phải là pdf hoặc xlsx.")] = "pdf"


_VERSION = Says("Tham số “{name}” phải là số phiên bản.")


class DiffQuery(Query):
    """Version numbers; by default the last two."""
    old: Annotated[int | None, Field(ge=1, le=999_999), _VERSION] = Field(None, alias="from")
    to: Annotated[int | None, Field(ge=1, le=999_999), _VERSION] = None


class DiffPiece(Answer):
    op: Literal["equal", "insert", "delete"]
    text: str


class VersionDiff(Answer):
    document_id: int
    title: str
    old: int = Field(alias="from")
    to: int
    versions: list[int]
    pieces: list[DiffPiece]
    summary: dict[Literal["equal", "insert", "delete"], int]


class DelegateOpinions(Answer):
    delegate_id: int
    name: str
    opinions: int


class OpinionStatistics(Answer):
    delegates: list[DelegateOpinions]


class ConsultationInput(Body):
    """deadline: a date in the council's time zone, not before today."""
    title: str | None = Field(None, title="Tiêu đề")
    deadline: IsoDate = Field(title="Hạn trả lời")


class MyConsultationAnswer(Answer):
    choice: literal(CHOICES)
    text: str


class ConsultationResult(Answer):
    total: int
    answered: int
    counts: dict[str, int]
    required: int
    passed: bool
    statement: list[str]


class ConsultationOpinion(Answer):
    name: str
    text: str


class Consultation(Answer):
    """mine: a delegate's own answer; result: staff always, others once closed; opinions:
    staff only."""
    id: int
    title: str
    document_id: int
    document_title: str
    deadline: str = Field(json_schema_extra=_DATE_TIME)
    deadline_local: str
    status: Literal["open", "closed"]
    total: int
    mine: MyConsultationAnswer | None = None
    result: ConsultationResult = None
    opinions: list[ConsultationOpinion] = []


class ConsultationAnswerInput(Body):
    choice: Annotated[literal(CHOICES), Says("Lựa chọn không hợp lệ.", "invalid_choice")]
    text: Annotated[str | None, Field(max_length=5000), Says("Ý kiến tối đa 5000 ký tự.")] = \
        Field(None, title="Ý kiến")


class ConsultationReply(Answer):
    consultation_id: int
    choice: literal(CHOICES)
    answered_at: str = Field(json_schema_extra=_DATE_TIME)
