"""The tamper-evident record (nhật ký không thể sửa): an append-only hash chain.

Every service that changes state calls `record(...)` right before its commit, so the entry
is written in the same transaction as the change: a recorded action happened, and an
action that happened is recorded. Entry n carries the hash of entry n-1; its own hash is
SHA-256 over the canonical JSON of all its columns (see `canonical`). Changing, deleting or
reordering any row breaks the chain at that row, which `verify()` names.

Action codes (stable; `details` never holds a secret ballot's content, nor who cast one):

    auth.login, auth.login_failed, auth.login_throttled (refused while waiting), auth.logout,
    auth.token_revoked, auth.lockout_cleared (login_locked: older entries),
    auth.reauth, auth.reauth_failed (the password typed again before signing)
    user.password_changed, user.password_reset, user.disabled, user.enabled
    user.created, role.assigned, council.created, council.session_rules, council.settings, council.signature_image, term.created, delegate_group.created,
    committee.created, delegate.added, delegate.updated, delegate.status
    meeting.created, meeting.updated, meeting.status, meeting.invitee_added
    agenda.added, agenda.updated, agenda.deleted, agenda.moved, agenda.reordered, agenda.nested
    documents.uploaded, documents.version_added, documents.published, documents.updated,
    documents.withdrawn
    live.opened, live.paused, live.resumed, live.closed, live.sitting_started, live.item
    attendance.checked_in, attendance.marked
    floor.requested, floor.withdrawn, floor.reordered, floor.given, floor.stopped
    notice.sent
    vote.created, vote.opened, vote.closed, vote.announced, vote.cancelled, vote.revote,
    vote.manual_entered (secretariat), vote.manual_result (confirmed by the chair),
    vote.manual_rejected   (counts and the legal wording only)
    question.filed, question.withdrawn, question.merged, question.grouped,
    questioning.filing, questioning.group_created,
    questioning.group_opened, questioning.group_closed, questioning.answer_invited,
    question.answered, question.written_pending, question.written_answered
    minutes.edited, minutes.finalized, minutes.signed
    opinions.agency_set, group.secretary_set, opinion.given, opinion.withdrawn,
    opinion.merged, opinion.answered, opinion.vote_linked
    consultation.sent, consultation.answered, consultation.closed   (counts only)
    projection.shown, projection.page, projection.stopped   (the hall screen as a projector)
    resolution.issued, resolution.signed (chair, then organisation),
    resolution.correction_opened, resolution.copied (an electronic copy was signed),
    resolution.attachment_signed,
    body.created, body.member_added, commitment.recorded, commitment.reported,
    commitment.fulfilled, commitment.on_agenda, supervision.created, supervision.reported,
    voters.meeting_recorded, petition.received, petition.forwarded, petition.answered,
    reception.recorded, citizen_petition.received, citizen_petition.forwarded,
    citizen_petition.answered   (never a citizen's name, address or phone)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace

from sqlalchemy import bindparam, event, insert, select, update
from sqlalchemy.orm import Session

from paperless import db
from paperless.models import AuditEntry, AuditHead

GENESIS = "0" * 64
HEAD_ID = 1


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime) -> str:
    if value.tzinfo is None:  # SQLite hands back naive UTC values through plain SQL
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(entry_id: int, at: datetime, council_id, meeting_id, actor_user_id,
              actor_name: str, action: str, subject_type: str, subject_id, details: dict,
              prev_hash: str) -> bytes:
    """The bytes an entry's hash covers: sorted-key compact JSON, UTF-8."""
    return json.dumps({
        "id": entry_id, "at": _iso(at), "council_id": council_id, "meeting_id": meeting_id,
        "actor_user_id": actor_user_id, "actor_name": actor_name, "action": action,
        "subject_type": subject_type, "subject_id": subject_id, "details": details,
        "prev_hash": prev_hash,
    }, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical(
        entry.id, entry.at, entry.council_id, entry.meeting_id, entry.actor_user_id,
        entry.actor_name, entry.action, entry.subject_type, entry.subject_id, entry.details,
        entry.prev_hash)).hexdigest()


