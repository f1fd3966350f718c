from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paperless.db import Base


class Council(Base):
    """A People's Council (HĐND). One deployment serves a province and its communes."""

    __tablename__ = "council"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # See paperless.domain.levels for the allowed values.
    level: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("council.id"))
    # Every date and time a person reads, and every date a rule uses, is in this zone.
    time_zone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh",
                                           server_default="Asia/Ho_Chi_Minh")
    # "words" (KỲ HỌP THỨ NĂM) or "digits" (KỲ HỌP THỨ 5) in the resolution heading
    session_number_style: Mapped[str] = mapped_column(String(10), default="words",
                                                      server_default="words")
    # the place in the resolution's date line ("Tân Phú, ngày …"); empty: from the name
    place_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    # "Nơi nhận" of resolutions, one recipient a line ("Thường trực HĐND tỉnh;")
    recipients: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Nội quy: what closing the session (bế mạc) does to a vote still open —
    # "refuse" (the chair closes it first) or "close" (it is closed and counted, recorded).
    open_vote_at_close: Mapped[str] = mapped_column(String(20), default="refuse",
                                                    server_default="refuse")

    parent: Mapped[Council | None] = relationship(remote_side="Council.id")
    terms: Mapped[list[Term]] = relationship(back_populates="council", order_by="Term.start_date")
    groups: Mapped[list[DelegateGroup]] = relationship(order_by="DelegateGroup.name")
    committees: Mapped[list[Committee]] = relationship(order_by="Committee.name")


class Term(Base):
    """Nhiệm kỳ, e.g. 2021–2026."""

    __tablename__ = "term"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    seats: Mapped[int]  # delegates elected at the start of the term
    # Khóa: the term's number (XII on resolutions); None when not configured
    number: Mapped[int | None] = mapped_column(Integer)

    council: Mapped[Council] = relationship(back_populates="terms")


class DelegateGroup(Base):
    """Tổ đại biểu."""

    __tablename__ = "delegate_group"
    __table_args__ = (UniqueConstraint("council_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))


class Committee(Base):
    """Ban HĐND."""

    __tablename__ = "committee"
    __table_args__ = (UniqueConstraint("council_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
