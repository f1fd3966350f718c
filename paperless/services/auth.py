"""Passwords, PINs, login rate limiting and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import ceil

from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from paperless import db, offload
from paperless.config import DEMO_PASSWORD
from paperless.domain import limits
from paperless.domain.limits import LoginPolicy
from paperless.models import ApiToken, LoginAttempt, RoleAssignment, User
from paperless.services import audit, sessions
from paperless.services.access import Actor
from paperless.services.errors import (
    Forbidden,
    Invalid,
    NotFound,
    TooManyAttempts,
    Unauthorized,
)

_DUMMY_HASH = generate_password_hash("timing-equaliser", method="scrypt")


def hash_secret(secret: str) -> str:
    return offload.call(generate_password_hash, secret, method="scrypt")


def secret_matches(stored: str | None, secret: str | None) -> bool:
    """Whether ``secret`` matches the stored hash; one scrypt check even when nothing is
    stored, so the answer's time does not reveal whether an account exists."""
    ok = offload.call(check_password_hash, stored or _DUMMY_HASH, secret or "")
    return bool(ok and stored)


def check_password_policy(password: str, *, production: bool) -> None:
    if len(password) < 6:
        raise Invalid("Mật khẩu phải có ít nhất 6 ký tự.", code="weak_password")
    if production and password == DEMO_PASSWORD:
        raise Invalid("Không được dùng mật khẩu demo trong môi trường chính thức.",
                      code="demo_password_refused")


def check_pin_policy(pin: str) -> None:
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise Invalid("Mã PIN gồm 4 đến 8 chữ số.", code="invalid_pin")


def login_policy(config) -> LoginPolicy:
    """The login limits of this deployment (app.config)."""
    return LoginPolicy(pair=config["LOGIN_MAX_FAILURES"],
                       address=config["LOGIN_ADDRESS_FAILURES"],
                       overall=config["LOGIN_OVERALL_FAILURES"],
                       first_delay=float(config["LOGIN_DELAY_SECONDS"]),
                       max_delay=float(config["LOGIN_WINDOW_MINUTES"] * 60))


def _failures(window_minutes: int, *conditions) -> limits.Failures:
    since = datetime.now(UTC) - timedelta(minutes=window_minutes)
    count, last = db.session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since, *conditions)).one()
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return limits.Failures(count or 0, last)


def login_wait(username: str, remote_addr: str, policy: LoginPolicy,
               window_minutes: int) -> limits.LoginWait:
    pair = _failures(window_minutes, LoginAttempt.username == username,
                     LoginAttempt.remote_addr == remote_addr)
    address = _failures(window_minutes, LoginAttempt.remote_addr == remote_addr)
    overall = _failures(window_minutes).count if address.count else 0
    return limits.login_wait(policy, pair=pair, address=address, overall=overall,
                             now=datetime.now(UTC))


