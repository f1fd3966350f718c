"""API v1: one's password and tokens, logout; for admins, accounts, tokens and lockouts."""

from __future__ import annotations

from flask import current_app, g, jsonify, request
from flask import session as web_session

from paperless import db
from paperless.api import body
from paperless.api.routes import authenticated, bp
from paperless.services import auth as auth_service
from paperless.services import sessions, users
from paperless.services.errors import Invalid
from paperless.web.auth import cookie_session


def _production() -> bool:
    return current_app.config["ENV_NAME"] == "production"


def _user(user) -> dict:
    return {"id": user.id, "username": user.username, "full_name": user.full_name,
            "is_active": user.is_active}


@bp.post("/auth/logout")
@authenticated
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
def change_password():
    data = body.json_body()
    users.change_password(
        g.api_actor, current=body.string(data, "current_password"),
        new=body.string(data, "new_password"), remote_addr=request.remote_addr or "",
        production=_production(), policy=auth_service.login_policy(current_app.config),
        window_minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    return jsonify({"changed": True, "revoked": "all sessions and tokens"})


@bp.get("/auth/tokens")
@authenticated
def list_tokens():
    user_id = request.args.get("user_id", type=db.id_arg)
    return jsonify({"tokens": [t.as_dict() for t in sessions.list_tokens(g.api_actor, user_id)]})


@bp.delete("/auth/tokens/<int:token_id>")
@authenticated
def revoke_token(token_id: int):
    return jsonify(sessions.revoke_token(g.api_actor, token_id).as_dict())


@bp.get("/users")
@authenticated
def list_users():
    return jsonify({"users": [_user(u) for u in users.list_managed(g.api_actor)]})


@bp.post("/users/<int:user_id>/password")
@authenticated
def reset_password(user_id: int):
    data = body.json_body()
    user = users.reset_password(g.api_actor, user_id, new=body.string(data, "password"),
                                production=_production())
    return jsonify(_user(user))


@bp.post("/users/<int:user_id>/active")
@authenticated
def set_user_active(user_id: int):
    data = body.json_body()
    active = data.get("active")
    if not isinstance(active, bool):
        raise Invalid("Trường “active” phải là true hoặc false.", details={"active": "type"})
    return jsonify(_user(users.set_active(g.api_actor, user_id, active)))


@bp.get("/auth/lockouts")
@authenticated
def list_lockouts():
    return jsonify({"lockouts": auth_service.list_lockouts(
        g.api_actor, auth_service.login_policy(current_app.config),
        current_app.config["LOGIN_WINDOW_MINUTES"])})


@bp.post("/auth/lockouts/clear")
@authenticated
def clear_lockout():
    data = body.json_body()
    cleared = auth_service.clear_lockout(
        g.api_actor, remote_addr=body.string(data, "remote_addr"),
        username=body.string(data, "username", required=False) or None)
    return jsonify({"cleared": cleared})