def _plain(value):
    """JSON-safe details: what goes in must come back out identically."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


_PENDING = "paperless.audit.pending"


def record(actor, action: str, *, council_id: int | None = None, meeting_id: int | None = None,
           subject: tuple[str, int | None] | None = None, details: dict | None = None,
           actor_user_id: int | None = None, actor_name: str | None = None) -> None:
    """Append one entry in the caller's transaction (the caller commits; a rollback drops it).

    `actor` is an access.Actor (or None for the anonymous side of a login). The entry is
    chained when the transaction commits (`_append_pending`), so taking the chain head is
    always the last lock a transaction acquires: no lock-order cycle with the rows the
    action itself locked (live state, votes), and the chain is held only for the commit."""
    user_id = actor_user_id if actor_user_id is not None else getattr(actor, "user_id", None)
    name = actor_name if actor_name is not None else (
        getattr(actor, "full_name", None) or getattr(actor, "username", "") or "")
    subject_type, subject_id = subject or ("", None)
    db.session.info.setdefault(_PENDING, []).append({
        "council_id": council_id, "meeting_id": meeting_id, "actor_user_id": user_id,
        "actor_name": name[:120], "action": action[:60], "subject_type": subject_type[:40],
        "subject_id": subject_id, "details": _plain(details or {})})


_TAKE_HEAD = (update(AuditHead).where(AuditHead.id == HEAD_ID)
              .values(seq=AuditHead.seq + 1).returning(AuditHead.seq, AuditHead.hash))
_MOVE_HEAD = update(AuditHead).where(AuditHead.id == HEAD_ID).values(
    hash=bindparam("new_hash"))
_INSERT_ENTRY = insert(AuditEntry)  # a table insert: every check-in and ballot writes one


def _append(session, fields: dict) -> None:
    # Take the chain: the row lock (PostgreSQL) / write lock (SQLite) is held to the commit.
    seq, prev = session.execute(_TAKE_HEAD).one()
    row = {"id": seq, "at": _now(), "prev_hash": prev, **fields}
    row["hash"] = entry_hash(SimpleNamespace(**row))
    session.execute(_INSERT_ENTRY, row)
    session.execute(_MOVE_HEAD, {"new_hash": row["hash"]})


@event.listens_for(Session, "before_commit")
def _append_pending(session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    session.flush()  # the recorded changes first, then the chain
    for fields in pending:
        _append(session, fields)
    session.flush()


@event.listens_for(Session, "after_transaction_end")
def _forget_pending(session, transaction) -> None:
    """A transaction that ended without committing (rollback, close) takes its entries along."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def head() -> tuple[int, str]:
    row = db.session.get(AuditHead, HEAD_ID)
    return (row.seq, row.hash) if row else (0, GENESIS)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    count: int
    head_hash: str
    broken_id: int | None = None
    problem: str = ""

    @property
    def message(self) -> str:
        if self.ok:
            return f"OK: {self.count} entries, head {self.head_hash}"
        return f"BROKEN at entry {self.broken_id}: {self.problem}"


def verify(batch: int = 2000, anchored: dict[int, tuple[str, str]] | None = None) -> Verdict:
    """Walk the whole chain in order; the first entry that does not fit is named. With
    `anchored` (entry id → (hash, anchor file), from services/anchors.py) every entry an
    anchor outside the database vouches for must still have that hash: a chain rewritten and
    re-hashed consistently is caught at the first entry that differs."""
    anchored = anchored or {}
    expected_id, prev, count = 1, GENESIS, 0
    last_id = 0
    while True:
        rows = db.session.scalars(select(AuditEntry).where(AuditEntry.id > last_id)
                                  .order_by(AuditEntry.id).limit(batch)).all()
        if not rows:
            break
        for entry in rows:
            if entry.id != expected_id:
                return Verdict(False, count, prev, expected_id,
                               f"entry {expected_id} is missing (next stored entry is {entry.id})")
            if entry.prev_hash != prev:
                return Verdict(False, count, prev, entry.id,
                               "prev_hash does not match the previous entry's hash "
                               "(an entry before it was removed, or rows were reordered)")
            if entry_hash(entry) != entry.hash:
                return Verdict(False, count, prev, entry.id,
                               "content does not match its hash (the row was changed)")
            vouched = anchored.get(entry.id)
            if vouched is not None and vouched[0] != entry.hash:
                return Verdict(False, count, prev, entry.id,
                               f"entry {entry.id} differs from the anchor {vouched[1]}: the "
                               f"record was rewritten from this entry on (entries up to "
                               f"{entry.id - 1} agree)")
            prev, expected_id, count = entry.hash, expected_id + 1, count + 1
            last_id = entry.id
        for entry in rows:  # a long chain is not kept in memory
            db.session.expunge(entry)
    beyond = [seq for seq in anchored if seq > count]
    if beyond:
        first = min(beyond)
        return Verdict(False, count, prev, first,
                       f"entry {first} is anchored ({anchored[first][1]}) but missing: the "
                       f"record ends at entry {count}")
    seq, head_hash = head()
    if seq != count or head_hash != prev:
        return Verdict(False, count, prev, count + 1 if seq > count else seq,
                       f"the chain head says entry {seq} ({head_hash[:12]}…) but the table "
                       f"ends at entry {count} ({prev[:12]}…): entries were removed at the end")
    return Verdict(True, count, prev)


def entries_for(meeting_id: int) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.meeting_id == meeting_id)
                                   .order_by(AuditEntry.id)))


def record_of(meeting) -> dict:
    """A meeting's entries, each checked against its own hash. Who may read them is checked
    above this module (`meetings.audit_record`): everything records here, so it imports no
    other service."""
    from paperless.domain import clock

    seq, head_hash = head()
    zone = meeting.council.time_zone
    return {"meeting_id": meeting.id, "head_seq": seq, "head_hash": head_hash,
            "time_zone": zone,
            "entries": [{"id": e.id, "at": _iso(e.at),
                         "local_at": clock.short_text(e.at, zone, "%Y-%m-%d %H:%M:%S"),
                         "actor": e.actor_name,
                         "actor_user_id": e.actor_user_id, "action": e.action,
                         "subject_type": e.subject_type, "subject_id": e.subject_id,
                         "details": e.details, "hash": e.hash, "prev_hash": e.prev_hash,
                         "intact": entry_hash(e) == e.hash}
                        for e in entries_for(meeting.id)]}


class AppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_changes(session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnly("audit entries are append-only: no update, no delete")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk(state) -> None:
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ is AuditEntry:
        raise AppendOnly("audit entries are append-only: no update, no delete")
