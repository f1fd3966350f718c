"""Passwords, PINs, login rate limiting and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from paperless import db
from paperless.config import DEMO_PASSWORD
from paperless.models import ApiToken, LoginAttempt, User
from paperless.services import audit
from paperless.services.errors import Invalid, TooManyAttempts, Unauthorized

_DUMMY_HASH = generate_password_hash("timing-equaliser", method="scrypt")


def hash_secret(secret: str) -> str:
    return generate_password_hash(secret, method="scrypt")


def check_password_policy(password: str, *, production: bool) -> None:
    if len(password) < 6:
        raise Invalid("Mật khẩu phải có ít nhất 6 ký tự.", code="weak_password")
    if production and password == DEMO_PASSWORD:
        raise Invalid("Không được dùng mật khẩu demo trong môi trường chính thức.",
                      code="demo_password_refused")


def check_pin_policy(pin: str) -> None:
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise Invalid("Mã PIN gồm 4 đến 8 chữ số.", code="invalid_pin")


def authenticate(
    username: str,
    secret: str,
    *,
    remote_addr: str,
    use_pin: bool = False,
    max_failures: int = 5,
    window_minutes: int = 15,
    production: bool = False,
) -> User:
    """The user for these credentials, or Unauthorized/TooManyAttempts.

    Failures are counted per username in the database so every worker process
    sees them; a locked account stays locked until the window passes.
    """
    username = (username or "").strip().lower()[:80]
    since = datetime.now(UTC) - timedelta(minutes=window_minutes)
    failures = db.session.scalar(
        select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.username == username,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at >= since,
        )
    )
    if failures >= max_failures:
        audit.record(None, "auth.login_locked", actor_name=username,
                     details={"username": username, "remote_addr": remote_addr[:64]})
        db.session.commit()
        raise TooManyAttempts(
            f"Đăng nhập sai quá {max_failures} lần. Vui lòng thử lại sau {window_minutes} phút."
        )
    user = db.session.scalar(select(User).where(User.username == username))
    stored = (user.pin_hash if use_pin else user.password_hash) if user else None
    # Always run one hash check so response time does not reveal whether a user exists.
    ok = check_password_hash(stored or _DUMMY_HASH, secret or "") and stored is not None
    if ok and production and not use_pin and secret == DEMO_PASSWORD:
        ok = False
    ok = ok and user is not None and user.is_active
    db.session.add(LoginAttempt(username=username, remote_addr=remote_addr[:64], succeeded=ok))
    audit.record(None, "auth.login" if ok else "auth.login_failed",
                 actor_user_id=user.id if ok else None,
                 actor_name=user.full_name if ok else username,
                 subject=("user", user.id if ok else None),
                 details={"username": username, "remote_addr": remote_addr[:64],
                          "method": "pin" if use_pin else "password"})
    db.session.commit()
    if not ok:
        raise Unauthorized("Tên đăng nhập hoặc mật khẩu không đúng.", code="invalid_credentials")
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, *, hours: int) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(hours=hours)
    db.session.add(ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=expires))
    db.session.commit()
    return token, expires


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.expires_at <= datetime.now(UTC) or not row.user.is_active:
        return None
    return row.user
