from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paperless.db import Base
from paperless.models.council import Committee, DelegateGroup, Term


class Delegate(Base):
    """Đại biểu HĐND of one term. Whether they serve on a date is in their status history."""

    __tablename__ = "delegate"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    gender: Mapped[str] = mapped_column(String(10))  # "nam" | "nu" | "khac"
    birth_date: Mapped[date | None] = mapped_column(Date)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("delegate_group.id"))
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committee.id"))
    positions: Mapped[list[str]] = mapped_column(JSON, default=list)

    term: Mapped[Term] = relationship()
    group: Mapped[DelegateGroup | None] = relationship()
    committee: Mapped[Committee | None] = relationship()
    status_changes: Mapped[list[DelegateStatusChange]] = relationship(
        back_populates="delegate",
        order_by="(DelegateStatusChange.effective_date, DelegateStatusChange.id)",
        cascade="all, delete-orphan",
    )

    @property
    def current_status(self) -> str | None:
        return self.status_changes[-1].status if self.status_changes else None


class DelegateStatusChange(Base):
    """From `effective_date` on, the delegate is `status` (active, resigned, removed, deceased)."""

    __tablename__ = "delegate_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegate.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    effective_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(300), default="")

    delegate: Mapped[Delegate] = relationship(back_populates="status_changes")
