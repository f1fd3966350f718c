"""User accounts and their roles per council."""

from __future__ import annotations

import re

from sqlalchemy import select

from paperless import db
from paperless.domain.labels import ROLES
from paperless.models import Delegate, LoginAttempt, RoleAssignment, User
from paperless.services import audit, auth, events, sessions
from paperless.services.access import Actor, require
from paperless.services.auth import check_password_policy, check_pin_policy, hash_secret
from paperless.services.errors import Conflict, Forbidden, Invalid, TooManyAttempts

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


def create_user(actor: Actor, *, username: str, full_name: str, password: str | None = None,
                password_hash: str | None = None, pin: str | None = None,
                is_superuser: bool = False, production: bool = False,
                commit: bool = True) -> User:
    """`password_hash` lets the demo loader hash its one shared password once."""
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise Invalid("Tên đăng nhập gồm 2–80 ký tự a-z, 0-9, dấu chấm, gạch ngang, gạch dưới.",
                      code="invalid_username")
    if is_superuser and not actor.is_superuser:
        raise Invalid("Chỉ quản trị hệ thống được tạo quản trị hệ thống.")
    if db.session.scalar(select(User).where(User.username == username)):
        raise Conflict(f"Tên đăng nhập {username} đã tồn tại.", code="username_taken")
    if password_hash is None:
        check_password_policy(password or "", production=production)
        password_hash = hash_secret(password or "")
    if pin:
        check_pin_policy(pin)
    user = User(username=username, full_name=" ".join(full_name.split())[:120] or username,
                password_hash=password_hash, pin_hash=hash_secret(pin) if pin else None,
                is_superuser=is_superuser)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.created", subject=("user", user.id),
                 details={"username": username, "superuser": is_superuser})
    if commit:
        db.session.commit()
    return user


def assign_role(actor: Actor, user: User, council_id: int, role: str,
                delegate_id: int | None = None, commit: bool = True) -> RoleAssignment:
    require(actor, council_id, {"admin"})
    if role not in ROLES:
        raise Invalid(f"Vai trò không hợp lệ: {role}.", details={"role": sorted(ROLES)})
    if delegate_id is not None:
        delegate = db.session.get(Delegate, delegate_id)
        if delegate is None or delegate.council_id != council_id:
            raise Invalid("Đại biểu không thuộc Hội đồng này.")
    elif role == "delegate":
        raise Invalid("Tài khoản đại biểu phải gắn với một đại biểu.", code="delegate_required")
    assignment = RoleAssignment(user=user, council_id=council_id, role=role,
                                delegate_id=delegate_id)
    db.session.add(assignment)
    audit.record(actor, "role.assigned", council_id=council_id, subject=("user", user.id),
                 details={"username": user.username, "role": role, "delegate_id": delegate_id})
    if commit:
        db.session.commit()
    return assignment


# --- passwords and account state: each revokes the user's sessions, tokens and sockets ---

def change_password(actor: Actor, *, current: str, new: str, remote_addr: str = "",
                    production: bool = False, policy=None, window_minutes: int = 15) -> User:
    """The user's own change; the current password is required (a borrowed tablet with an
    open session must not be enough). Wrong guesses count like failed logins."""
    user = db.session.get(User, actor.user_id) if actor.user_id else None
    if user is None:
        raise Invalid("Tài khoản hệ thống không có mật khẩu.")
    remote_addr = (remote_addr or "")[:64]
    wait = auth.login_wait(user.username, remote_addr, policy or auth.LoginPolicy(),
                           window_minutes)
    if wait.seconds > 0:
        audit.record(actor, "auth.login_throttled", subject=("user", user.id),
                     details={"username": user.username, "remote_addr": remote_addr,
                              "reason": wait.reason, "during": "password_change"})
        db.session.commit()
        raise TooManyAttempts(f"Nhập sai nhiều lần. Vui lòng thử lại sau "
                              f"{max(1, int(wait.seconds) + 1)} giây.")
    if not auth.secret_matches(user.password_hash, current):
        db.session.add(LoginAttempt(username=user.username, remote_addr=remote_addr,
                                    succeeded=False))
        audit.record(actor, "auth.login_failed", subject=("user", user.id),
                     details={"username": user.username, "remote_addr": remote_addr,
                              "during": "password_change"})
        db.session.commit()
        raise Invalid("Mật khẩu hiện tại không đúng.", code="wrong_password",
                      details={"current_password": "wrong"})
    if new == current:
        raise Invalid("Mật khẩu mới phải khác mật khẩu hiện tại.", code="same_password")
    check_password_policy(new or "", production=production)
    return _set_password(actor, user, new, "user.password_changed")


def reset_password(actor: Actor, user_id: int, *, new: str, production: bool = False) -> User:
    """An admin sets another user's password (the user forgot it, or it leaked)."""
    user = sessions.managed_user(actor, user_id)
    if not sessions.may_manage(actor, user):
        raise Forbidden("Bạn không có quyền đặt lại mật khẩu của tài khoản này.")
    check_password_policy(new or "", production=production)
    return _set_password(actor, user, new, "user.password_reset")


def _set_password(actor: Actor, user: User, new: str, action: str) -> User:
    user.password_hash = hash_secret(new)
    revoked_sessions, revoked_tokens = sessions.revoke_everything(user.id, commit=False)
    audit.record(actor, action, subject=("user", user.id),
                 details={"username": user.username, "sessions_revoked": revoked_sessions,
                          "tokens_revoked": revoked_tokens})
    db.session.commit()
    events.announce_revoked(user.id, everything=True)
    return user


def set_active(actor: Actor, user_id: int, active: bool) -> User:
    """Disable (or enable again) an account; disabling ends its sessions and sockets at once."""
    user = sessions.managed_user(actor, user_id)
    if not sessions.may_manage(actor, user):
        raise Forbidden("Bạn không có quyền khóa tài khoản này.")
    if user.id == actor.user_id and not active:
        raise Invalid("Không thể tự khóa tài khoản của mình.", code="cannot_disable_self")
    if user.is_active == active:
        return user
    user.is_active = active
    revoked = sessions.revoke_everything(user.id, commit=False) if not active else (0, 0)
    audit.record(actor, "user.enabled" if active else "user.disabled", subject=("user", user.id),
                 details={"username": user.username, "sessions_revoked": revoked[0],
                          "tokens_revoked": revoked[1]})
    db.session.commit()
    if not active:
        events.announce_revoked(user.id, everything=True)
    return user


def list_managed(actor: Actor) -> list[User]:
    """The accounts this actor administers (superuser: all), by username."""
    if actor.is_superuser:
        query = select(User)
    else:
        councils = [cid for cid, roles in actor.roles.items() if "admin" in roles]
        if not councils:
            raise Forbidden("Chỉ quản trị viên xem được danh sách tài khoản.")
        query = select(User).where(User.is_superuser.is_(False), User.id.in_(
            select(RoleAssignment.user_id).where(RoleAssignment.council_id.in_(councils))))
    return list(db.session.scalars(query.order_by(User.username).limit(2000)))
