from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from paperless.db import Base
from paperless.models._types import UTCDateTime, utcnow


class Vote(Base):
    """One round of a vote on an agenda item. A re-vote is a new row pointing at this one;
    once closed, nothing here changes except the announcement time."""

    __tablename__ = "vote"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    previous_vote_id: Mapped[int | None] = mapped_column(ForeignKey("vote.id"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(500))
    # open/secret: [[code, label], …]; election: candidates [[id, name], …];
    # confidence: persons [[id, "name — position"], …]
    options: Mapped[list] = mapped_column(JSON, default=list)
    seats: Mapped[int] = mapped_column(Integer, default=1)
    exact: Mapped[bool] = mapped_column(Boolean, default=False)
    rule: Mapped[str] = mapped_column(String(20), default="majority")
    allow_change: Mapped[bool] = mapped_column(Boolean, default=True)
    require_checked_in: Mapped[bool] = mapped_column(Boolean, default=True)
    countdown_seconds: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    manual_note: Mapped[str] = mapped_column(String(500), default="")
    total_delegates: Mapped[int | None] = mapped_column(Integer)  # N on the day it opened
    present: Mapped[int | None] = mapped_column(Integer)  # checked in when it closed
    result: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class OpenBallot(Base):
    """A named ballot of an open vote; the last choice counts when changing is allowed."""

    __tablename__ = "open_ballot"
    __table_args__ = (UniqueConstraint("vote_id", "delegate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegate.id"))
    choice: Mapped[str] = mapped_column(String(20))
    changes: Mapped[int] = mapped_column(Integer, default=0)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CastReceipt(Base):
    """The acknowledgement given for an idempotency key of an open ballot, returned again
    when the tablet retries with the same key."""

    __tablename__ = "cast_receipt"
    __table_args__ = (UniqueConstraint("vote_id", "delegate_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegate.id"))
    idempotency_key: Mapped[str] = mapped_column(String(100))
    ack: Mapped[dict] = mapped_column(JSON)


class SecretParticipation(Base):
    """That delegate X took part in secret vote V — and nothing of what they chose.
    No id, no time: the key (vote, delegate) orders rows by delegate, not by casting."""

    __tablename__ = "secret_participation"
    __table_args__ = {"sqlite_with_rowid": False}

    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), primary_key=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegate.id"), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(100))


class SecretBallot(Base):
    """One sealed secret ballot: no delegate, no time, a random id (no sequence), and a
    content readable only with the vote's key (services/ballot_box.py). Deleted at close."""

    __tablename__ = "secret_ballot"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class SecretBallotKey(Base):
    """The key of an open secret vote, wrapped under the ballot master key (never stored).
    Deleted, with the ballots, when the vote closes."""

    __tablename__ = "secret_ballot_key"

    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), primary_key=True,
                                         autoincrement=False)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)


class ManualCount(Base):
    """Counts entered by the secretariat when the tablets failed (show of hands, paper),
    which count only once the chair confirms them (status pending → confirmed/rejected)."""

    __tablename__ = "manual_count"

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), index=True)
    counts: Mapped[dict] = mapped_column(JSON)
    ballots_issued: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
