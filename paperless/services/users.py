"""User accounts and their roles per council."""

from __future__ import annotations

import re

from sqlalchemy import select

from paperless import db
from paperless.domain.labels import ROLES
from paperless.models import Delegate, RoleAssignment, User
from paperless.services import audit
from paperless.services.access import Actor, require
from paperless.services.auth import check_password_policy, check_pin_policy, hash_secret
from paperless.services.errors import Conflict, Invalid

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
