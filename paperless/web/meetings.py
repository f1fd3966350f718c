"""Secretariat pages: meetings, their status, invitees and the agenda editor."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from paperless.domain import agenda as agenda_rules
from paperless.domain import meetings as meeting_rules
from paperless.domain.labels import AGENDA_KINDS, MEETING_KINDS, MEETING_STATUSES
from paperless.schemas import councils as shapes
from paperless.services import councils as council_service
from paperless.services import delegates as delegate_service
from paperless.services import meeting_status
from paperless.services import meetings as meeting_service
from paperless.services.access import MANAGERS, STAFF
from paperless.web import forms
from paperless.web.auth import login_required

bp = Blueprint("meetings", __name__)


@bp.get("/councils/<int:council_id>/meetings")
@login_required
def index(council_id: int):
    council = council_service.get_council(g.actor, council_id)
    return render_template("meetings/index.html", council=council,
                           meetings=meeting_service.list_meetings(g.actor, council.id),
                           kinds=MEETING_KINDS, statuses=MEETING_STATUSES,
                           can_manage=g.actor.has(council.id, MANAGERS))


def _meeting_fields(form: shapes.MeetingForm) -> dict:
    return form.model_dump(exclude={"term_id"})


@bp.route("/councils/<int:council_id>/meetings/new", methods=["GET", "POST"])
@login_required
def new(council_id: int):
    council = council_service.get_council(g.actor, council_id, MANAGERS)
    if request.method == "POST":
        form = forms.read(shapes.MeetingForm)
        term = council_service.get_term(g.actor, form.term_id, MANAGERS) if form.term_id else \
            council_service.current_term(council.id)
        if term is None or term.council_id != council.id:
            flash(_("Hãy tạo nhiệm kỳ trước khi tạo kỳ họp."), "error")
            return redirect(url_for("councils.show", council_id=council.id))
        meeting = meeting_service.create_meeting(g.actor, term_id=term.id,
                                                 **_meeting_fields(form))
        flash(_("Đã tạo kỳ họp."), "success")
        return redirect(url_for(".show", meeting_id=meeting.id))
    return render_template("meetings/form.html", council=council, meeting=None,
                           kinds=MEETING_KINDS)


@bp.get("/meetings/<int:meeting_id>")
@login_required
def show(meeting_id: int):
    meeting = meeting_service.get_meeting(g.actor, meeting_id)
    can_manage = g.actor.has(meeting.council_id, MANAGERS)
    tree = meeting_service.agenda_tree(meeting)
    return render_template(
        "meetings/show.html", meeting=meeting, rows=agenda_rules.flatten(tree),
        kinds=MEETING_KINDS, statuses=MEETING_STATUSES, agenda_kinds=AGENDA_KINDS,
        can_manage=can_manage, is_staff=g.actor.has(meeting.council_id, STAFF),
        editable=can_manage and meeting_rules.agenda_editable(meeting.status),
        transitions=sorted(meeting_rules.TRANSITIONS[meeting.status]),
        total=delegate_service.total_delegates_on(meeting.term_id, meeting.start_date),
    )


@bp.post("/meetings/<int:meeting_id>/edit")
@login_required
def edit(meeting_id: int):
    meeting_service.update_meeting(g.actor, meeting_id,
                                   **_meeting_fields(forms.read(shapes.MeetingForm)))
    flash(_("Đã lưu."), "success")
    return redirect(url_for(".show", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/status")
@login_required
def set_status(meeting_id: int):
    meeting = meeting_status.set_status(g.actor, meeting_id,
                                        forms.read(shapes.MeetingStatusForm).status)
    flash(_("Kỳ họp: %(status)s.", status=MEETING_STATUSES[meeting.status]), "success")
    return redirect(url_for(".show", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/invitees")
@login_required
def add_invitee(meeting_id: int):
    form = forms.read(shapes.InviteeForm)
    meeting_service.add_invitee(g.actor, meeting_id, kind=form.kind, full_name=form.full_name,
                                title=form.title)
    flash(_("Đã thêm khách mời."), "success")
    return redirect(url_for(".show", meeting_id=meeting_id) + "#invitees")


@bp.post("/meetings/<int:meeting_id>/agenda")
@login_required
def add_item(meeting_id: int):
    form = forms.read(shapes.AgendaItemInput)  # the API's shape; the page sends no description
    meeting_service.add_agenda_item(
        g.actor, meeting_id, title=form.title, kind=form.kind, presenter=form.presenter,
        planned_minutes=form.planned_minutes, parent_id=form.parent_id)
    flash(_("Đã thêm mục chương trình."), "success")
    return redirect(url_for(".show", meeting_id=meeting_id) + "#agenda")


@bp.post("/agenda-items/<int:item_id>/move")
@login_required
def move_item(item_id: int):
    offset = -1 if forms.read(shapes.AgendaMoveForm).direction == "up" else 1
    meeting_service.move_agenda_item(g.actor, item_id, offset)
    return redirect(forms.back(anchor="#agenda"))


@bp.post("/agenda-items/<int:item_id>/nest")
@login_required
def nest_item(item_id: int):
    meeting_service.nest_agenda_item(g.actor, item_id,
                                     forms.read(shapes.AgendaItemChange).parent_id)
    return redirect(forms.back(anchor="#agenda"))


@bp.post("/agenda-items/<int:item_id>/edit")
@login_required
def edit_item(item_id: int):
    # The page sends the whole item (as created), not a change; its description stays.
    form = forms.read(shapes.AgendaItemInput)
    meeting_service.update_agenda_item(
        g.actor, item_id, title=form.title, kind=form.kind, presenter=form.presenter,
        planned_minutes=form.planned_minutes)
    flash(_("Đã lưu mục chương trình."), "success")
    return redirect(forms.back(anchor="#agenda"))


@bp.post("/agenda-items/<int:item_id>/delete")
@login_required
def delete_item(item_id: int):
    meeting_service.delete_agenda_item(g.actor, item_id)
    flash(_("Đã xóa mục chương trình."), "success")
    return redirect(forms.back(anchor="#agenda"))


@bp.post("/meetings/<int:meeting_id>/agenda/order")
@login_required
def reorder(meeting_id: int):
    """Drag-and-drop posts the whole new order of one level at once."""
    form = forms.read(shapes.AgendaOrder)
    meeting_service.reorder_agenda(g.actor, meeting_id, form.parent_id, list(form.order))
    return redirect(url_for(".show", meeting_id=meeting_id) + "#agenda")
