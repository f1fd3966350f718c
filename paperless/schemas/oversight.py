"""The oversight cycle: responsible bodies, commitments, supervision missions, meetings with
voters and their petitions, citizen receptions and citizens' petitions.

The service checks a request's fields after the actor's rights ("a guest's nonsense is
refused for who they are"), with its own Vietnamese labels. So a field the document calls
required (`required_later`) is still optional here: an absent or null one reaches the
service, which refuses it (422) once it knows the caller may act. A field of the wrong type
or length is refused here, before anything is done.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, WithJsonSchema

from paperless import db
from paperless.domain.oversight import (
    CITIZEN_KINDS,
    COMMITMENT_OUTCOMES,
    COMMITMENT_SOURCES,
    COMMITMENT_STATES,
    FIELDS,
    MISSION_BY,
    PETITION_OUTCOMES,
    PETITION_STATES,
    RECEIVERS,
)
from paperless.schemas.base import Answer, Body, File, Query
from paperless.shapes import Id, Ids, IsoDate, Says, Text, literal

Day = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]


def _required_later(schema: dict, model: type) -> None:
    """The document's `required` (and no null) for the fields the service requires."""
    names = getattr(model, "required_later", ())
    if not names:
        return
    schema["required"] = list(names)
    for name in names:
        prop = schema["properties"][name]
        arms = [arm for arm in prop.pop("anyOf", []) if arm != {"type": "null"}]
        if len(arms) == 1:
            prop.update(arms[0])
        elif arms:
            prop["anyOf"] = arms
        prop.pop("default", None)


class Checked(Body):
    """A JSON body whose `required_later` fields the service requires (see above)."""
    model_config = {**Body.model_config, "json_schema_extra": _required_later}
    required_later: ClassVar[tuple[str, ...]] = ()


class CheckedForm(Query):
    """The text fields (and files) of a multipart form, as `Checked`."""
    model_config = {**Query.model_config, "json_schema_extra": _required_later}
    required_later: ClassVar[tuple[str, ...]] = ()


# --- bodies ---------------------------------------------------------------------------------

class BodyInput(Checked):
    required_later = ("name",)
    name: Text(200) | None = Field(None, title="Tên cơ quan")


class ResponsibleBody(Answer):
    id: int
    name: str


class BodyMemberInput(Checked):
    required_later = ("username",)
    username: Text(80) | None = Field(None, title="Tên đăng nhập")


class BodyMember(Answer):
    body_id: int
    user_id: int


# --- commitments ------------------------------------------------------------------------------

class CommitmentInput(Checked):
    """question_slip_id for source=question, meeting_id for hearing, mission_id for
    supervision."""
    required_later = ("source", "text", "body_id", "deadline")
    source: literal(COMMITMENT_SOURCES) | None = Field(None, title="Nguồn")
    text: Text(5000) | None = Field(None, title="Nội dung lời hứa")
    committed_by: Text(200) | None = Field("", title="Người hứa")
    body_id: Id | None = Field(None, title="Cơ quan giải quyết")
    deadline: IsoDate | None = Field(None, title="Hạn thực hiện")
    question_slip_id: Id | None = Field(None, title="Phiếu chất vấn")
    meeting_id: Id | None = Field(None, title="Phiên giải trình")
    mission_id: Id | None = Field(None, title="Đoàn giám sát")


class CommitmentReport(Answer):
    id: int
    on: Day
    text: str
    completes: bool


class FollowUp(Answer):
    agenda_item_id: int
    meeting_id: int
    title: str


class Commitment(Answer):
    id: int
    source: literal(COMMITMENT_SOURCES)
    source_label: str
    origin: str
    text: str
    committed_by: str
    body_id: int
    body: str
    deadline: Day
    status: literal(COMMITMENT_STATES)
    state: literal(COMMITMENT_OUTCOMES)
    state_label: str
    overdue: bool
    fulfilled_on: Day | None
    question_slip_id: int | None
    meeting_id: int | None
    mission_id: int | None
    evidence_url: str | None
    followup: FollowUp | None
    reports: list[CommitmentReport]


class Commitments(Answer):
    today: Day
    commitments: list[Commitment]


class ProgressReport(Checked):
    # The page's form too (its evidence PDF stays in request.files; the checkbox's "1" is
    # true).
    required_later = ("text",)
    text: Text(5000) | None = Field(None, title="Nội dung báo cáo")
    completes: bool | None = Field(False, title="Đã hoàn thành")


