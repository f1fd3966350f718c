"""Drafts under discussion: the drafting agency, group secretaries, opinions (ý kiến) and
written consultations (lấy ý kiến bằng văn bản)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from paperless.db import Base
from paperless.models._types import UTCDateTime, utcnow


class DraftAgency(Base):
    """An official (meeting invitee) of the agency drafting this document: they answer its
    opinions, and nobody else does."""

    __tablename__ = "draft_agency"

    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), primary_key=True)
    invitee_id: Mapped[int] = mapped_column(ForeignKey("meeting_invitee.id"), primary_key=True)


class GroupSecretary(Base):
    """The delegate who records opinions in the name of their delegate group (thư ký tổ)."""

    __tablename__ = "group_secretary"

    group_id: Mapped[int] = mapped_column(ForeignKey("delegate_group.id"), primary_key=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegate.id"))


class Opinion(Base):
    """Ý kiến on a draft: by a delegate or a delegate group, on an article and/or a passage
    (page + rectangle + quoted text, as personal notes mark it), and the agency's answer."""

    __tablename__ = "opinion"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id"))
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("delegate.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("delegate_group.id"))
    source: Mapped[str] = mapped_column(String(20), default="tablet")  # tablet|group|paper
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    article: Mapped[str] = mapped_column(String(100), default="")
    page_number: Mapped[int | None] = mapped_column(Integer)
    rect: Mapped[list | None] = mapped_column(JSON)
    quote: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    proposed_wording: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="new")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("opinion.id"))
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("vote.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Consultation(Base):
    """A written consultation: a draft sent to every delegate with a deadline, counted
    against N on the day it was sent."""

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    title: Mapped[str] = mapped_column(String(500))
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open|closed
    total_delegates: Mapped[int] = mapped_column(Integer)
    result: Mapped[dict | None] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConsultationAnswer(Base):
    """One delegate's answer; the last one before the deadline counts."""

    __tablename__ = "consultation_answer"
    __table_args__ = (UniqueConstraint("consultation_id", "delegate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegate.id"))
    choice: Mapped[str] = mapped_column(String(20))  # agree|disagree|opinion
    text: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
