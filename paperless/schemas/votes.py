"""Votes: preparing one, its life (open, close, announce, cancel, re-vote), ballots, manual
counts and results."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, WithJsonSchema

from paperless import db
from paperless.domain.voting import KINDS, RULES
from paperless.schemas.base import Answer, Body
from paperless.shapes import Flag, Says, literal

VoteKind = literal(KINDS)
VoteRule = literal(RULES)
VoteStatus = Literal["draft", "open", "closed", "announced", "cancelled"]
Labels = Annotated[list[str] | None, Field(max_length=100),
                   Says("Danh sách lựa chọn không hợp lệ.", "invalid_options")]
# Always sent, null until it happened.
Moment = Annotated[str | None, Field(json_schema_extra={"format": "date-time"})]


class VoteInput(Body):
    """choices (open: 3 labels renaming the legal choices; secret: any), candidates
    (election) or persons (confidence): the first of them that is not empty is used."""
    kind: Annotated[VoteKind, Says("Loại biểu quyết không hợp lệ.")]
    title: Annotated[str, Field(min_length=1, max_length=500)]
    choices: Labels = None
    candidates: Labels = None
    persons: Labels = None
    seats: Annotated[int | None, Field(ge=1, le=db.ID_MAX),
                     Says("Số người cần bầu phải từ 1 đến số ứng cử viên.",
                          "invalid_seats")] = None
    exact: Flag = False
    rule: Annotated[VoteRule, Says("Quy tắc thông qua không hợp lệ.")] = "majority"
    allow_change: Flag = True
    require_checked_in: Flag = True
    countdown_seconds: Annotated[int | None, Field(ge=10, le=3600),
                                 Says("Thời gian biểu quyết phải từ 10 giây đến 60 phút.")] = None


class ManualCount(Answer):
    id: int
    vote_id: int
    counts: dict[str, int]
    ballots_issued: int | None
    note: str
    status: Literal["pending", "confirmed", "rejected"]
    entered_at: Moment
    decided_at: Moment


class Vote(Answer):
    """levels: confidence votes only; result: once announced; manual_pending: a draft's or
    a cancelled vote's manual count waiting for the chair."""
    id: int
    agenda_item_id: int
    round: int
    kind: VoteKind
    kind_label: str
    title: str
    options: list[list[str | int]]
    seats: int
    exact: bool
    rule: VoteRule
    allow_change: bool
    secret: bool
    status: VoteStatus
    manual: bool
    opened_at: Moment
    closes_at: Moment
    closed_at: Moment
    total: int | None
    cancel_reason: str | None
    levels: list[list[str]] = None
    result: dict[str, Any] = None
    manual_pending: ManualCount | None = None


class VoteProgress(Answer):
    """How many ballots came in, never what they say."""
    vote_id: int
    received: int
    present: int
    total: int


class MyBallot(Answer):
    """A secret ballot: only whether I took part."""
    voted: bool
    choice: str | None = None


class VoteState(Answer):
    """result: staff only, once closed."""
    vote: Vote
    progress: VoteProgress
    mine: MyBallot | None
    result: dict[str, Any] = None


class VoteEvent(Answer):
    """What the hall was told (seq, server_time), and for a close the result; a vote
    cancelled before it opened answers only the vote."""
    vote: Vote
    progress: VoteProgress = None
    manual: ManualCount = None
    result: dict[str, Any] = None
    seq: int = None
    server_time: str = Field(None, json_schema_extra={"format": "date-time"})


class CancelInput(Body):
    reason: str


class ManualResultInput(Body):
    """counts: {choice code or candidate id: number}; ballots_issued: required for an
    election (else the sum of the counts). Both are checked against the vote (invalid_counts,
    invalid_issued)."""
    counts: Annotated[Any, WithJsonSchema({"type": "object",
                                           "additionalProperties": {"type": "integer",
                                                                    "minimum": 0}}),
                      Says("Số phiếu phải là số nguyên không âm cho từng lựa chọn.",
                           "invalid_counts")]
    ballots_issued: Annotated[Any, WithJsonSchema({"type": ["integer", "null"],
                                                   "minimum": 0})] = None
    note: str


class PendingManual(Answer):
    manual: ManualCount | None


class ManualDecision(Body):
    confirm: Flag


class BallotInput(Body):
    """choice (open, secret), selections (election: candidate ids) or ratings (confidence:
    {person id: level}), as the vote's kind asks."""
    idempotency_key: Annotated[str, Field(min_length=8, max_length=100),
                               Says("Thiếu mã chống gửi trùng (idempotency_key, 8–100 ký tự).",
                                    "invalid_idempotency_key")]
    choice: Annotated[str | None, Says("Lựa chọn không hợp lệ.", "invalid_choice")] = None
    selections: Annotated[list[int] | None, Field(max_length=1000),
                          Says("Danh sách người được chọn không hợp lệ.",
                               "invalid_choice")] = None
    ratings: Annotated[dict[str, str] | None,
                       Says("Phiếu phải ghi mức tín nhiệm cho từng người.",
                            "invalid_choice")] = None


class BallotAck(Answer):
    """A secret ballot's acknowledgement says neither the choice nor the time."""
    vote_id: int
    received: bool
    choice: str = None
    cast_at: str = Field(None, json_schema_extra={"format": "date-time"})
    idempotency_key: str = None
    secret: bool = None


class VoteResult(Answer):
    vote: Vote
    result: dict[str, Any]