class ProgressReportForm(CheckedForm):
    """completes: "1", "true" or "on"; evidence: the PDF that proves it."""
    required_later = ("text",)
    text: Text(5000) | None = None
    completes: str | None = None
    evidence: File = None


class AgendaPlacementInput(Checked):
    required_later = ("meeting_id",)
    meeting_id: Id | None = Field(None, title="Kỳ họp")


class AgendaPlacement(Answer):
    agenda_item_id: int
    meeting_id: int
    title: str
    description: str


# --- supervision -----------------------------------------------------------------------------

class MissionInput(Checked):
    """committee_id when by=committee, group_id when by=group."""
    required_later = ("by", "subject", "start_date")
    by: literal(MISSION_BY) | None = Field(None, title="Chủ thể giám sát")
    subject: Text(500) | None = Field(None, title="Nội dung giám sát")
    supervised: Text(2000) | None = Field("", title="Đối tượng giám sát")
    start_date: IsoDate | None = Field(None, title="Ngày bắt đầu")
    end_date: IsoDate | None = Field(None, title="Ngày kết thúc")
    member_ids: Ids | None = Field(None, title="Thành viên")
    committee_id: Id | None = Field(None, title="Ban")
    group_id: Id | None = Field(None, title="Tổ đại biểu")
    previous_id: Id | None = Field(None, title="Đoàn giám sát trước")
    petition_id: Id | None = Field(None, title="Kiến nghị cử tri")


class MissionForm(CheckedForm):
    """The page's form: MissionInput, its members as member_id checkboxes."""
    required_later = ("by", "subject", "start_date")
    by: literal(MISSION_BY) | None = Field(None, title="Chủ thể giám sát")
    subject: Text(500) | None = Field(None, title="Nội dung giám sát")
    supervised: Text(2000) | None = Field("", title="Đối tượng giám sát")
    start_date: IsoDate | None = Field(None, title="Ngày bắt đầu")
    end_date: IsoDate | None = Field(None, title="Ngày kết thúc")
    member_ids: Ids | None = Field(None, alias="member_id", title="Thành viên")
    committee_id: Id | None = Field(None, title="Ban")
    group_id: Id | None = Field(None, title="Tổ đại biểu")
    previous_id: Id | None = Field(None, title="Đoàn giám sát trước")
    petition_id: Id | None = Field(None, title="Kiến nghị cử tri")


class Mission(Answer):
    id: int
    by: literal(MISSION_BY)
    by_label: str
    unit: str
    subject: str
    supervised: str
    members: list[str]
    member_ids: list[int]
    start_date: Day
    end_date: Day | None
    conclusion: str
    previous_id: int | None
    resupervised_by: list[int]
    petition_id: int | None
    report_url: str | None
    recommendations: list[Commitment]


class MissionReport(Checked):
    # The page's form too (its report PDF stays in request.files).
    required_later = ("conclusion",)
    conclusion: Text(10000) | None = Field(None, title="Kết luận giám sát")


class MissionReportForm(CheckedForm):
    """file: the report PDF (optional)."""
    required_later = ("conclusion",)
    conclusion: Text(10000) | None = None
    file: File = None


# --- meetings with voters, voters' petitions ------------------------------------------------------

PetitionField = literal(FIELDS)


class PetitionItem(Body):
    """One petition; an empty text is skipped, an absent field is "khac"."""
    text: Text(5000) | None = Field(None, title="Nội dung kiến nghị")
    field: PetitionField | None = Field(None, title="Lĩnh vực")


class VoterMeetingInput(Checked):
    """petitions: {text, field} objects (or bare texts)."""
    required_later = ("group_id", "held_on", "place", "voters_present")
    group_id: Id | None = Field(None, title="Tổ đại biểu")
    held_on: IsoDate | None = Field(None, title="Ngày tiếp xúc")
    place: Text(300) | None = Field(None, title="Địa điểm")
    voters_present: Annotated[int, Field(ge=0, le=100000)] | None = Field(
        None, title="Số cử tri tham dự")
    delegate_ids: Ids | None = Field(None, title="Đại biểu tham dự")
    session_id: Id | None = Field(None, title="Kỳ họp")
    petitions: Annotated[list[PetitionItem | Annotated[str, Field(max_length=5000)]],
                         Field(max_length=1000)] | None = Field(None, title="Kiến nghị")