def authenticate(
    username: str,
    secret: str,
    *,
    remote_addr: str,
    use_pin: bool = False,
    policy: LoginPolicy | None = None,
    window_minutes: int = 15,
    production: bool = False,
) -> User:
    """The user for these credentials, or Unauthorized/TooManyAttempts.

    Failures are counted in the database (so every worker process sees them) per
    (account, address), per address and overall; too many make that address wait a
    growing delay before its next try — the same account from another address (the real
    user on their own tablet) is not slowed. While waiting, even the right password is
    refused, unchecked; every refusal is in the audit record.
    """
    policy = policy or LoginPolicy()
    username = (username or "").strip().lower()[:80]
    remote_addr = (remote_addr or "")[:64]
    wait = login_wait(username, remote_addr, policy, window_minutes)
    if wait.seconds > 0:
        seconds = max(1, ceil(wait.seconds))
        audit.record(None, "auth.login_throttled", actor_name=username,
                     details={"username": username, "remote_addr": remote_addr,
                              "reason": wait.reason, "retry_after": seconds,
                              "method": "pin" if use_pin else "password"})
        db.session.commit()
        raise TooManyAttempts(
            f"Đăng nhập sai nhiều lần từ thiết bị này. Vui lòng thử lại sau {seconds} giây.",
            details={"retry_after": seconds, "reason": wait.reason})
    user = db.session.scalar(select(User).where(User.username == username))
    stored = (user.pin_hash if use_pin else user.password_hash) if user else None
    # Always run one hash check so response time does not reveal whether a user exists.
    ok = secret_matches(stored, secret)
    if ok and production and not use_pin and secret == DEMO_PASSWORD:
        ok = False
    ok = ok and user is not None and user.is_active
    if ok:  # the person got in: their own earlier typos from this address are forgiven
        db.session.execute(delete(LoginAttempt).where(
            LoginAttempt.username == username, LoginAttempt.remote_addr == remote_addr,
            LoginAttempt.succeeded.is_(False)))
    db.session.add(LoginAttempt(username=username, remote_addr=remote_addr, succeeded=ok))
    audit.record(None, "auth.login" if ok else "auth.login_failed",
                 actor_user_id=user.id if ok else None,
                 actor_name=user.full_name if ok else username,
                 subject=("user", user.id if ok else None),
                 details={"username": username, "remote_addr": remote_addr,
                          "method": "pin" if use_pin else "password"})
    db.session.commit()
    if not ok:
        raise Unauthorized("Tên đăng nhập hoặc mật khẩu không đúng.", code="invalid_credentials")
    return user


@dataclass(frozen=True)
class Reauthentication:
    """What a person typed to confirm it is them before an act in their own name (the
    chair's signature), with the login limits of the deployment."""

    password: str
    remote_addr: str = ""
    policy: LoginPolicy = LoginPolicy()
    window_minutes: int = 15


def confirm_identity(actor: Actor, reauth: Reauthentication | None, *, purpose: str) -> User:
    """The signed-in person types their password again (an unlocked tablet left on the
    desk must not be enough to sign). Wrong passwords count like failed logins from this
    address — the same growing delays (`too_many_attempts`) —, and a right one forgives
    this address's earlier typos. Codes: `reauth_required` (nothing typed, nothing
    counted), `reauth_failed`, `too_many_attempts`; every attempt is in the audit record."""
    user = db.session.get(User, actor.user_id) if actor.user_id else None
    if user is None or not user.is_active:
        raise Forbidden("Tài khoản này không xác nhận được danh tính.")
    if reauth is None or not reauth.password:
        raise Invalid("Nhập lại mật khẩu của bạn để xác nhận.", code="reauth_required",
                      details={"password": "required"})
    remote_addr = (reauth.remote_addr or "")[:64]
    wait = login_wait(user.username, remote_addr, reauth.policy, reauth.window_minutes)
    if wait.seconds > 0:
        seconds = max(1, ceil(wait.seconds))
        audit.record(actor, "auth.login_throttled", subject=("user", user.id),
                     details={"username": user.username, "remote_addr": remote_addr,
                              "reason": wait.reason, "during": purpose,
                              "retry_after": seconds})
        db.session.commit()
        raise TooManyAttempts(f"Nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau "
                              f"{seconds} giây.", details={"retry_after": seconds})
    ok = secret_matches(user.password_hash, reauth.password[:1024])
    if ok:
        db.session.execute(delete(LoginAttempt).where(
            LoginAttempt.username == user.username, LoginAttempt.remote_addr == remote_addr,
            LoginAttempt.succeeded.is_(False)))
    else:
        db.session.add(LoginAttempt(username=user.username, remote_addr=remote_addr,
                                    succeeded=False))
    audit.record(actor, "auth.reauth" if ok else "auth.reauth_failed",
                 subject=("user", user.id),
                 details={"username": user.username, "remote_addr": remote_addr,
                          "purpose": purpose})
    db.session.commit()
    if not ok:
        raise Invalid("Mật khẩu không đúng; chưa ký.", code="reauth_failed",
                      details={"password": "wrong"})
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, *, hours: int) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(hours=hours)
    db.session.add(ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=expires))
    db.session.commit()
    return token, expires


