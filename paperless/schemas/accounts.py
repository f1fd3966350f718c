"""One's password and tokens; for admins, the accounts they manage, tokens and lockouts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from paperless.schemas.base import Answer, Body, Query
from paperless.shapes import Id, Says, Secret

Moment = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


class PasswordChange(Body):
    current_password: Secret
    new_password: Secret


class PasswordForm(Query):
    """The page /account/password: the API's fields, and the new one typed twice."""
    current_password: Secret = ""
    new_password: Secret = ""
    confirm_password: Secret = ""


class PasswordChanged(Answer):
    changed: bool
    revoked: str


class TokenQuery(Query):
    """user_id: an account the admin manages (default: mine)."""
    user_id: Id | None = None


class ApiToken(Answer):
    id: int
    user_id: int
    username: str
    created_at: Moment
    expires_at: Moment
    revoked_at: Annotated[str | None, Field(json_schema_extra={"format": "date-time"})]
    state: Literal["active", "expired", "revoked"]


class Account(Answer):
    id: int
    username: str
    full_name: str
    is_active: bool


class PasswordReset(Body):
    password: Secret


class PasswordResetForm(Query):
    """An admin's reset on /users/<id>: the page calls the field new_password."""
    new_password: Secret = ""


class AccountActive(Body):
    active: Annotated[bool, Says("Trường “active” phải là true hoặc false.")]


class AccountActiveForm(Query):
    """The users page's lock / unlock button: "0" or "1"."""
    active: Annotated[bool, Says("Chọn khóa hoặc mở khóa tài khoản.")] = Field(
        title="Trạng thái tài khoản")


class Lockout(Answer):
    """kind address: every account from that address (username null)."""
    kind: Literal["account", "address"]
    username: str | None
    remote_addr: str
    failures: int
    last_failure: Moment
    wait_seconds: int


class LockoutClear(Body):
    """Without username: every account of the address (that the admin may see)."""
    remote_addr: str = Field(title="Địa chỉ máy")
    username: str | None = Field(None, title="Tài khoản")


class LockoutCleared(Answer):
    cleared: int
