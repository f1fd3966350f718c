"""Account pages: change one's password, one's API tokens; for admins, the accounts they
manage (password reset, disable), their tokens, and login lockouts."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from paperless.schemas import accounts as shapes
from paperless.services import auth as auth_service
from paperless.services import sessions, users
from paperless.web import forms
from paperless.web.auth import login_required, start_web_session

bp = Blueprint("accounts", __name__)


def _production() -> bool:
    return current_app.config["ENV_NAME"] == "production"


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    if request.method == "GET":
        return render_template("accounts/password.html")
    form = forms.read(shapes.PasswordForm)
    new = form.new_password
    if new != form.confirm_password:
        flash(_("Hai lần nhập mật khẩu mới không khớp."), "error")
        return render_template("accounts/password.html"), 422
    user = users.change_password(
        g.actor, current=form.current_password, new=new,
        remote_addr=request.remote_addr or "", production=_production(),
        policy=auth_service.login_policy(current_app.config),
        window_minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    # Every session of the user ended, this one too (a copied cookie may be the reason for
    # the change); the person who just proved the password gets a fresh one.
    start_web_session(user)
    flash(_("Đã đổi mật khẩu. Mọi phiên đăng nhập và mã truy cập khác đã bị thu hồi."), "success")
    return redirect("/")


@bp.get("/account/tokens")
@login_required
def tokens():
    return render_template("accounts/tokens.html", owner=None,
                           tokens=sessions.list_tokens(g.actor))


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    sessions.revoke_token(g.actor, token_id)
    flash(_("Đã thu hồi mã truy cập."), "success")
    return redirect(forms.back(url_for(".tokens")))


@bp.get("/users")
@login_required
def index():
    return render_template("accounts/users.html", users=users.list_managed(g.actor))


@bp.get("/users/<int:user_id>/tokens")
@login_required
def user_tokens(user_id: int):
    owner = sessions.managed_user(g.actor, user_id)  # oneself, or an account one manages
    return render_template("accounts/tokens.html", owner=owner,
                           tokens=sessions.list_tokens(g.actor, owner.id))


@bp.post("/users/<int:user_id>/password")
@login_required
def reset_password(user_id: int):
    user = users.reset_password(g.actor, user_id,
                                new=forms.read(shapes.PasswordResetForm).new_password,
                                production=_production())
    flash(_("Đã đặt lại mật khẩu của %(name)s; các phiên đăng nhập của tài khoản đã bị thu hồi.",
            name=user.username), "success")
    return redirect(forms.back(url_for(".index")))


@bp.post("/users/<int:user_id>/active")
@login_required
def set_active(user_id: int):
    user = users.set_active(g.actor, user_id, forms.read(shapes.AccountActiveForm).active)
    flash(_("Đã mở khóa %(name)s.", name=user.username) if user.is_active
          else _("Đã khóa %(name)s; các kết nối của tài khoản đã bị ngắt.", name=user.username),
          "success")
    return redirect(forms.back(url_for(".index")))


@bp.get("/lockouts")
@login_required
def lockouts():
    rows = auth_service.list_lockouts(g.actor, auth_service.login_policy(current_app.config),
                                      current_app.config["LOGIN_WINDOW_MINUTES"])
    return render_template("accounts/lockouts.html", rows=rows)


@bp.post("/lockouts/clear")
@login_required
def clear_lockout():
    form = forms.read(shapes.LockoutClear)  # the API's shape
    cleared = auth_service.clear_lockout(g.actor, remote_addr=form.remote_addr,
                                         username=form.username or None)
    flash(_("Đã gỡ %(count)s lượt đăng nhập sai.", count=cleared), "success")
    return redirect(url_for(".lockouts"))
