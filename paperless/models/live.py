from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from paperless.db import Base
from paperless.models._types import UTCDateTime, utcnow


class LiveState(Base):
    """Where a meeting is right now. Lives in the database so a restarted server (or another
    worker) picks up exactly here; `seq` numbers every change for the clients."""

    __tablename__ = "live_state"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), primary_key=True)
    phase: Mapped[str] = mapped_column(String(20), default="not_started")
    current_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"))
    sitting_id: Mapped[int | None] = mapped_column(ForeignKey("sitting.id"))
    seq: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The finished vote whose result the chair moved past (next item, the floor given,
    # questioning opened, or cleared): the screens stop showing it, also after a reload.
    dismissed_vote_id: Mapped[int | None] = mapped_column(Integer)


class Sitting(Base):
    """Phiên họp: one sitting of a meeting (a morning, a day); attendance is per sitting."""

    __tablename__ = "sitting"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Attendance(Base):
    """Điểm danh: a delegate's presence at one sitting."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("sitting_id", "delegate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sitting.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegate.id"))
    status: Mapped[str] = mapped_column(String(20))  # present | absent_excused | absent
    reason: Mapped[str] = mapped_column(String(300), default="")
    source: Mapped[str] = mapped_column(String(20))  # tablet | secretariat
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class SpeakerRequest(Base):
    """Đăng ký phát biểu (or tranh luận) on an agenda item; the record of who spoke, how long."""

    __tablename__ = "speaker_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"))
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegate.id"))
    kind: Mapped[str] = mapped_column(String(20), default="speech")  # speech | debate
    topic: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="waiting")
    position: Mapped[int] = mapped_column(Integer, default=0)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    limit_seconds: Mapped[int] = mapped_column(Integer, default=300)
    # Questioning turns (kind question | follow_up): the group, and the official's answer.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("question_group.id"))
    answer_official_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_invitee.id"))
    answer_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer_limit_seconds: Mapped[int | None] = mapped_column(Integer)
    # The chair's pause of the running clock: while paused_at is set the clock stands still;
    # paused_seconds is the time already spent paused (the clock is started_at + paused).
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Notice(Base):
    """Thông báo from the chair or the secretariat to everyone or to delegates only."""

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    audience: Mapped[str] = mapped_column(String(20), default="all")  # all | delegates
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # then it leaves the screens


class LiveEvent(Base):
    """Every numbered change, so the record keeps what happened in order."""

    __tablename__ = "live_event"
    __table_args__ = (UniqueConstraint("meeting_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class LiveConnection(Base):
    """A connected client (tablet, console, screen), so the console sees which tablets dropped;
    rows of a dead process are removed when it starts again."""

    __tablename__ = "live_connection"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("delegate.id"))
    process: Mapped[str] = mapped_column(String(80), default="")
    # Which login session or API token opened it, so revoking one disconnects its sockets
    # on every process (no foreign key: connections are transient rows).
    auth_session_id: Mapped[int | None] = mapped_column(Integer, index=True)
    api_token_id: Mapped[int | None] = mapped_column(Integer, index=True)
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Projection(Base):
    """What the hall screen shows instead of the live state: a page of a document (or a
    region of it, or an opinion with its passage). One row per meeting, kept after the
    showing ends (`document_id` empty) so `revision` keeps counting: a client ignores any
    message older than the state it holds."""

    __tablename__ = "projection"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), primary_key=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("document_version.id"))
    page: Mapped[int | None] = mapped_column(Integer)
    rect: Mapped[list | None] = mapped_column(JSON)  # [x0, y0, x1, y1] in PDF points
    opinion_id: Mapped[int | None] = mapped_column(ForeignKey("opinion.id"))
    shown_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revision: Mapped[int] = mapped_column(Integer, default=0)
