from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from paperless.db import Base
from paperless.models._types import UTCDateTime, utcnow


class QuestioningState(Base):
    """Per meeting: whether delegates may still file or edit question slips, and which
    question group the chair has opened."""

    __tablename__ = "questioning_state"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), primary_key=True)
    filing_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    current_group_id: Mapped[int | None] = mapped_column(ForeignKey("question_group.id"))


class QuestionGroup(Base):
    """Nhóm vấn đề chosen for the questioning session, in the order they will be taken."""

    __tablename__ = "question_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="planned")  # planned|open|done
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class QuestionSlip(Base):
    """Phiếu chất vấn: a delegate's question to an official of the meeting, and its fate."""

    __tablename__ = "question_slip"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegate.id"))
    official_id: Mapped[int] = mapped_column(ForeignKey("meeting_invitee.id"))
    topic: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    petition: Mapped[str] = mapped_column(Text, default="")  # voters' petition it comes from
    source: Mapped[str] = mapped_column(String(20), default="tablet")  # tablet | paper
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(30), default="filed")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("question_group.id"))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("question_slip.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_invitee.id"))
    answer_summary: Mapped[str] = mapped_column(Text, default="")
    written_deadline: Mapped[date | None] = mapped_column(Date)
    written_answer_sha: Mapped[str | None] = mapped_column(String(64))
    written_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
