from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from paperless.db import Base
from paperless.models._types import UTCDateTime, utcnow


class Resolution(Base):
    """A resolution passed by a vote, from "to issue" to the signed archive copy.

    Once `state` is "archived" services refuse any change; a correction is a new row
    whose `corrects_id` points here. Files live in the blob store by SHA-256."""

    __tablename__ = "resolution"
    __table_args__ = (
        UniqueConstraint("council_id", "year", "number", name="uq_resolution_number"),
        UniqueConstraint("public_id", name="uq_resolution_public_id"),
        UniqueConstraint("vote_id", name="uq_resolution_vote_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"))
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("vote.id"))
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20), default="individual")
    state: Mapped[str] = mapped_column(String(20), default="to_issue", index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer)
    number_text: Mapped[str] = mapped_column(String(40), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    public_id: Mapped[str] = mapped_column(String(32))
    draft_sha256: Mapped[str | None] = mapped_column(String(64))
    draft_source: Mapped[str] = mapped_column(String(20), default="")  # "agenda_draft" | "upload"
    official_sha256: Mapped[str | None] = mapped_column(String(64))
    chair_signed_sha256: Mapped[str | None] = mapped_column(String(64))
    signed_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    # [{"role": "chair"|"organisation", "user_id", "user", "subject", "serial", "issuer",
    #   "not_after", "signed_at", "pades_level", "method": "server"|"two_step"}]
    signatures: Mapped[list] = mapped_column(JSON, default=list)
    vote_result: Mapped[dict | None] = mapped_column(JSON)  # copied when issued
    pending_two_step: Mapped[dict | None] = mapped_column(JSON)  # prepared state, chair's turn
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("resolution.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ResolutionCounter(Base):
    """The last number given per council and year; bumped in the issuing transaction."""

    __tablename__ = "resolution_counter"

    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