def token_row(token: str) -> ApiToken | None:
    """The live token row (not expired, not revoked, its user active), or None."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    return row if row is not None and token_is_live(row) else None


def token_is_live(row: ApiToken | None) -> bool:
    return row is not None and sessions.holds(row.revoked_at, row.expires_at, row.user.is_active)


def user_for_token(token: str) -> User | None:
    row = token_row(token)
    return row.user if row else None


# --- lockouts: seen and cleared by an admin -------------------------------------------------

def _admin_scope(actor: Actor) -> set[str] | None:
    """Usernames whose lockouts the actor sees (None: all, the superuser); an admin of a
    council sees its accounts, and addresses only with the accounts they hold."""
    if actor.is_superuser:
        return None
    councils = [cid for cid, roles in actor.roles.items() if "admin" in roles]
    if not councils:
        raise Forbidden("Chỉ quản trị viên xem và gỡ được các lượt khóa đăng nhập.")
    return set(db.session.scalars(select(User.username).where(
        User.is_superuser.is_(False), User.id.in_(select(RoleAssignment.user_id).where(
            RoleAssignment.council_id.in_(councils))))))


def list_lockouts(actor: Actor, policy: LoginPolicy, window_minutes: int) -> list[dict]:
    """Every (account, address) and address whose failures make it wait now, or nearly."""
    scope = _admin_scope(actor)
    since = datetime.now(UTC) - timedelta(minutes=window_minutes)
    rows = db.session.execute(
        select(LoginAttempt.username, LoginAttempt.remote_addr, func.count(),
               func.max(LoginAttempt.at))
        .where(LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since)
        .group_by(LoginAttempt.username, LoginAttempt.remote_addr)).all()
    now = datetime.now(UTC)
    by_address: dict[str, list] = {}
    for username, address, count, last in rows:
        by_address.setdefault(address, []).append((username, count, _aware(last)))
    found = []
    for address, pairs in sorted(by_address.items()):
        total = sum(c for _u, c, _l in pairs)
        last = max(lt for _u, _c, lt in pairs)
        visible = [p for p in pairs if scope is None or p[0] in scope]
        if not visible:
            continue
        wait = limits.login_wait(policy, pair=limits.Failures(0), now=now, overall=0,
                                 address=limits.Failures(total, last))
        if total >= policy.address:
            found.append({"kind": "address", "username": None, "remote_addr": address,
                          "failures": total, "last_failure": last.isoformat(),
                          "wait_seconds": ceil(wait.seconds)})
        for username, count, pair_last in sorted(visible):
            wait = limits.login_wait(policy, pair=limits.Failures(count, pair_last), now=now,
                                     overall=0, address=limits.Failures(0))
            if count >= policy.pair:
                found.append({"kind": "account", "username": username, "remote_addr": address,
                              "failures": count, "last_failure": pair_last.isoformat(),
                              "wait_seconds": ceil(wait.seconds)})
    return found


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def clear_lockout(actor: Actor, *, remote_addr: str, username: str | None = None) -> int:
    """Forget the failures of one address (for one account, or all it may see)."""
    scope = _admin_scope(actor)
    if not isinstance(remote_addr, str) or not remote_addr or len(remote_addr) > 64:
        raise Invalid("Thiếu địa chỉ máy (remote_addr).", details={"remote_addr": "required"})
    conditions = [LoginAttempt.remote_addr == remote_addr, LoginAttempt.succeeded.is_(False)]
    if username:
        username = username.strip().lower()[:80]
        if scope is not None and username not in scope:
            raise NotFound("Không tìm thấy tài khoản.")
        conditions.append(LoginAttempt.username == username)
    elif scope is not None:
        conditions.append(LoginAttempt.username.in_(scope))
    cleared = db.session.execute(delete(LoginAttempt).where(*conditions)).rowcount or 0
    audit.record(actor, "auth.lockout_cleared", subject=("user", None),
                 details={"remote_addr": remote_addr, "username": username,
                          "failures_cleared": cleared})
    db.session.commit()
    return cleared
