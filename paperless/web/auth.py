"""Login (password or tablet PIN), logout, and the current actor on every request."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, flash, g, redirect, render_template, request
from flask import session as web_session
from flask_babel import gettext as _
from sqlalchemy import select

from paperless import db
from paperless.models import Council, User
from paperless.schemas import councils as shapes
from paperless.services import auth as auth_service
from paperless.services import sessions
from paperless.services.access import actor_for
from paperless.services.errors import ServiceError
from paperless.web import forms

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


def cookie_session():
    """The live server-side session of this request's cookie, or None (a revoked, expired or
    forged key: the cookie alone proves nothing)."""
    if "auth" not in web_session:
        return None
    if "auth_row" not in g:
        g.auth_row = sessions.for_key(web_session.get("auth"),
                                      current_app.config["PERMANENT_SESSION_LIFETIME"])
    return g.auth_row


def _load_actor() -> None:
    g.actor = None
    g.council = None
    g.pop("auth_row", None)  # g can outlive a request (an app context pushed around several)
    if "auth" not in web_session:
        return
    row = cookie_session()
    user = db.session.get(User, row.user_id) if row is not None else None
    if user is None:
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


def safe_next(target: str | None) -> str:
    """A same-site path to go to after login, or "/".

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so
    "/<TAB>/evil.example/" would become "//evil.example/", another site: any control
    character, backslash, scheme or host means "/" (an open redirect would let a phishing
    link borrow our login; a newline in a header would be a 500).
    """
    if not target or len(target) > 2000 or not target.startswith("/"):
        return "/"
    if "\\" in target or any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f for c in target):
        return "/"
    parts = urlsplit(target)
    if target.startswith("//") or parts.scheme or parts.netloc:
        return "/"
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("login.html", mode=request.args.get("mode", "password"),
                               next=request.args.get("next", ""))
    form = forms.read(shapes.LoginForm)
    mode = "pin" if form.mode == "pin" else "password"
    username = form.username
    secret = form.pin if mode == "pin" else form.password
    try:
        user = auth_service.authenticate(
            username, secret, remote_addr=request.remote_addr or "", use_pin=mode == "pin",
            policy=auth_service.login_policy(current_app.config),
            window_minutes=current_app.config["LOGIN_WINDOW_MINUTES"],
            production=current_app.config["ENV_NAME"] == "production",
        )
    except ServiceError as exc:
        flash(exc.message, "error")
        return render_template("login.html", mode=mode, next=form.next,
                               username=username), exc.status
    start_web_session(user)
    return redirect(safe_next(form.next))


def reauthentication(password: str) -> auth_service.Reauthentication:
    """The password typed again (before the chair signs), with this deployment's limits."""
    return auth_service.Reauthentication(
        password=password or "", remote_addr=request.remote_addr or "",
        policy=auth_service.login_policy(current_app.config),
        window_minutes=current_app.config["LOGIN_WINDOW_MINUTES"])


def start_web_session(user: User) -> None:
    """A fresh server-side session; the cookie carries only its key."""
    key, _row = sessions.start(user, remote_addr=request.remote_addr or "",
                               user_agent=request.headers.get("User-Agent", ""))
    lang = web_session.get("lang")
    web_session.clear()
    web_session.permanent = True
    web_session["auth"] = key
    if lang:
        web_session["lang"] = lang


@bp.post("/logout")
def logout():
    lang = web_session.get("lang")
    row = cookie_session()
    if row is not None:  # revoked on the server: a copy of the cookie is worthless now
        sessions.end(row.id, g.actor)
    web_session.clear()
    if lang:
        web_session["lang"] = lang
    flash(_("Đã đăng xuất."), "info")
    return redirect("/login")


@bp.post("/council")
@login_required
def switch_council():
    """A user with roles in several councils chooses which one they are working in."""
    council_id = forms.read(shapes.CouncilChoice).council_id
    if council_id in g.actor.roles:
        web_session["council_id"] = council_id
    return redirect("/")
