"""Who may do what, checked by every service function on the server.

A council the actor has no role in is invisible: its objects answer 404, never
403, so one council cannot even learn what another holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from paperless import db
from paperless.models import RoleAssignment, User
from paperless.services.errors import Forbidden, NotFound

MANAGERS = frozenset({"admin", "secretariat"})
STAFF = MANAGERS | {"chair"}  # see drafts and everything of their council
PARTICIPANTS = frozenset({"admin", "secretariat", "chair", "delegate", "official", "guest", "screen"})


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    full_name: str
    is_superuser: bool = False
    roles: dict[int, frozenset[str]] = field(default_factory=dict)
    delegate_ids: dict[int, int] = field(default_factory=dict)

    def roles_in(self, council_id: int) -> frozenset[str]:
        return self.roles.get(council_id, frozenset())

    def has(self, council_id: int, allowed: Iterable[str]) -> bool:
        return bool(self.roles_in(council_id) & frozenset(allowed))

    def votes_in(self, council_id: int) -> int | None:
        """The delegate this account votes and checks in as: a delegate's own record, or the
        chair's (the Chủ tịch HĐND presides and is a delegate: leaving them out would change
        every result counted against the total N)."""
        if self.has(council_id, ("delegate", "chair")):
            return self.delegate_ids.get(council_id)
        return None

    @property
    def administers(self) -> bool:
        """Admin of some council (or the superuser): manages accounts and lockouts."""
        return self.is_superuser or any("admin" in roles for roles in self.roles.values())

    @property
    def council_ids(self) -> list[int]:
        """In the order the roles were given: the first is the user's home council."""
        return list(self.roles)


# The command line acts with full rights: whoever runs it already owns the server.
SYSTEM = Actor(user_id=None, username="system", full_name="Hệ thống", is_superuser=True)


def actor_for(user: User) -> Actor:
    rows = db.session.execute(
        select(RoleAssignment.council_id, RoleAssignment.role, RoleAssignment.delegate_id)
        .where(RoleAssignment.user_id == user.id).order_by(RoleAssignment.id))
    return actor_from(user.id, user.username, user.full_name, user.is_superuser, rows)


def actor_from(user_id: int, username: str, full_name: str, is_superuser: bool,
               role_rows) -> Actor:
    """The actor of a user and their (council_id, role, delegate_id) rows, in role order."""
    roles: dict[int, set[str]] = {}
    delegate_ids: dict[int, int] = {}
    for council_id, role, delegate_id in role_rows:
        if council_id is None:  # an outer join's user without roles
            continue
        roles.setdefault(council_id, set()).add(role)
        if delegate_id:
            delegate_ids[council_id] = delegate_id
    return Actor(user_id=user_id, username=username, full_name=full_name,
                 is_superuser=bool(is_superuser),
                 roles={cid: frozenset(r) for cid, r in roles.items()},
                 delegate_ids=delegate_ids)


def require(actor: Actor, council_id: int, allowed: Iterable[str]) -> None:
    """404 if the actor has no role in the council; 403 if none of their roles is allowed."""
    if actor.is_superuser:
        return
    roles = actor.roles_in(council_id)
    if not roles:
        raise NotFound("Không tìm thấy.")
    if not roles & frozenset(allowed):
        raise Forbidden("Bạn không có quyền thực hiện thao tác này.")
