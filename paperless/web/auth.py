"""Login (password or tablet PIN), logout, and the current actor on every request."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, Flask, current_app, flash, g, redirect, render_template, request
from flask import session as web_session
from flask_babel import gettext as _
from sqlalchemy import select

from paperless import db
from paperless.models import Council, User
from paperless.services import auth as auth_service
from paperless.services.access import actor_for
from paperless.services.errors import ServiceError

bp = Blueprint("auth", __name__)

# Which home page a role lands on, in order of precedence when a user holds several.
ROLE_HOMES = (
    ("admin", "home.manage"),
    ("secretariat", "home.manage"),
    ("chair", "home.chair"),
    ("delegate", "home.delegate"),
    ("official", "home.official"),
    ("screen", "home.screen"),
    ("guest", "home.guest"),
)


def init_app(app: Flask) -> None:
    app.before_request(_load_actor)


def _load_actor() -> None:
    g.actor = None
    g.council = None
    user_id = web_session.get("user_id")
    if user_id is None:
        return
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        web_session.clear()
        return
    g.actor = actor_for(user)
    council_id = web_session.get("council_id")
    if council_id not in g.actor.roles:
        council_id = g.actor.council_ids[0] if g.actor.council_ids else None
    g.council = db.session.get(Council, council_id) if council_id else None
    if len(g.actor.roles) > 1:
        g.council_names = dict(db.session.execute(
            select(Council.id, Council.name).where(Council.id.in_(g.actor.council_ids))).all())


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("actor") is None:
            return redirect(f"/login?next={request.full_path.rstrip('?')}")
        return view(*args, **kwargs)

    return wrapper


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect would let a phishing link borrow our login.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("login.html", mode=request.args.get("mode", "password"),
                               next=request.args.get("next", ""))
    mode = "pin" if request.form.get("mode") == "pin" else "password"
    username = request.form.get("username", "")
    secret = request.form.get("pin" if mode == "pin" else "password", "")
    try:
        user = auth_service.authenticate(
            username, secret, remote_addr=request.remote_addr or "", use_pin=mode == "pin",
            max_failures=current_app.config["LOGIN_MAX_FAILURES"],
            window_minutes=current_app.config["LOGIN_WINDOW_MINUTES"],
            production=current_app.config["ENV_NAME"] == "production",
        )
    except ServiceError as exc:
        flash(exc.message, "error")
        return render_template("login.html", mode=mode, next=request.form.get("next", ""),
                               username=username), exc.status
    lang = web_session.get("lang")  # the language chosen on the login page stays
    web_session.clear()
    web_session.permanent = True
    web_session["user_id"] = user.id
    if lang:
        web_session["lang"] = lang
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout():
    lang = web_session.get("lang")
    web_session.clear()
    if lang:
        web_session["lang"] = lang
    flash(_("Đã đăng xuất."), "info")
    return redirect("/login")


@bp.post("/council")
@login_required
def switch_council():
    """A user with roles in several councils chooses which one they are working in."""
    try:
        council_id = int(request.form.get("council_id", ""))
    except ValueError:
        council_id = None
    if council_id in g.actor.roles:
        web_session["council_id"] = council_id
    return redirect("/")
