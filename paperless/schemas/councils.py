"""Councils, their settings and delegates, meetings and their agenda; the login token."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, WithJsonSchema

from paperless.domain.council_settings import SESSION_NUMBER_STYLES
from paperless.domain.labels import (
    AGENDA_KINDS,
    COUNCIL_LEVELS,
    DELEGATE_STATUSES,
    GENDERS,
    MEETING_KINDS,
)
from paperless.schemas.base import Answer, Body, File, Query
from paperless.shapes import Id, Ids, IsoDate, Says, Secret, Strings, Text, literal

Level = Annotated[literal(COUNCIL_LEVELS), Says("Cấp không hợp lệ.")]
AgendaKind = literal(AGENDA_KINDS)
Minutes = Annotated[int, Field(ge=1, le=1440),
                    Says("Thời lượng dự kiến phải từ 1 đến 1440 phút.")]
MeetingKind = Annotated[literal(MEETING_KINDS), Says("Loại kỳ họp không hợp lệ.")]
SessionNumber = Annotated[int | None, Field(ge=1, le=999), Says("Số kỳ họp phải từ 1 đến 999.")]


class Credentials(Body):
    username: Text(200)
    password: Text(200)


class LoginForm(Query):
    """The login page: the secret is the password or the tablet PIN, by `mode`."""
    mode: str = "password"
    username: str = ""
    next: str = ""
    password: Secret = ""
    pin: Secret = ""


class CouncilChoice(Query):
    """The council a user with roles in several works in (the header's chooser)."""
    council_id: Id | None = Field(None, title="Hội đồng")


class Token(Answer):
    token: str
    token_type: str = "Bearer"
    expires_at: str = Field(json_schema_extra={"format": "date-time"})


class CouncilInput(Body):
    name: Text(200) = Field(title="Tên Hội đồng nhân dân")
    level: Level = Field(title="Cấp")
    parent_id: Id | None = Field(None, title="HĐND cấp trên")


class TermForm(Query):
    """The page's new term (no API): the service checks the name and the dates' order."""
    name: str = Field(title="Tên nhiệm kỳ")
    start_date: IsoDate = Field(title="Ngày bắt đầu")
    end_date: IsoDate | None = Field(None, title="Ngày kết thúc")
    seats: int = Field(0, title="Số đại biểu được bầu")


class NameForm(Query):
    """A delegate group or committee added on the council's page."""
    name: str = Field(title="Tên")


class Council(Answer):
    id: int
    name: str
    level: literal(COUNCIL_LEVELS)
    parent_id: int | None


class SessionRulesInput(Body):
    open_vote_at_close: Annotated[str, Says("Trường “{name}” phải là chuỗi.")] = Field(
        json_schema_extra={"enum": ["refuse", "close"]})


class SettingsForm(Query):
    """The settings page sends every field (an empty one clears it); the khóa of each term
    come as "term_<id>" fields, read by the view. Checked by check_changes, as the API's."""
    place_name: str = Field("", title="Địa danh")
    session_number_style: str = Field("", title="Cách ghi số kỳ họp")
    time_zone: str = Field("", title="Múi giờ")
    recipients: str = Field("", title="Nơi nhận")


class SessionRules(Answer):
    council_id: int
    open_vote_at_close: Literal["refuse", "close"]
    choices: dict[str, str]


def _settings_field(schema: dict):
    # Checked by domain/council_settings.check_changes, which names the field and the code
    # (invalid_type, invalid_choice, invalid_time_zone…): the schema only describes it.
    return Annotated[Any, WithJsonSchema(schema)]


class CouncilSettingsInput(Body):
    """Absent fields stay (PATCH); an unknown one is refused (unknown_field)."""
    model_config = {**Body.model_config, "extra": "forbid"}
    place_name: _settings_field({"type": "string", "maxLength": 100}) = None
    session_number_style: _settings_field(
        {"type": "string", "enum": sorted(SESSION_NUMBER_STYLES)}) = None
    time_zone: _settings_field(
        {"type": "string", "description": "IANA name, e.g. Asia/Ho_Chi_Minh"}) = None
    recipients: _settings_field({"type": "string", "description": "one recipient a line"}) = None
    term_numbers: _settings_field({
        "type": "object", "description": "{term id: khóa} as 12, \"12\" or \"XII\"; null or "
        "\"\" clears it", "additionalProperties": {"type": ["integer", "string", "null"]}}) = None


class TermNumber(Answer):
    id: int
    name: str
    number: int | None
    khoa: str | None


class Signer(Answer):
    user_id: int
    full_name: str
    role: str
    image: Literal["own", "council"] | None


class SettingsPreview(Answer):
    place_date: str
    session_line: str
    recipients: list[str]


class CouncilSettings(Answer):
    council_id: int
    name: str
    place_name: str
    session_number_style: literal(SESSION_NUMBER_STYLES)
    time_zone: str
    recipients: str
    term_numbers: dict[str, int | None]
    terms: list[TermNumber]
    signers: list[Signer]
    preview: SettingsPreview


class SignatureImage(Query):
    file: File = None


class DelegateQuery(Query):
    term_id: Id | None = None


class DelegateInput(Body):
    full_name: Text(120) = Field(title="Họ và tên")
    gender: Annotated[literal(GENDERS), Says("Giới tính không hợp lệ.")] = Field(
        "khac", title="Giới tính")
    birth_date: IsoDate | None = Field(None, title="Ngày sinh")
    term_id: Id | None = Field(None, title="Nhiệm kỳ")
    group_id: Id | None = Field(None, title="Tổ đại biểu")
    committee_id: Id | None = Field(None, title="Ban")
    serving_from: IsoDate | None = Field(None, title="Ngày bắt đầu")
    positions: Strings = Field([], title="Chức vụ")


class DelegateStatusForm(Query):
    """The page's change of a delegate's status (no API)."""
    status: Annotated[literal(DELEGATE_STATUSES), Says("Trạng thái không hợp lệ.")] = Field(
        title="Trạng thái")
    effective_date: IsoDate = Field(title="Ngày hiệu lực")
    note: str = Field("", title="Ghi chú")


class StatusChange(Answer):
    status: str
    effective_date: str = Field(json_schema_extra={"format": "date"})
    note: str | None


class Delegate(Answer):
    """gender, birth_date and status_history: staff only (others see names and positions)."""
    id: int
    council_id: int
    term_id: int
    full_name: str
    gender: str | None = None
    birth_date: str | None = Field(None, json_schema_extra={"format": "date"})
    group: str | None
    committee: str | None
    positions: list[str]
    status: str | None
    status_history: list[StatusChange] = []


class MeetingQuery(Query):
    council_id: Id | None = None


class MeetingInput(Body):
    term_id: Id = Field(title="Nhiệm kỳ")
    kind: MeetingKind = Field(title="Loại kỳ họp")
    title: Text(300) = Field(title="Tên kỳ họp")
    number: SessionNumber = Field(None, title="Kỳ họp thứ")
    place: Text(300) = Field("", title="Địa điểm")
    start_date: IsoDate = Field(title="Ngày khai mạc")
    end_date: IsoDate = Field(title="Ngày bế mạc")


class MeetingForm(MeetingInput):
    """The page's meeting: the term optional (creating: the council's current term;
    editing: not sent, a meeting stays in its term)."""
    term_id: Id | None = Field(None, title="Nhiệm kỳ")


class MeetingStatusForm(Query):
    """The page's status buttons; the service refuses a status it cannot move to."""
    status: str = Field("", title="Trạng thái")


class InviteeForm(Query):
    """An official (answers questions) or a guest invited to the meeting (no API)."""
    kind: Annotated[Literal["guest", "official"], Says("Loại khách mời không hợp lệ.")] = Field(
        title="Loại khách mời")
    full_name: str = Field(title="Họ và tên")
    title: str = Field("", title="Chức vụ")


class AgendaItem(Answer):
    id: int
    parent_id: int | None
    position: int
    number: str | None = None
    title: str
    kind: AgendaKind
    presenter: str | None
    planned_minutes: int | None
    description: str | None
    children: list[AgendaItem] = []


class Invitee(Answer):
    id: int
    kind: str
    full_name: str
    title: str | None


class Meeting(Answer):
    id: int
    council_id: int
    term_id: int
    kind: literal(MEETING_KINDS)
    number: int | None
    title: str
    place: str | None
    start_date: str = Field(json_schema_extra={"format": "date"})
    end_date: str = Field(json_schema_extra={"format": "date"})
    status: Literal["draft", "published", "in_progress", "closed"]
    agenda: list[AgendaItem] = []
    invitees: list[Invitee] = []


class AgendaItemInput(Body):
    title: Text(500) = Field(title="Tên mục")
    kind: Annotated[AgendaKind, Says("Loại mục không hợp lệ.")] = Field("other", title="Loại")
    presenter: Text(300) = Field("", title="Người trình bày")
    planned_minutes: Minutes | None = Field(None, title="Thời lượng")
    parent_id: Id | None = Field(None, title="Mục cha")
    description: Text(5000) = Field("", title="Mô tả")


class AgendaItemChange(Body):
    """Only the fields sent change; "parent_id" nests the item elsewhere (null: top level)."""
    model_config = {**Body.model_config, "extra": "forbid"}
    unknown_field_code: ClassVar[str] = "unknown_fields"
    title: Text(500) = None
    kind: Annotated[AgendaKind, Says("Loại mục không hợp lệ.")] = None
    presenter: Text(300) = None
    planned_minutes: Minutes | None = None
    parent_id: Id | None = Field(None, title="Mục cha")
    description: Text(5000) = None


class AgendaOrder(Query):
    """The page's drag-and-drop: the new order of one level (the children of parent_id)."""
    parent_id: Id | None = Field(None, title="Mục cha")
    order: Ids = Field([], title="Thứ tự")


Direction = Annotated[Literal["up", "down"], Says("“direction” phải là “up” hoặc “down”.")]


class AgendaMove(Body):
    direction: Direction


class AgendaMoveForm(Query):
    """The page's ▲ ▼ buttons: AgendaMove, but without a direction the item goes down, as
    the page always did (an empty post is then judged by the rights, not refused first)."""
    direction: Direction = "down"


class Agenda(Answer):
    agenda: list[AgendaItem]
