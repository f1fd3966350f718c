"""What each client → server socket event carries: one declaration per payload.

`validate(event, data)` is the only check of a payload's shape; a refusal names the field,
with a stable code and a Vietnamese message (`Says`), and nothing has been done yet. The
services still check what needs the database (does the item exist, is the choice one of
the vote's options). docs/realtime.md lists these declarations: `payload_doc.py` draws
that table from them, and a test keeps the two equal.

Extra keys are ignored: the live session adds `meeting_id` to every command, vote ones too.
Types are strict, as the hand checks were: `true` is no number and `"5"` no integer.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from paperless import db, shapes
from paperless.domain import live as live_rules
from paperless.domain import projection as projection_rules
from paperless.shapes import Flag, Id, Ids, Says, Text
from paperless.shapes import literal as _literal


class PayloadError(ValueError):
    """`template` is the message before the field's name is put in (what a catalogue has)."""

    def __init__(self, template: str, code: str = "validation_error", field: str | None = None):
        self.template, self.code, self.field = template, code, field
        self.message = template.format(name=field) if field else template
        super().__init__(self.message)


NOT_AN_OBJECT = "Dữ liệu gửi lên phải là một đối tượng."


class Payload(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class MeetingPayload(Payload):
    meeting_id: Id


class VotePayload(Payload):
    vote_id: Id


class Phase(MeetingPayload):
    action: Annotated[_literal(live_rules.TRANSITIONS),
                      Says("Thao tác không hợp lệ.", "invalid_action")]


class GoTo(MeetingPayload):
    """An agenda item, or one step back or on (0 is refused by the service: invalid_action)."""
    item_id: Id | None = None
    offset: Annotated[int | None, Field(ge=-1, le=1),
                      Says("Cần item_id hoặc hướng (trước/tiếp).", "invalid_action")] = None


class Mark(MeetingPayload):
    delegate_id: Id
    status: Annotated[_literal(live_rules.ATTENDANCE),
                      Says("Trạng thái điểm danh không hợp lệ.")]
    reason: Text(300) = ""


class ReportAbsence(MeetingPayload):
    reason: Text(300) = ""


class RequestFloor(MeetingPayload):
    kind: Annotated[_literal(live_rules.REQUEST_KINDS), Says("Loại đăng ký không hợp lệ.")] = \
        "speech"
    topic: Text(300) = ""


class FloorRequest(MeetingPayload):
    request_id: Id


class Reorder(MeetingPayload):
    order: Ids


class Extend(MeetingPayload):
    seconds: Annotated[int, Field(ge=10, le=600), Says("Thời gian thêm từ 10 đến 600 giây.")] = 60


class Pause(MeetingPayload):
    paused: Annotated[bool, Says("“paused” phải là true hoặc false.")] = True


class Notice(MeetingPayload):
    text: Text(500) = ""
    audience: Annotated[Literal["all", "delegates"], Says("Đối tượng nhận không hợp lệ.")] = "all"
    duration_seconds: Annotated[int | None, Field(ge=5, le=86400),
                                Says("Thời gian hiển thị thông báo từ 5 giây đến 24 giờ.")] = None


class Cast(VotePayload):
    """One of choice (yes/no, open or secret), selections (election) or ratings (confidence):
    which one the vote takes, and whether its values are the vote's, the service checks."""
    idempotency_key: Annotated[str, Field(min_length=8, max_length=100), Says(
        "Thiếu mã chống gửi trùng (idempotency_key, 8–100 ký tự).", "invalid_idempotency_key")]
    choice: Annotated[str | None, Field(max_length=100),
                      Says("Lựa chọn không hợp lệ.", "invalid_choice")] = None
    selections: Annotated[list[Annotated[int, Field(ge=0, le=db.ID_MAX)]] | None,
                          Field(max_length=1000),
                          Says("Danh sách người được chọn không hợp lệ.", "invalid_choice")] = None
    ratings: Annotated[dict[Annotated[str, Field(max_length=20)],
                            Annotated[str, Field(max_length=100)]] | None,
                       Field(max_length=1000),
                       Says("Phiếu phải ghi mức tín nhiệm cho từng người.", "invalid_choice")] = None


class Cancel(VotePayload):
    reason: Text(500) = ""


class Manual(VotePayload):
    counts: Annotated[dict[Annotated[str, Field(max_length=100)],
                           Annotated[int, Field(ge=0, le=db.ID_MAX)]],
                      Field(max_length=1000),
                      Says("Số phiếu phải là số nguyên không âm cho từng lựa chọn.",
                           "invalid_counts")]
    ballots_issued: Annotated[int | None, Field(ge=0, le=db.ID_MAX),
                              Says("Cần số phiếu phát ra (số đại biểu tham gia).",
                                   "invalid_issued")] = None
    note: Text(500) = ""


class ManualDecision(VotePayload):
    confirm: Flag


class OpenGroup(MeetingPayload):
    group_id: Id


class InviteAnswer(MeetingPayload):
    official_id: Id


Coordinate = Annotated[float, Field(gt=-projection_rules.MAX_COORDINATE,
                                    lt=projection_rules.MAX_COORDINATE, allow_inf_nan=False)]


class Show(MeetingPayload):
    """A document's page (optionally a zoomed region, PDF points), or an opinion's passage."""
    document_id: Id | None = None
    page: Annotated[int | None, Field(ge=1, le=db.ID_MAX),
                    Says("Trường “{name}” phải là số trang (từ 1).")] = None
    rect: Annotated[list[Coordinate] | None, Field(min_length=4, max_length=4),
                    Says("Vùng phóng to phải là [x0, y0, x1, y1].")] = None
    opinion_id: Id | None = None


class Turn(MeetingPayload):
    """A page, or a number of pages on (±1 from the console's arrows)."""
    page: Annotated[int | None, Field(ge=1, le=db.ID_MAX),
                    Says("Trường “{name}” phải là số trang (từ 1).")] = None
    delta: Annotated[int | None, Field(ge=-10_000, le=10_000),
                     Says("Số trang lật phải là số nguyên.")] = None


SCHEMAS: dict[str, type[Payload]] = {
    "meeting:join": MeetingPayload,
    "live:snapshot": MeetingPayload,
    "live:phase": Phase,
    "live:goto": GoTo,
    "live:sitting": MeetingPayload,
    "attendance:check_in": MeetingPayload,
    "attendance:mark": Mark,
    "attendance:report_absence": ReportAbsence,
    "floor:request": RequestFloor,
    "floor:withdraw": FloorRequest,
    "floor:reorder": Reorder,
    "floor:give": FloorRequest,
    "floor:stop": MeetingPayload,
    "floor:extend": Extend,
    "floor:pause": Pause,
    "notice:send": Notice,
    "live:clear": MeetingPayload,
    "vote:cast": Cast,
    "vote:open": VotePayload,
    "vote:close": VotePayload,
    "vote:announce": VotePayload,
    "vote:cancel": Cancel,
    "vote:state": VotePayload,
    "vote:manual": Manual,
    "vote:manual_decision": ManualDecision,
    "questioning:open_group": OpenGroup,
    "questioning:close_group": MeetingPayload,
    "questioning:invite_answer": InviteAnswer,
    "projection:show": Show,
    "projection:page": Turn,
    "projection:stop": MeetingPayload,
}


def says(model: type[Payload], field: str) -> Says:
    return shapes.says(model, field) or Says("Trường “{name}” không hợp lệ.")


def validate(event: str, data: object) -> Payload:
    """The event's payload, typed; PayloadError (the first refused field) otherwise."""
    model = SCHEMAS[event]
    if not isinstance(data, dict):
        raise PayloadError(NOT_AN_OBJECT)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        loc = exc.errors(include_url=False)[0]["loc"]
        field = str(loc[0]) if loc else None
        if field is None:
            raise PayloadError(NOT_AN_OBJECT) from None
        rule = says(model, field)
        raise PayloadError(rule.message, rule.code, field) from None
