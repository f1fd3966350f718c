"""The oversight cycle: bodies that answer, commitments, supervision missions, meetings with
voters and their petitions, citizen receptions and citizens' petitions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from paperless.db import Base
from paperless.models._types import UTCDateTime, utcnow


class ResponsibleBody(Base):
    """A body that answers to the council (UBND xã, a phòng, Công an xã…): petitions and
    commitments are addressed to it, and officials answer for the bodies they belong to."""

    __tablename__ = "responsible_body"
    __table_args__ = (UniqueConstraint("council_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))


class BodyMember(Base):
    """An official's account answering for a body."""

    __tablename__ = "body_member"

    body_id: Mapped[int] = mapped_column(ForeignKey("responsible_body.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)


class Commitment(Base):
    """Lời hứa / cam kết from an answer to a question, a hearing, or a supervision
    recommendation (kiến nghị sau giám sát), tracked to its deadline."""

    __tablename__ = "commitment"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # question | hearing | supervision
    question_slip_id: Mapped[int | None] = mapped_column(ForeignKey("question_slip.id"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))  # the hearing
    mission_id: Mapped[int | None] = mapped_column(ForeignKey("supervision_mission.id"))
    text: Mapped[str] = mapped_column(Text)
    committed_by: Mapped[str] = mapped_column(String(200), default="")
    body_id: Mapped[int] = mapped_column(ForeignKey("responsible_body.id"))
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | fulfilled
    fulfilled_on: Mapped[date | None] = mapped_column(Date)
    evidence_sha: Mapped[str | None] = mapped_column(String(64))
    followup_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CommitmentReport(Base):
    """An official's progress report on a commitment (the last one may complete it)."""

    __tablename__ = "commitment_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id"), index=True)
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reported_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    completes: Mapped[bool] = mapped_column(default=False)
    evidence_sha: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SupervisionMission(Base):
    """Đoàn giám sát of the council, its standing committee, a committee or a group."""

    __tablename__ = "supervision_mission"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    by: Mapped[str] = mapped_column(String(20))  # council | standing | committee | group
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committee.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("delegate_group.id"))
    subject: Mapped[str] = mapped_column(String(500))
    supervised: Mapped[str] = mapped_column(Text, default="")  # the bodies supervised
    member_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # delegates
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    report_sha: Mapped[str | None] = mapped_column(String(64))
    conclusion: Mapped[str] = mapped_column(Text, default="")
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("supervision_mission.id"))
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("voter_petition.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VoterMeeting(Base):
    """Tiếp xúc cử tri by a delegate group, before (or after) a session."""

    __tablename__ = "voter_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("delegate_group.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300))
    voters_present: Mapped[int] = mapped_column(Integer, default=0)
    delegate_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VoterPetition(Base):
    """Kiến nghị cử tri: received at a meeting with voters, forwarded, answered."""

    __tablename__ = "voter_petition"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    voter_meeting_id: Mapped[int] = mapped_column(ForeignKey("voter_meeting.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(30), default="khac")
    body_id: Mapped[int | None] = mapped_column(ForeignKey("responsible_body.id"))
    status: Mapped[str] = mapped_column(String(20), default="received")
    forwarded_on: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date | None] = mapped_column(Date)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answer_sha: Mapped[str | None] = mapped_column(String(64))


class CitizenReception(Base):
    """Tiếp công dân by a delegate or the standing committee."""

    __tablename__ = "citizen_reception"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    receiver: Mapped[str] = mapped_column(String(20))  # delegate | standing
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("delegate.id"))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300), default="")
    citizens: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class CitizenPetition(Base):
    """Đơn thư: a complaint, denunciation or proposal received at a reception. The citizen's
    name, address and phone are personal data: the council's staff see them, nobody else."""

    __tablename__ = "citizen_petition"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    reception_id: Mapped[int] = mapped_column(ForeignKey("citizen_reception.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # complaint | denunciation | proposal
    citizen_name: Mapped[str] = mapped_column(String(120))
    citizen_address: Mapped[str] = mapped_column(String(300), default="")
    citizen_phone: Mapped[str] = mapped_column(String(30), default="")
    summary: Mapped[str] = mapped_column(Text)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("responsible_body.id"))
    status: Mapped[str] = mapped_column(String(20), default="received")
    forwarded_on: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date | None] = mapped_column(Date)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
