"""Secretariat pages: delegates, their status, and CSV import."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from paperless import db
from paperless.domain.delegates import StatusChange, status_on
from paperless.domain.labels import DELEGATE_STATUSES, GENDERS, POSITIONS
from paperless.limits import accepts_upload
from paperless.schemas import councils as shapes
from paperless.services import clock
from paperless.services import councils as council_service
from paperless.services import delegates as delegate_service
from paperless.services.access import MANAGERS
from paperless.services.errors import Invalid
from paperless.web import forms
from paperless.web.auth import login_required

bp = Blueprint("delegates", __name__)

MAX_CSV_BYTES = 2 * 1024 * 1024


def _term_for(council, term_id: int | None):
    if term_id is not None:
        return council_service.get_term(g.actor, term_id)
    return council_service.current_term(council.id)


@bp.get("/councils/<int:council_id>/delegates")
@login_required
def index(council_id: int):
    council = council_service.get_council(g.actor, council_id, MANAGERS | {"chair"})
    term = _term_for(council, request.args.get("term_id", type=db.id_arg))
    try:
        on = date.fromisoformat(request.args.get("on", "")) if request.args.get("on") else None
    except ValueError:
        on = None
    on = on or clock.today(council.id)
    delegates = delegate_service.list_delegates(g.actor, council.id, term.id if term else None)
    status = {d.id: status_on([StatusChange(c.status, c.effective_date)
                               for c in d.status_changes], on) for d in delegates}
    total = delegate_service.total_delegates_on(term.id, on) if term else 0
    return render_template("delegates/index.html", council=council, term=term, on=on,
                           delegates=delegates, status=status, total=total,
                           statuses=DELEGATE_STATUSES, genders=GENDERS,
                           can_manage=g.actor.has(council.id, MANAGERS))


def _delegate_form_values(form: shapes.DelegateInput) -> dict:
    """The API's shape; the term is the page's (its hidden term_id, or the query's)."""
    return {"full_name": form.full_name, "gender": form.gender, "birth_date": form.birth_date,
            "group_id": form.group_id, "committee_id": form.committee_id,
            "positions": list(form.positions)}


@bp.route("/councils/<int:council_id>/delegates/new", methods=["GET", "POST"])
@login_required
def new(council_id: int):
    council = council_service.get_council(g.actor, council_id, MANAGERS)
    term = _term_for(council, request.values.get("term_id", type=db.id_arg))
    if term is None:
        flash(_("Hãy tạo nhiệm kỳ trước khi thêm đại biểu."), "error")
        return redirect(url_for("councils.show", council_id=council.id))
    if request.method == "POST":
        form = forms.read(shapes.DelegateInput)
        delegate = delegate_service.add_delegate(
            g.actor, term.id, serving_from=form.serving_from, **_delegate_form_values(form))
        flash(_("Đã thêm đại biểu %(name)s.", name=delegate.full_name), "success")
        return redirect(url_for(".index", council_id=council.id, term_id=term.id))
    return render_template("delegates/form.html", council=council, term=term, delegate=None,
                           genders=GENDERS, positions=POSITIONS, statuses=DELEGATE_STATUSES)


@bp.route("/delegates/<int:delegate_id>/edit", methods=["GET", "POST"])
@login_required
def edit(delegate_id: int):
    delegate = delegate_service.get_delegate(g.actor, delegate_id, MANAGERS)
    council = council_service.get_council(g.actor, delegate.council_id, MANAGERS)
    if request.method == "POST":
        delegate_service.update_delegate(
            g.actor, delegate.id, **_delegate_form_values(forms.read(shapes.DelegateInput)))
        flash(_("Đã lưu."), "success")
        return redirect(url_for(".index", council_id=council.id, term_id=delegate.term_id))
    return render_template("delegates/form.html", council=council, term=delegate.term,
                           delegate=delegate, genders=GENDERS, positions=POSITIONS,
                           statuses=DELEGATE_STATUSES)


@bp.post("/delegates/<int:delegate_id>/status")
@login_required
def change_status(delegate_id: int):
    form = forms.read(shapes.DelegateStatusForm)
    delegate = delegate_service.change_status(
        g.actor, delegate_id, status=form.status, effective_date=form.effective_date,
        note=form.note)
    flash(_("Đã cập nhật trạng thái."), "success")
    return redirect(url_for(".edit", delegate_id=delegate.id))


@bp.route("/councils/<int:council_id>/delegates/import", methods=["GET", "POST"])
@login_required
@accepts_upload("MAX_DOCUMENT_BYTES")
def import_csv(council_id: int):
    council = council_service.get_council(g.actor, council_id, MANAGERS)
    term = _term_for(council, request.values.get("term_id", type=db.id_arg))
    rows = None
    if request.method == "POST":
        upload = request.files.get("file")
        if term is None:
            raise Invalid("Hãy tạo nhiệm kỳ trước khi nhập đại biểu.")
        if upload is None or not upload.filename:
            raise Invalid("Hãy chọn tệp CSV.")
        data = upload.read(MAX_CSV_BYTES + 1)
        if len(data) > MAX_CSV_BYTES:
            raise Invalid("Tệp CSV lớn quá 2 MB.")
        rows = delegate_service.import_csv(g.actor, term.id, data)
    return render_template("delegates/import.html", council=council, term=term, rows=rows)