class VoterMeetingForm(CheckedForm):
    """The page's form: VoterMeetingInput, its delegates as delegate_id checkboxes. The
    petitions come as petition_text / petition_field pairs, read by position (a blank text
    keeps its place), and are given to the model as PetitionItems."""
    required_later = ("group_id", "held_on", "place", "voters_present")
    group_id: Id | None = Field(None, title="Tổ đại biểu")
    held_on: IsoDate | None = Field(None, title="Ngày tiếp xúc")
    place: Text(300) | None = Field(None, title="Địa điểm")
    voters_present: Annotated[int, Field(ge=0, le=100000)] | None = Field(
        None, title="Số cử tri tham dự")
    delegate_ids: Ids | None = Field(None, alias="delegate_id", title="Đại biểu tham dự")
    session_id: Id | None = Field(None, title="Kỳ họp")
    petitions: Annotated[list[PetitionItem], Field(max_length=1000)] | None = Field(
        None, title="Kiến nghị")


class VoterMeeting(Answer):
    id: int
    group_id: int
    group: str
    held_on: Day
    place: str
    voters_present: int
    session_id: int | None
    delegates: list[str]
    petitions: int = Field(description="how many petitions it received")


class PetitionInput(Checked):
    required_later = ("text",)
    text: Text(5000) | None = Field(None, title="Nội dung kiến nghị")
    field: PetitionField | None = Field(None, title="Lĩnh vực")


class PetitionQuery(Query):
    session_id: Annotated[int | None, Field(ge=0, le=db.ID_MAX),
                          Says("Tham số “session_id” phải là số nguyên dương.")] = None


class VoterMeetingRef(Answer):
    id: int
    held_on: Day
    place: str
    group: str
    voters_present: int
    session_id: int | None


class VoterPetition(Answer):
    id: int
    text: str
    field: PetitionField
    field_label: str
    body_id: int | None
    body: str
    status: literal(PETITION_STATES)
    status_label: str
    outcome: literal(PETITION_OUTCOMES)
    outcome_label: str
    overdue: bool
    late: bool
    forwarded_on: Day | None
    deadline: Day | None
    answer: str
    answered_on: Day | None
    voter_meeting: VoterMeetingRef


class VoterPetitions(Answer):
    petitions: list[VoterPetition]


class PetitionForward(Checked):
    """deadline: by default 30 days from today, never before it."""
    required_later = ("body_id",)
    body_id: Id | None = Field(None, title="Cơ quan giải quyết")
    deadline: IsoDate | None = Field(None, title="Hạn trả lời")


class PetitionAnswer(Checked):
    required_later = ("answer",)
    answer: Text(10000) | None = Field(None, title="Nội dung trả lời")


class PetitionReportQuery(Query):
    format: Annotated[Literal["pdf", "csv"], Says("Định dạng phải là pdf hoặc csv.")] = "pdf"


# --- citizen receptions, citizens' petitions ----------------------------------------------------

class ReceptionInput(Checked):
    """delegate_id: for receiver=delegate, when the staff record it."""
    required_later = ("receiver", "held_on")
    receiver: literal(RECEIVERS) | None = Field(None, title="Người tiếp")
    held_on: IsoDate | None = Field(None, title="Ngày tiếp")
    delegate_id: Id | None = Field(None, title="Đại biểu")
    place: Text(300) | None = Field("", title="Địa điểm")
    citizens: Id | None = Field(0, title="Số lượt công dân")
    notes: Text(5000) | None = Field("", title="Ghi chú")


class Reception(Answer):
    id: int
    receiver: literal(RECEIVERS)
    receiver_label: str
    delegate_id: int | None
    delegate: str
    held_on: Day
    place: str
    citizens: int
    notes: str


class CitizenPetitionInput(Checked):
    required_later = ("kind", "citizen_name", "summary")
    kind: literal(CITIZEN_KINDS) | None = Field(None, title="Loại đơn")
    citizen_name: Text(120) | None = Field(None, title="Họ tên công dân")
    citizen_address: Text(300) | None = Field("", title="Địa chỉ")
    citizen_phone: Text(30) | None = Field("", title="Điện thoại")
    summary: Text(5000) | None = Field(None, title="Nội dung đơn")


class Citizen(Answer):
    name: str
    address: str
    phone: str


class CitizenPetition(Answer):
    """citizen (name, address, phone): the staff's view only."""
    id: int
    kind: literal(CITIZEN_KINDS)
    kind_label: str
    summary: str
    body_id: int | None
    body: str
    status: literal(PETITION_STATES)
    status_label: str
    outcome: literal(PETITION_OUTCOMES)
    outcome_label: str
    overdue: bool
    forwarded_on: Day | None
    deadline: Day | None
    answer: str
    answered_on: Day | None
    reception_id: int
    received_on: Day
    citizen: Citizen | None = None


class CitizenPetitions(Answer):
    petitions: list[CitizenPetition]
