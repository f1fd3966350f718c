"""Oversight pages: commitments, supervision, meetings with voters and voters' petitions,
citizen receptions. Each form calls one service function (which checks the rights)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from paperless.domain import oversight as rules
from paperless.schemas import oversight as shapes
from paperless.services import councils as council_service
from paperless.services import delegates as delegate_service
from paperless.services import meetings as meeting_service
from paperless.services import oversight as service
from paperless.services.errors import Forbidden
from paperless.web import forms
from paperless.web.auth import login_required

bp = Blueprint("oversight", __name__)

TABS = (("oversight.commitments", "Lời hứa, cam kết"), ("oversight.supervision", "Giám sát"),
        ("oversight.petitions", "Kiến nghị cử tri"), ("oversight.receptions", "Tiếp công dân"))


def _upload(name: str) -> tuple[bytes | None, str]:
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        return None, ""
    return upload.read(), upload.filename


def _context(council_id: int, tab: str, allowed=service.READERS) -> dict:
    council = council_service.get_council(g.actor, council_id)
    if not (g.actor.is_superuser or g.actor.has(council.id, allowed)):
        raise Forbidden("Bạn không có quyền truy cập trang này.")
    roles = g.actor.roles_in(council.id)
    staff = g.actor.is_superuser or bool(roles & service.STAFF)
    return {"council": council, "tab": tab, "tabs": TABS, "is_staff": staff,
            "is_manager": g.actor.is_superuser or bool(roles & service.MANAGERS),
            "is_chair": g.actor.is_superuser or "chair" in roles,
            "my_bodies": service.my_body_ids(g.actor, council.id),
            "my_delegate": g.actor.delegate_ids.get(council.id),
            "bodies": service.list_bodies(g.actor, council.id),
            "today": service.today_of(council), "rules": rules}


def _back(endpoint: str, council_id: int, anchor: str = ""):
    return redirect(url_for(endpoint, council_id=council_id) + anchor)


# --- commitments -----------------------------------------------------------------------------

@bp.get("/councils/<int:council_id>/commitments")
@login_required
def commitments(council_id: int):
    ctx = _context(council_id, "oversight.commitments")
    today = ctx["today"]
    rows = [service.commitment_view(c, today)
            for c in service.list_commitments(g.actor, council_id)]
    meetings = meeting_service.list_meetings(g.actor, council_id)
    return render_template(
        "oversight/commitments.html", **ctx, commitments=rows,
        overdue=[c for c in rows if c["overdue"]],
        later_meetings=[m for m in meetings if m.status in ("draft", "published")
                        and m.start_date >= today],
        all_meetings=meetings,
        slips=_answered_slips(meetings) if ctx["is_staff"] else [],
        missions=service.list_missions(g.actor, council_id) if ctx["is_staff"] else [])


def _answered_slips(meetings) -> list[dict]:
    from paperless.services import questioning

    rows = []
    for m in meetings:
        for s in questioning.list_slips(g.actor, m.id):
            if s.status in service.ANSWERED_SLIPS:
                rows.append({"id": s.id, "label": f"#{s.id} {s.topic or s.text[:60]} — {m.title}"})
    return rows


@bp.post("/councils/<int:council_id>/commitments")
@login_required
def record_commitment(council_id: int):
    form = forms.read(shapes.CommitmentInput)
    service.record_commitment(
        g.actor, council_id, source=form.source, text=form.text, body_id=form.body_id,
        deadline=form.deadline, committed_by=form.committed_by,
        question_slip_id=form.question_slip_id, meeting_id=form.meeting_id,
        mission_id=form.mission_id)
    flash(_("Đã ghi nhận lời hứa."), "success")
    return redirect(forms.back(url_for(".commitments", council_id=council_id)))


@bp.post("/commitments/<int:commitment_id>/reports")
@login_required
def report_progress(commitment_id: int):
    form = forms.read(shapes.ProgressReport)
    evidence, filename = _upload("evidence")
    report = service.report_progress(g.actor, commitment_id, text=form.text,
                                     completes=bool(form.completes), evidence=evidence,
                                     filename=filename)
    flash(_("Đã ghi nhận hoàn thành lời hứa.") if report.completes
          else _("Đã ghi nhận báo cáo tiến độ."), "success")
    c = service.get_commitment(g.actor, commitment_id)
    return _back(".commitments", c.council_id, f"#commitment-{c.id}")


@bp.post("/commitments/<int:commitment_id>/agenda")
@login_required
def commitment_to_agenda(commitment_id: int):
    form = forms.read(shapes.AgendaPlacementInput)
    item = service.put_on_agenda(g.actor, commitment_id, meeting_id=form.meeting_id)
    flash(_("Đã đưa vào chương trình kỳ họp: %(title)s", title=item.title), "success")
    c = service.get_commitment(g.actor, commitment_id)
    return _back(".commitments", c.council_id, f"#commitment-{c.id}")


@bp.post("/councils/<int:council_id>/bodies")
@login_required
def create_body(council_id: int):
    service.create_body(g.actor, council_id, name=forms.read(shapes.BodyInput).name)
    flash(_("Đã thêm cơ quan."), "success")
    return _back(".commitments", council_id, "#bodies")


@bp.post("/bodies/<int:body_id>/members")
@login_required
def add_body_member(body_id: int):
    service.add_body_member(g.actor, body_id,
                            username=forms.read(shapes.BodyMemberInput).username)
    flash(_("Đã thêm người trả lời cho cơ quan."), "success")
    return redirect(forms.back("/", "#bodies"))


# --- supervision -----------------------------------------------------------------------------

@bp.get("/councils/<int:council_id>/supervision")
@login_required
def supervision(council_id: int):
    ctx = _context(council_id, "oversight.supervision", service.MISSION_READERS)
    council = ctx["council"]
    term = council_service.current_term(council.id)
    return render_template(
        "oversight/supervision.html", **ctx,
        missions=[service.mission_view(m, ctx["today"])
                  for m in service.list_missions(g.actor, council_id)],
        committees=council.committees, groups=council.groups,
        delegates=delegate_service.list_delegates(g.actor, council.id, term.id)
        if term and ctx["is_staff"] else [],
        petitions=service.list_petitions(g.actor, council_id) if ctx["is_staff"] else [])


@bp.post("/councils/<int:council_id>/supervision")
@login_required
def create_mission(council_id: int):
    form = forms.read(shapes.MissionForm)
    service.create_mission(
        g.actor, council_id, by=form.by, subject=form.subject, start_date=form.start_date,
        end_date=form.end_date, supervised=form.supervised,
        member_ids=list(form.member_ids or []), committee_id=form.committee_id,
        group_id=form.group_id, previous_id=form.previous_id, petition_id=form.petition_id)
    flash(_("Đã tạo đoàn giám sát."), "success")
    return _back(".supervision", council_id)


@bp.post("/supervision/<int:mission_id>/report")
@login_required
def report_mission(mission_id: int):
    form = forms.read(shapes.MissionReport)
    report, filename = _upload("file")
    m = service.report_mission(g.actor, mission_id, conclusion=form.conclusion, report=report,
                               filename=filename)
    flash(_("Đã lưu báo cáo, kết luận giám sát."), "success")
    return _back(".supervision", m.council_id, f"#mission-{m.id}")


# --- meetings with voters, voters' petitions ------------------------------------------------------

@bp.get("/councils/<int:council_id>/petitions")
@login_required
def petitions(council_id: int):
    ctx = _context(council_id, "oversight.petitions")
    council = ctx["council"]
    term = council_service.current_term(council.id)
    session_id = request.args.get("session_id", type=_session_arg)
    voter_meetings = [service.voter_meeting_view(v)
                      for v in service.list_voter_meetings(g.actor, council_id)]
    rows = [service.petition_view(p, ctx["today"])
            for p in service.list_petitions(g.actor, council_id, session_id=session_id)]
    my_group = None
    if ctx["my_delegate"]:
        from paperless import db
        from paperless.models import Delegate

        me = db.session.get(Delegate, ctx["my_delegate"])
        my_group = me.group_id if me else None
    groups = [gr for gr in council.groups if ctx["is_staff"] or gr.id == my_group]
    delegates = delegate_service.list_delegates(g.actor, council.id, term.id) \
        if term and ctx["is_staff"] else []
    return render_template(
        "oversight/petitions.html", **ctx, voter_meetings=voter_meetings, petitions=rows,
        groups=groups, delegates=delegates, session_id=session_id,
        sessions=[m for m in meeting_service.list_meetings(g.actor, council_id)
                  if m.kind in ("thuong_le", "chuyen_de", "bat_thuong")])


def _session_arg(raw: str) -> int:
    from paperless import db

    return db.id_arg(raw)


@bp.post("/councils/<int:council_id>/voter-meetings")
@login_required
def record_voter_meeting(council_id: int):
    # Each petition_text with the petition_field beside it: by position, so a blank text
    # (which forms.read would drop from a list) keeps the fields in their places.
    texts, fields = request.form.getlist("petition_text"), request.form.getlist("petition_field")
    form = forms.read(shapes.VoterMeetingForm, petitions=[
        {"text": t.strip(), "field": fields[i].strip() if i < len(fields) else "khac"}
        for i, t in enumerate(texts)])
    vm = service.record_voter_meeting(
        g.actor, council_id, group_id=form.group_id, held_on=form.held_on, place=form.place,
        voters_present=form.voters_present, delegate_ids=list(form.delegate_ids or []),
        session_id=form.session_id, petitions=[p.model_dump() for p in form.petitions])
    flash(_("Đã ghi nhận cuộc tiếp xúc cử tri và %(count)d kiến nghị.",
            count=service.voter_meeting_view(vm)["petitions"]), "success")
    return _back(".petitions", council_id)


@bp.post("/voter-meetings/<int:voter_meeting_id>/petitions")
@login_required
def add_petition(voter_meeting_id: int):
    form = forms.read(shapes.PetitionInput)
    p = service.add_petition(g.actor, voter_meeting_id, text=form.text,
                             field=form.field or "khac")
    flash(_("Đã thêm kiến nghị."), "success")
    return _back(".petitions", p.council_id)


@bp.post("/voter-petitions/<int:petition_id>/forward")
@login_required
def forward_petition(petition_id: int):
    form = forms.read(shapes.PetitionForward)
    p = service.forward_petition(g.actor, petition_id, body_id=form.body_id,
                                 deadline=form.deadline)
    flash(_("Đã chuyển kiến nghị tới cơ quan giải quyết."), "success")
    return redirect(forms.back(url_for(".petitions", council_id=p.council_id),
                               f"#petition-{p.id}"))


@bp.post("/voter-petitions/<int:petition_id>/answer")
@login_required
def answer_petition(petition_id: int):
    p = service.answer_petition(g.actor, petition_id,
                                answer=forms.read(shapes.PetitionAnswer).answer)
    flash(_("Đã ghi nhận trả lời kiến nghị."), "success")
    return redirect(forms.back(url_for(".petitions", council_id=p.council_id),
                               f"#petition-{p.id}"))


# --- citizen receptions ------------------------------------------------------------------------

@bp.get("/councils/<int:council_id>/receptions")
@login_required
def receptions(council_id: int):
    ctx = _context(council_id, "oversight.receptions", service.STAFF | {"delegate", "official"})
    council = ctx["council"]
    term = council_service.current_term(council.id)
    personal = service.sees_personal_data(g.actor, council_id)
    mine = "official" in g.actor.roles_in(council_id) and not ctx["is_staff"]
    return render_template(
        "oversight/receptions.html", **ctx, personal=personal,
        receptions=[] if mine and not ctx["my_delegate"] else
        [service.reception_view(r) for r in service.list_receptions(g.actor, council_id)],
        petitions=[service.citizen_petition_view(p, ctx["today"], personal)
                   for p in service.list_citizen_petitions(g.actor, council_id)],
        delegates=delegate_service.list_delegates(g.actor, council.id, term.id)
        if term and ctx["is_staff"] else [])


@bp.post("/councils/<int:council_id>/receptions")
@login_required
def record_reception(council_id: int):
    form = forms.read(shapes.ReceptionInput)
    service.record_reception(g.actor, council_id, receiver=form.receiver, held_on=form.held_on,
                             delegate_id=form.delegate_id, place=form.place,
                             citizens=form.citizens or 0, notes=form.notes)
    flash(_("Đã ghi nhận buổi tiếp công dân."), "success")
    return _back(".receptions", council_id)


@bp.post("/receptions/<int:reception_id>/petitions")
@login_required
def add_citizen_petition(reception_id: int):
    form = forms.read(shapes.CitizenPetitionInput)
    p = service.add_citizen_petition(
        g.actor, reception_id, kind=form.kind, citizen_name=form.citizen_name,
        summary=form.summary, citizen_address=form.citizen_address,
        citizen_phone=form.citizen_phone)
    flash(_("Đã ghi nhận đơn thư."), "success")
    return _back(".receptions", p.council_id)


@bp.post("/citizen-petitions/<int:citizen_petition_id>/forward")
@login_required
def forward_citizen_petition(citizen_petition_id: int):
    form = forms.read(shapes.PetitionForward)
    p = service.forward_citizen_petition(g.actor, citizen_petition_id, body_id=form.body_id,
                                         deadline=form.deadline)
    flash(_("Đã chuyển đơn thư tới cơ quan giải quyết."), "success")
    return _back(".receptions", p.council_id, f"#citizen-petition-{p.id}")


@bp.post("/citizen-petitions/<int:citizen_petition_id>/answer")
@login_required
def answer_citizen_petition(citizen_petition_id: int):
    p = service.answer_citizen_petition(g.actor, citizen_petition_id,
                                        answer=forms.read(shapes.PetitionAnswer).answer)
    flash(_("Đã ghi nhận trả lời đơn thư."), "success")
    return _back(".receptions", p.council_id, f"#citizen-petition-{p.id}")
