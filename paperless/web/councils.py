"""Secretariat pages: councils, terms, delegate groups and committees."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from paperless.domain.labels import COUNCIL_LEVELS
from paperless.limits import accepts_upload
from paperless.schemas import councils as shapes
from paperless.services import clock
from paperless.services import councils as council_service
from paperless.services import delegates as delegate_service
from paperless.services.access import MANAGERS
from paperless.services.errors import Invalid
from paperless.web import forms
from paperless.web.auth import login_required

bp = Blueprint("councils", __name__, url_prefix="/councils")


@bp.get("/")
@login_required
def index():
    return render_template("councils/index.html",
                           councils=council_service.list_councils(g.actor), levels=COUNCIL_LEVELS)


@bp.post("/")
@login_required
def create():
    form = forms.read(shapes.CouncilInput)  # the API's shape
    council = council_service.create_council(
        g.actor, name=form.name, level=form.level, parent_id=form.parent_id)
    flash(_("Đã tạo %(name)s.", name=council.name), "success")
    return redirect(url_for(".show", council_id=council.id))


@bp.get("/<int:council_id>")
@login_required
def show(council_id: int):
    council = council_service.get_council(g.actor, council_id, MANAGERS | {"chair"})
    totals = {t.id: delegate_service.total_delegates_on(t.id, clock.today(council.id)) for t in council.terms}
    return render_template("councils/show.html", council=council, totals=totals,
                           levels=COUNCIL_LEVELS,
                           can_manage=g.actor.has(council.id, MANAGERS) or g.actor.is_superuser)


@bp.post("/<int:council_id>/terms")
@login_required
def add_term(council_id: int):
    form = forms.read(shapes.TermForm)
    council_service.create_term(g.actor, council_id, name=form.name, start_date=form.start_date,
                                end_date=form.end_date, seats=form.seats)
    flash(_("Đã thêm nhiệm kỳ."), "success")
    return redirect(url_for(".show", council_id=council_id))


@bp.post("/<int:council_id>/groups")
@login_required
def add_group(council_id: int):
    council_service.add_group(g.actor, council_id, forms.read(shapes.NameForm).name)
    flash(_("Đã thêm Tổ đại biểu."), "success")
    return redirect(forms.back(url_for(".show", council_id=council_id)))


@bp.post("/<int:council_id>/committees")
@login_required
def add_committee(council_id: int):
    council_service.add_committee(g.actor, council_id, forms.read(shapes.NameForm).name)
    flash(_("Đã thêm Ban."), "success")
    return redirect(forms.back(url_for(".show", council_id=council_id)))


@bp.get("/<int:council_id>/settings")
@login_required
def settings(council_id: int):
    """What the council's resolutions take from it: khóa per term, place name, session
    number style, time zone, recipients, the signers' handwritten signatures."""
    data = council_service.settings(g.actor, council_id)
    council = council_service.get_council(g.actor, council_id, council_service.SETTINGS_READERS)
    return render_template("councils/settings.html", council=council, settings=data,
                           can_manage=g.actor.has(council.id, MANAGERS) or g.actor.is_superuser)


@bp.post("/<int:council_id>/settings")
@login_required
def update_settings(council_id: int):
    sent = forms.read(shapes.SettingsForm).model_dump()
    # One field a term, "term_<id>": named by the council's terms, so no fixed shape.
    sent["term_numbers"] = {key.removeprefix("term_"): value.strip()
                            for key, value in request.form.items() if key.startswith("term_")}
    council_service.update_settings(g.actor, council_id, sent)
    flash(_("Đã lưu thiết lập của Hội đồng nhân dân."), "success")
    return redirect(url_for(".settings", council_id=council_id))


@bp.post("/<int:council_id>/signers/<int:user_id>/signature-image")
@login_required
@accepts_upload("MAX_DOCUMENT_BYTES")
def signature_image(council_id: int, user_id: int):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid("Hãy chọn ảnh chữ ký (PNG nền trong suốt).", code="file_required")
    council_service.set_signature_image(g.actor, council_id, user_id, upload.read())
    flash(_("Đã lưu ảnh chữ ký."), "success")
    return redirect(url_for(".settings", council_id=council_id))
