"""Questioning pages: delegates file slips, the secretariat prepares and records answers,
officials see what is addressed to them and upload written answers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from paperless.domain import questioning as rules
from paperless.limits import accepts_upload
from paperless.schemas import questioning as shapes
from paperless.services import delegates as delegate_service
from paperless.services import meetings as meeting_service
from paperless.services import questioning as service
from paperless.services.errors import Invalid
from paperless.web import forms
from paperless.web.auth import login_required

bp = Blueprint("questioning", __name__)


def _back(meeting_id: int):
    return redirect(url_for(".page", meeting_id=meeting_id))


@bp.get("/meetings/<int:meeting_id>/questions")
@login_required
def page(meeting_id: int):
    meeting = meeting_service.get_meeting(g.actor, meeting_id)
    roles = g.actor.roles_in(meeting.council_id)
    is_keeper = bool(roles & service.KEEPERS) or g.actor.is_superuser
    if not (is_keeper or roles & {"delegate", "official"}):
        abort(403)  # guests and the screen see questioning only on the hall screen
    slips = [service.slip_view(s) for s in service.list_slips(g.actor, meeting.id)]
    return render_template(
        "questioning/page.html", meeting=meeting, slips=slips, is_keeper=is_keeper,
        is_delegate="delegate" in roles, is_official="official" in roles,
        officials=service.officials_of(meeting), groups=service.list_groups(g.actor, meeting.id),
        filing_closed=service.state_of(meeting.id).filing_closed, states=rules.STATES,
        delegates=delegate_service.list_delegates(g.actor, meeting.council_id, meeting.term_id)
        if is_keeper else [])


@bp.post("/meetings/<int:meeting_id>/questions")
@login_required
def file(meeting_id: int):
    form = forms.read(shapes.QuestionSlipInput)
    service.file_slip(g.actor, meeting_id, official_id=form.official_id,
                      topic=form.topic or "", text=form.text, petition=form.petition or "",
                      delegate_id=form.delegate_id)
    flash(_("Đã gửi phiếu chất vấn."), "success")
    return _back(meeting_id)


@bp.post("/question-slips/<int:slip_id>/edit")
@login_required
def edit(slip_id: int):
    form = forms.read(shapes.QuestionSlipInput)  # the same fields; petition stays as filed
    slip = service.edit_slip(g.actor, slip_id, topic=form.topic or "", text=form.text,
                             official_id=form.official_id)
    flash(_("Đã sửa phiếu chất vấn."), "success")
    return _back(slip.meeting_id)


@bp.post("/question-slips/<int:slip_id>/withdraw")
@login_required
def withdraw(slip_id: int):
    slip = service.withdraw_slip(g.actor, slip_id)
    flash(_("Đã rút phiếu chất vấn."), "success")
    return _back(slip.meeting_id)


@bp.post("/meetings/<int:meeting_id>/questions/filing")
@login_required
def filing(meeting_id: int):
    closed = forms.read(shapes.FilingForm).closed
    service.set_filing(g.actor, meeting_id, closed)
    flash(_("Đã khóa việc gửi phiếu.") if closed else _("Đã mở lại việc gửi phiếu."), "success")
    return _back(meeting_id)


@bp.post("/meetings/<int:meeting_id>/questions/groups")
@login_required
def create_group(meeting_id: int):
    service.create_group(g.actor, meeting_id, forms.read(shapes.QuestionGroupInput).title)
    flash(_("Đã tạo nhóm vấn đề."), "success")
    return _back(meeting_id)


@bp.post("/meetings/<int:meeting_id>/questions/merge")
@login_required
def merge(meeting_id: int):
    form = forms.read(shapes.SlipMergeForm)
    ids, keep = list(form.slip_id), form.keep_id
    if keep is None or len(ids) < 2 or keep not in ids:
        raise Invalid("Chọn ít nhất hai phiếu và phiếu giữ lại (trong số đã chọn).")
    service.merge(g.actor, keep, [i for i in ids if i != keep])
    flash(_("Đã gộp %(count)d phiếu vào phiếu số %(keep)d.", count=len(ids) - 1, keep=keep), "success")
    return _back(meeting_id)


@bp.post("/question-slips/<int:slip_id>/group")
@login_required
def assign(slip_id: int):
    slip = service.assign_to_group(g.actor, slip_id, forms.read(shapes.SlipGroupForm).group_id)
    return _back(slip.meeting_id)


@bp.post("/question-slips/<int:slip_id>/answer")
@login_required
def answer(slip_id: int):
    form = forms.read(shapes.SlipAnswerInput)
    slip = service.record_answer(
        g.actor, slip_id, mode=form.mode, answered_by_id=form.answered_by_id,
        summary=form.summary or "", deadline=form.deadline)
    flash(_("Đã ghi nhận trả lời."), "success")
    return _back(slip.meeting_id)


@bp.post("/question-slips/<int:slip_id>/written-answer")
@login_required
@accepts_upload("MAX_DOCUMENT_BYTES")
def written_answer(slip_id: int):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid("Hãy chọn tệp PDF trả lời.")
    slip = service.upload_written_answer(g.actor, slip_id, upload.read(), upload.filename)
    flash(_("Đã tải lên văn bản trả lời."), "success")
    return _back(slip.meeting_id)
