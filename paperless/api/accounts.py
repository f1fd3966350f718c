"""API v1: one's password and tokens, logout; for admins, accounts, tokens and lockouts."""

from __future__ import annotations

from flask import current_app, g, jsonify, request
from flask import session as web_session

from paperless.api.routes import authenticated, bp
from paperless.api.spec import declare
from paperless.schemas import accounts as shapes
from paperless.schemas.base import listing
from paperless.services import auth as auth_service
from paperless.services import sessions, users
from paperless.web.auth import cookie_session


def _production() -> bool:
    return current_app.config["ENV_NAME"] == "production"


def _user(user) -> dict:
    return {"id": user.id, "username": user.username, "full_name": user.full_name,
            "is_active": user.is_active}


@bp.post("/auth/logout")
@authenticated
@declare("Revoke this request's credential (the bearer token, or the browser session); its "
         "sockets are disconnected", status=204, errors=(401,))
def logout():
    """Revoke the credential of this request: the bearer token, or the browser session."""
    if g.api_token is not None:
        sessions.revoke_token(g.api_actor, g.api_token.id)
    else:
        row = cookie_session()
        if row is not None:
            sessions.end(row.id, g.api_actor)
        web_session.clear()
    return "", 204


@bp.post("/auth/password")
@authenticated
@declare("Change my password (the current one is required); revokes every session, token and "
         "socket of mine, this token too", body=shapes.PasswordChange,
         answer=shapes.PasswordChanged, errors=(400, 401, 422, 429))
def change_password(body: shapes.PasswordChange):
    users.change_password(
        g.api_actor, current=body.current_password, new=body.new_password,
        remote_addr=request.remote_addr or "",
        production=_production(), policy=auth_service.login_policy(current_app.config),
        window_minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    return jsonify({"changed": True, "revoked": "all sessions and tokens"})


@bp.get("/auth/tokens")
@authenticated
@declare("My API tokens (an admin: ?user_id= of an account they manage)",
         query=shapes.TokenQuery, answer=listing("tokens", shapes.ApiToken),
         errors=(401, 404, 422))
def list_tokens(query: shapes.TokenQuery):
    tokens = sessions.list_tokens(g.api_actor, query.user_id)
    return jsonify({"tokens": [t.as_dict() for t in tokens]})


@bp.delete("/auth/tokens/<int:token_id>")
@authenticated
@declare("Revoke a token (its owner, or an admin of the owner's council)",
         answer=shapes.ApiToken, errors=(401, 404))
def revoke_token(token_id: int):
    return jsonify(sessions.revoke_token(g.api_actor, token_id).as_dict())


@bp.get("/users")
@authenticated
@declare("Accounts I administer (admin)", answer=listing("users", shapes.Account),
         errors=(401, 403))
def list_users():
    return jsonify({"users": [_user(u) for u in users.list_managed(g.api_actor)]})


@bp.post("/users/<int:user_id>/password")
@authenticated
@declare("Reset an account's password (admin); revokes its sessions, tokens and sockets",
         body=shapes.PasswordReset, answer=shapes.Account, errors=(400, 401, 403, 404, 422))
def reset_password(user_id: int, body: shapes.PasswordReset):
    user = users.reset_password(g.api_actor, user_id, new=body.password,
                                production=_production())
    return jsonify(_user(user))


@bp.post("/users/<int:user_id>/active")
@authenticated
@declare("Disable or enable an account (admin); disabling disconnects it at once",
         body=shapes.AccountActive, answer=shapes.Account, errors=(400, 401, 403, 404, 422))
def set_user_active(user_id: int, body: shapes.AccountActive):
    return jsonify(_user(users.set_active(g.api_actor, user_id, body.active)))


@bp.get("/auth/lockouts")
@authenticated
@declare("Addresses and (account, address) pairs that must wait before logging in (admin)",
         answer=listing("lockouts", shapes.Lockout), errors=(401, 403))
def list_lockouts():
    return jsonify({"lockouts": auth_service.list_lockouts(
        g.api_actor, auth_service.login_policy(current_app.config),
        current_app.config["LOGIN_WINDOW_MINUTES"])})


@bp.post("/auth/lockouts/clear")
@authenticated
@declare("Forget the failed logins of an address, for one account or all (admin)",
         body=shapes.LockoutClear, answer=shapes.LockoutCleared,
         errors=(400, 401, 403, 404, 422))
def clear_lockout(body: shapes.LockoutClear):
    cleared = auth_service.clear_lockout(
        g.api_actor, remote_addr=body.remote_addr, username=body.username or None)
    return jsonify({"cleared": cleared})
