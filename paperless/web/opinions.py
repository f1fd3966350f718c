"""Pages for drafts under discussion: opinions on a draft, consolidation and answers, the
difference between versions, and written consultations."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from paperless.domain import opinions as rules
from paperless.domain import projection as projection_rules
from paperless.schemas import opinions as shapes
from paperless.services import consultations
from paperless.services import delegates as delegate_service
from paperless.services import opinions as service
from paperless.services.documents import get_document
from paperless.services.errors import Invalid
from paperless.services.meetings import get_meeting
from paperless.web import forms
from paperless.web.auth import login_required

bp = Blueprint("opinions", __name__)


def _back(document_id: int):
    return redirect(url_for(".page", document_id=document_id))


def _rect(raw: str | None) -> list[float] | None:
    """The marked area as the page sends it, "x0,y0,x1,y1"; the service checks the rest."""
    if not raw:
        return None
    try:
        return [float(v) for v in raw.split(",")]
    except ValueError as exc:
        raise Invalid("Vùng đánh dấu không hợp lệ.") from exc


@bp.get("/documents/<int:document_id>/opinions")
@login_required
def page(document_id: int):
    document = get_document(g.actor, document_id)
    meeting = get_meeting(g.actor, document.meeting_id)
    council_id = meeting.council_id
    roles = g.actor.roles_in(council_id)
    is_keeper = g.actor.is_superuser or bool(roles & service.KEEPERS)
    is_agency = service.is_agency_official(g.actor, document)
    views = [service.view(o, meeting.council) for o in service.list_opinions(g.actor, document.id)]
    delegates = delegate_service.list_delegates(g.actor, council_id, meeting.term_id) \
        if is_keeper else []
    secretaries = service.group_secretaries(council_id)
    return render_template(
        "opinions/page.html", document=document, meeting=meeting, opinions=views,
        by_article=service.by_article(views), is_keeper=is_keeper, is_agency=is_agency,
        may_give=g.actor.votes_in(council_id) is not None,
        my_group=service.secretary_of_group(g.actor, council_id),
        may_vote=g.actor.is_superuser or bool(roles & service.POINT_VOTERS),
        is_manager=g.actor.is_superuser or bool(roles & {"admin", "secretariat"}),
        agency=service.agency_of(document), delegates=delegates,
        officials=[i for i in meeting.invitees if i.kind == "official"],
        groups=meeting.council.groups, secretaries=secretaries,
        delegate_names={d.id: d.full_name for d in delegates},
        per_delegate=service.per_delegate(g.actor, meeting.id) if is_keeper else [],
        page_arg=request.args.get("page", ""), quote_arg=request.args.get("quote", "")[:2000],
        states=rules.STATES,
        projectable=projection_rules.may_project(document.access,
                                                 document.published_at is not None))


@bp.post("/documents/<int:document_id>/opinions")
@login_required
def give(document_id: int):
    form = forms.read(shapes.OpinionForm)
    delegate_id = group_id = None
    # the secretariat's paper entry names the author as "d:<delegate id>" or "g:<group id>"
    if form.author is not None:
        kind, _sep, number = form.author.partition(":")
        if kind == "d":
            delegate_id = int(number)
        else:
            group_id = int(number)
    service.give_opinion(
        g.actor, document_id, text=form.text, article=form.article or "",
        proposed_wording=form.proposed_wording or "", quote=form.quote or "", page=form.page,
        rect=_rect(form.rect), for_group=form.for_group, delegate_id=delegate_id,
        group_id=group_id)
    flash(_("Đã ghi nhận ý kiến."), "success")
    return _back(document_id)


@bp.post("/opinions/<int:opinion_id>/withdraw")
@login_required
def withdraw(opinion_id: int):
    opinion = service.withdraw(g.actor, opinion_id)
    flash(_("Đã rút ý kiến."), "success")
    return _back(opinion.document_id)


@bp.post("/documents/<int:document_id>/opinions/merge")
@login_required
def merge(document_id: int):
    form = forms.read(shapes.OpinionMergeForm)
    if form.keep_id is None:
        raise Invalid("Chọn ý kiến giữ lại.")
    service.merge(g.actor, form.keep_id, list(form.opinion_id))
    flash(_("Đã gộp các ý kiến trùng."), "success")
    return _back(document_id)


@bp.post("/opinions/<int:opinion_id>/answer")
@login_required
def answer(opinion_id: int):
    form = forms.read(shapes.OpinionAnswerInput)
    opinion = service.answer(g.actor, opinion_id, state=form.state, text=form.text)
    flash(_("Đã ghi nhận trả lời."), "success")
    return _back(opinion.document_id)


@bp.post("/opinions/<int:opinion_id>/point-vote")
@login_required
def point_vote(opinion_id: int):
    form = forms.read(shapes.PointVoteInput)
    made = service.open_point_vote(g.actor, opinion_id, title=form.title or "")
    opinion, _doc, _meeting = service.get_opinion(g.actor, opinion_id)
    flash(_("Đã tạo cuộc biểu quyết riêng về điểm này (số %(id)s); mở trên bàn điều khiển.",
            id=made["vote_id"]), "success")
    return _back(opinion.document_id)


@bp.post("/opinions/<int:opinion_id>/project")
@login_required
def project(opinion_id: int):
    """The chair or the secretariat shows this opinion, with its passage, on the hall screen."""
    from paperless.services import projection

    opinion, _doc, meeting = service.get_opinion(g.actor, opinion_id)
    projection.show(g.actor, meeting.id, opinion_id=opinion.id)
    flash(_("Đang chiếu ý kiến và đoạn dự thảo lên màn hình hội trường."), "success")
    return _back(opinion.document_id)


@bp.post("/documents/<int:document_id>/drafting-agency")
@login_required
def set_agency(document_id: int):
    form = forms.read(shapes.DraftingAgencyForm)
    service.set_drafting_agency(g.actor, document_id, list(form.invitee_id))
    flash(_("Đã cập nhật cơ quan soạn thảo."), "success")
    return _back(document_id)


@bp.post("/delegate-groups/<int:group_id>/secretary")
@login_required
def set_secretary(group_id: int):
    form = forms.read(shapes.GroupSecretaryInput)
    service.set_group_secretary(g.actor, group_id, form.delegate_id)
    flash(_("Đã cập nhật thư ký tổ."), "success")
    return redirect(forms.back())


@bp.get("/documents/<int:document_id>/diff")
@login_required
def diff(document_id: int):
    def arg(name):
        value = request.args.get(name, "")
        return int(value) if value.isdigit() and len(value) < 7 else None

    document = get_document(g.actor, document_id)
    result = service.version_diff(g.actor, document.id, arg("from"), arg("to"))
    return render_template("opinions/diff.html", document=document, diff=result)


@bp.get("/meetings/<int:meeting_id>/consultations")
@login_required
def consultations_page(meeting_id: int):
    from paperless.services import documents as document_service

    meeting = get_meeting(g.actor, meeting_id)
    rows = [consultations.view(g.actor, c) for c in consultations.list_for(g.actor, meeting.id)]
    roles = g.actor.roles_in(meeting.council_id)
    is_sender = g.actor.is_superuser or bool(roles & consultations.SENDERS)
    documents = [d for d, _unread in document_service.list_documents(g.actor, meeting.id)
                 if d.published_at] if is_sender else []
    return render_template("opinions/consultations.html", meeting=meeting, rows=rows,
                           is_sender=is_sender, documents=documents, choices=rules.CHOICES,
                           may_answer=g.actor.votes_in(meeting.council_id) is not None)


@bp.post("/documents/<int:document_id>/consultations")
@login_required
def send_consultation(document_id: int):
    form = forms.read(shapes.ConsultationInput)
    consultation = consultations.send(g.actor, document_id, title=form.title or "",
                                      deadline=form.deadline)
    flash(_("Đã gửi dự thảo tới các đại biểu để lấy ý kiến."), "success")
    return redirect(url_for(".consultations_page", meeting_id=consultation.meeting_id))


@bp.post("/consultations/<int:consultation_id>/answer")
@login_required
def answer_consultation(consultation_id: int):
    form = forms.read(shapes.ConsultationAnswerInput)
    consultations.respond(g.actor, consultation_id, choice=form.choice, text=form.text or "")
    consultation, _meeting = consultations.get(g.actor, consultation_id)
    flash(_("Đã gửi ý kiến của bạn."), "success")
    return redirect(url_for(".consultations_page", meeting_id=consultation.meeting_id))


@bp.post("/consultations/<int:consultation_id>/close")
@login_required
def close_consultation(consultation_id: int):
    consultation = consultations.close(g.actor, consultation_id)
    flash(_("Đã kết thúc và kiểm đếm."), "success")
    return redirect(url_for(".consultations_page", meeting_id=consultation.meeting_id))
