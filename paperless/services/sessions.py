"""Login sessions and API tokens the server can revoke, and what revokes them.

A browser's cookie carries only a session key; the row here says whether it still holds.
Logging out revokes that session; a password change (the user's own, or an admin's reset)
and disabling an account revoke every session and token of the user. Each revocation is
announced (`events.announce_revoked`) so the realtime layer disconnects the sockets they
opened, on every process; sockets also re-check their session on every event.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, select, update

from paperless import db
from paperless.models import ApiToken, AuthSession, RoleAssignment, User
from paperless.services import audit, events
from paperless.services.access import Actor, actor_from
from paperless.services.errors import NotFound

# last_seen_at is written at most this often: idle expiry without a write per request.
TOUCH_EVERY = timedelta(minutes=5)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(user: User, *, remote_addr: str = "", user_agent: str = "") -> tuple[str, AuthSession]:
    """A new session for `user`; returns the key for the cookie (never stored) and the row."""
    key = secrets.token_urlsafe(32)
    row = AuthSession(user_id=user.id, key_hash=_digest(key), remote_addr=(remote_addr or "")[:64],
                      user_agent=(user_agent or "")[:200])
    db.session.add(row)
    db.session.commit()
    return key, row


def holds(revoked_at: datetime | None, ends_at: datetime, user_active: bool) -> bool:
    """A session or token holds until it is revoked, it ends (idle or expired), or its
    user is disabled."""
    return revoked_at is None and ends_at > datetime.now(UTC) and bool(user_active)


def _live(row: AuthSession | None, idle: timedelta) -> bool:
    if row is None:
        return False
    user = db.session.get(User, row.user_id)
    return user is not None and holds(row.revoked_at, row.last_seen_at + idle, user.is_active)


def for_key(key: str | None, idle: timedelta) -> AuthSession | None:
    """The live session of this cookie key (sliding its idle expiry), or None."""
    if not isinstance(key, str) or not key or len(key) > 100:
        return None
    row = db.session.scalar(select(AuthSession).where(AuthSession.key_hash == _digest(key)))
    if not _live(row, idle):
        return None
    now = datetime.now(UTC)
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return row


def _live_actor_statement(grant):
    ends = grant.last_seen_at if grant is AuthSession else grant.expires_at
    return (select(grant.revoked_at, ends, User.username, User.full_name, User.is_superuser,
                   User.is_active, RoleAssignment.council_id, RoleAssignment.role,
                   RoleAssignment.delegate_id)
            .join(User, User.id == grant.user_id)
            .outerjoin(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(grant.id == bindparam("ident"), grant.user_id == bindparam("user_id"))
            .order_by(RoleAssignment.id))


# Built once: a socket asks on every event (a ballot, a page turn).
_LIVE_ACTOR = {"session": _live_actor_statement(AuthSession),
               "token": _live_actor_statement(ApiToken)}


def live_actor(kind: str, ident: int, user_id: int, idle: timedelta) -> Actor | None:
    """The actor behind a socket's login session or API token, if it still holds — read
    in one statement (the session or token, the user, their roles): a revocation, a
    disabled account or a role taken away is seen by the very next event, on every
    process."""
    rows = db.session.execute(_LIVE_ACTOR[kind], {"ident": ident, "user_id": user_id}).all()
    if not rows:
        return None
    revoked_at, ends_at, username, full_name, is_superuser, is_active = rows[0][:6]
    if kind == "session":
        ends_at = ends_at + idle
    if not holds(revoked_at, ends_at, is_active):
        return None
    return actor_from(user_id, username, full_name, is_superuser, (r[6:] for r in rows))


def end(row_id: int, actor: Actor | None = None) -> None:
    """Logout: this session only."""
    row = db.session.get(AuthSession, row_id)
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at = datetime.now(UTC)
    audit.record(actor, "auth.logout", subject=("user", row.user_id),
                 details={"session_id": row.id})
    db.session.commit()
    events.announce_revoked(row.user_id, session_ids=[row.id])


def revoke_everything(user_id: int, *, commit: bool = True) -> tuple[int, int]:
    """Every live session and token of the user (the caller records why in the audit
    record, in the same transaction); returns how many of each."""
    now = datetime.now(UTC)
    sessions = db.session.execute(update(AuthSession).where(
        AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)).values(revoked_at=now))
    tokens = db.session.execute(update(ApiToken).where(
        ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)).values(revoked_at=now))
    if commit:
        db.session.commit()
        events.announce_revoked(user_id, everything=True)
    return sessions.rowcount or 0, tokens.rowcount or 0


# --- API tokens: listed and revoked by their owner and by an admin ------------------------

@dataclass(frozen=True)
class TokenView:
    id: int
    user_id: int
    username: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= datetime.now(UTC) else "active"

    def as_dict(self) -> dict:
        return {"id": self.id, "user_id": self.user_id, "username": self.username,
                "created_at": self.created_at.isoformat(),
                "expires_at": self.expires_at.isoformat(),
                "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
                "state": self.state}


def may_manage(actor: Actor, user: User) -> bool:
    """The superuser manages everyone; a council's admin the accounts holding a role in one
    of their councils (never a superuser)."""
    if actor.is_superuser:
        return True
    if user.is_superuser:
        return False
    councils = {cid for cid, roles in actor.roles.items() if "admin" in roles}
    if not councils:
        return False
    return db.session.scalar(select(RoleAssignment.id).where(
        RoleAssignment.user_id == user.id, RoleAssignment.council_id.in_(councils)
    ).limit(1)) is not None


def managed_user(actor: Actor, user_id: int) -> User:
    """A user the actor may manage (self included); anyone else does not exist for them."""
    user = db.session.get(User, user_id) if db.is_id(user_id) else None
    if user is None or not (user.id == actor.user_id or may_manage(actor, user)):
        raise NotFound("Không tìm thấy tài khoản.")
    return user


def list_tokens(actor: Actor, user_id: int | None = None) -> list[TokenView]:
    user = managed_user(actor, actor.user_id if user_id is None else user_id)
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                              .order_by(ApiToken.id.desc()).limit(200))
    return [TokenView(r.id, r.user_id, user.username, r.created_at, r.expires_at, r.revoked_at)
            for r in rows]


def revoke_token(actor: Actor, token_id: int) -> TokenView:
    row = db.session.get(ApiToken, token_id) if db.is_id(token_id) else None
    if row is None:
        raise NotFound("Không tìm thấy mã truy cập.")
    user = managed_user(actor, row.user_id)
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        audit.record(actor, "auth.token_revoked", subject=("user", user.id),
                     details={"token_id": row.id, "username": user.username})
        db.session.commit()
        events.announce_revoked(user.id, token_ids=[row.id])
    return TokenView(row.id, row.user_id, user.username, row.created_at, row.expires_at,
                     row.revoked_at)
