from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from paperless.db import Base
from paperless.models._types import UTCDateTime, utcnow


class AuditEntry(Base):
    """One line of the tamper-evident record. `id` is the entry's place in the chain
    (1, 2, 3 …, assigned from `audit_head`, never by the database); `hash` is SHA-256 over
    the canonical serialisation of every other column, `prev_hash` included.

    Rows are only ever inserted: the ORM refuses updates and deletes (paperless.services.audit)
    and database triggers refuse them too (migration 0007)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    council_id: Mapped[int | None] = mapped_column(Integer, index=True)
    meeting_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str] = mapped_column(String(40), default="")
    subject_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The single row (id 1) holding the last entry's number and hash. Appending locks this
    row first (UPDATE … RETURNING: a row lock on PostgreSQL, the write lock on SQLite), so
    concurrent writers in any number of processes append one after another: no fork."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class Minutes(Base):
    """Biên bản kỳ họp: edited section texts while a draft; once final, the PDF sealed with
    the chain head, then the signed PDF. Nothing changes after `final`."""

    __tablename__ = "minutes"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", name="fk_minutes_meeting_id"),
                                            primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | final | signed
    sections: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", name="fk_minutes_updated_by"))
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finalized_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", name="fk_minutes_finalized_by"))
    head_seq: Mapped[int | None] = mapped_column(Integer)
    head_hash: Mapped[str | None] = mapped_column(String(64))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    signed_pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")



