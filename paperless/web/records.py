"""Pages of the record: the minutes editor (secretariat) and the statistics (council staff)."""

from __future__ import annotations

import io
import json

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from paperless.schemas import records as shapes
from paperless.services import councils as council_service
from paperless.services import meetings as meeting_service
from paperless.services import minutes as minutes_service
from paperless.services import statistics as statistics_service
from paperless.services.statistics import period_args
from paperless.web import forms
from paperless.web.auth import login_required

bp = Blueprint("records", __name__)


@bp.get("/meetings/<int:meeting_id>/minutes")
@login_required
def minutes(meeting_id: int):
    meeting = meeting_service.get_meeting(g.actor, meeting_id)
    roles = g.actor.roles_in(meeting.council_id)
    if not (g.actor.is_superuser or roles & minutes_service.READERS):
        abort(403)
    return render_template(
        "records/minutes.html", meeting=meeting,
        minutes=minutes_service.status(g.actor, meeting.id),
        can_edit=g.actor.is_superuser or bool(roles & minutes_service.EDITORS),
        can_sign=bool(roles & minutes_service.SIGNERS))


@bp.post("/meetings/<int:meeting_id>/minutes")
@login_required
def save_minutes(meeting_id: int):
    form = forms.read(shapes.MinutesForm)
    sent = request.form.keys()  # a section the form did not send stays as it is
    minutes_service.edit_sections(g.actor, meeting_id, {
        key: text or "" for key, text in form.model_dump().items() if key in sent})
    flash(_("Đã lưu biên bản (dự thảo)."), "success")
    return redirect(url_for(".minutes", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/minutes/finalize")
@login_required
def finalize_minutes(meeting_id: int):
    minutes_service.finalize(g.actor, meeting_id)
    flash(_("Biên bản đã hoàn tất và được niêm phong; không thể sửa thêm."), "success")
    return redirect(url_for(".minutes", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/minutes/sign")
@login_required
def sign_minutes(meeting_id: int):
    minutes_service.sign(g.actor, meeting_id)
    flash(_("Đã ký số biên bản."), "success")
    return redirect(url_for(".minutes", meeting_id=meeting_id))


@bp.get("/meetings/<int:meeting_id>/minutes.pdf")
@login_required
def minutes_pdf(meeting_id: int):
    pdf, state = minutes_service.final_pdf(g.actor, meeting_id)
    return send_file(io.BytesIO(pdf), mimetype="application/pdf",
                     download_name=f"bien-ban-ky-hop-{meeting_id}-{state}.pdf")


@bp.get("/meetings/<int:meeting_id>/record")
@login_required
def record(meeting_id: int):
    meeting = meeting_service.get_meeting(g.actor, meeting_id)
    if not (g.actor.is_superuser or g.actor.has(meeting.council_id, minutes_service.READERS)):
        abort(403)
    return render_template("records/record.html", meeting=meeting,
                           record=meeting_service.audit_record(g.actor, meeting.id))


@bp.get("/councils/<int:council_id>/statistics")
@login_required
def statistics(council_id: int):
    council = council_service.get_council(g.actor, council_id)
    if not (g.actor.is_superuser or g.actor.has(council.id, statistics_service.VIEWERS)):
        abort(403)
    chosen = period_args(request.args)
    stats = statistics_service.council_statistics(g.actor, council.id, **chosen)
    query = "&".join(f"{k}={v}" for k, v in chosen.items())
    return render_template("records/statistics.html", council=council, stats=stats,
                           periods=statistics_service.periods(g.actor, council.id),
                           query=query, data_json=_script_json(stats))


def _script_json(value) -> str:
    """JSON for a <script type="application/json"> block: a name holding "</script>" or
    "<!--" cannot end the block early."""
    return (json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")
            .replace(">", "\\u003e").replace("&", "\\u0026"))
