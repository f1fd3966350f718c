from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paperless.db import Base
from paperless.models._types import UTCDateTime, utcnow


class Document(Base):
    """A session document (tờ trình, báo cáo, dự thảo…); its file lives in its versions."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"))
    title: Mapped[str] = mapped_column(String(300))
    access: Mapped[str] = mapped_column(String(20), default="delegates")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Rút tài liệu: a withdrawn document leaves every reader's bag and tablet; staff keep
    # it (and its read log) for the record.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawn_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")

    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", order_by="DocumentVersion.number",
        cascade="all, delete-orphan")

    @property
    def current(self) -> DocumentVersion:
        return self.versions[-1]


class DocumentVersion(Base):
    """One file of a document; a new upload supersedes (dự thảo lần 2) without deleting."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    page_count: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    converted_from: Mapped[str | None] = mapped_column(String(10))
    # the uploaded Word/ODT file itself (blob SHA-256), so a draft resolution stays editable
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    thumbnail_sha256: Mapped[str | None] = mapped_column(String(64))
    active_content: Mapped[list] = mapped_column(JSON, default=list)
    text_note: Mapped[str] = mapped_column(String(300), default="")
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    document: Mapped[Document] = relationship(back_populates="versions")


class DocumentPage(Base):
    """Extracted text per page; `folded` (no diacritics, lowercase) is what search matches."""

    __tablename__ = "document_page"
    __table_args__ = (UniqueConstraint("version_id", "page_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id"), index=True)
    page_number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    folded: Mapped[str] = mapped_column(Text, default="")


class DocumentRead(Base):
    """Who opened which version: unread markers, and the read log of confidential copies."""

    __tablename__ = "document_read"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    watermarked: Mapped[bool] = mapped_column(default=False)
    remote_addr: Mapped[str] = mapped_column(String(64), default="")


class PersonalNote(Base):
    """A delegate's highlight or comment on one page of one version; private to its author."""

    __tablename__ = "personal_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id"), index=True)
    page_number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # "highlight" | "comment"
    rect: Mapped[list] = mapped_column(JSON)  # [x0, y0, x1, y1] in PDF points
    text: Mapped[str] = mapped_column(Text, default="")
    colour: Mapped[str] = mapped_column(String(9), default="#ffd54f")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
