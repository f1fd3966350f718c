"""API v1: the oversight cycle — bodies, commitments, supervision, meetings with voters and
voters' petitions, citizen receptions and citizens' petitions, the petitions report."""

from __future__ import annotations

import io

from flask import g, jsonify, request, send_file

from paperless import db
from paperless.api import spec
from paperless.api.routes import authenticated, bp
from paperless.api.spec import Binary, declare
from paperless.models import Council
from paperless.schemas import oversight as shapes
from paperless.schemas.base import listing
from paperless.services import oversight as service
from paperless.services import report_files

READ = (401, 403, 404, 422)
WRITE = (400, 401, 403, 404, 409, 422)
PDF = {"answer": spec.PDF, "errors": (401, 403, 404), "other_answers": spec.PDF_RANGES}


def _today(council_id: int):
    return service.today_of(db.session.get(Council, council_id))


def _file(name: str) -> tuple[bytes | None, str]:
    upload = request.files.get(name)
    return (upload.read(), upload.filename or "") if upload else (None, "")


def _pdf(path, name: str):
    return send_file(path, mimetype="application/pdf", conditional=True, etag=path.name,
                     download_name=name)


# --- bodies ---------------------------------------------------------------------------------

@bp.get("/councils/<int:council_id>/bodies")
@authenticated
@declare("Bodies that answer to the council (UBND, its offices…)",
         answer=listing("bodies", shapes.ResponsibleBody), errors=READ)
def list_bodies(council_id: int):
    return jsonify({"bodies": [{"id": b.id, "name": b.name}
                               for b in service.list_bodies(g.api_actor, council_id)]})


@bp.post("/councils/<int:council_id>/bodies")
@authenticated
@declare("Add a body (secretariat)", status=201, body=shapes.BodyInput,
         answer=shapes.ResponsibleBody, errors=WRITE)
def create_body(council_id: int, body: shapes.BodyInput):
    made = service.create_body(g.api_actor, council_id, name=body.name)
    return jsonify({"id": made.id, "name": made.name}), 201


@bp.post("/bodies/<int:body_id>/members")
@authenticated
@declare("An official's account answers for the body (secretariat)", status=201,
         body=shapes.BodyMemberInput, answer=shapes.BodyMember, errors=WRITE)
def add_body_member(body_id: int, body: shapes.BodyMemberInput):
    member = service.add_body_member(g.api_actor, body_id, username=body.username)
    return jsonify({"body_id": member.body_id, "user_id": member.user_id}), 201


# --- commitments ------------------------------------------------------------------------------

@bp.get("/councils/<int:council_id>/commitments")
@authenticated
@declare("Commitments (officials: those of their bodies), with their state on the council's "
         "date (open, overdue, kept, kept_late)", answer=shapes.Commitments, errors=READ)
def list_commitments(council_id: int):
    rows = service.list_commitments(g.api_actor, council_id)
    today = _today(council_id)
    return jsonify({"today": today.isoformat(),
                    "commitments": [service.commitment_view(c, today) for c in rows]})


@bp.post("/councils/<int:council_id>/commitments")
@authenticated
@declare("Record a commitment from an answer, a hearing or a supervision (staff)", status=201,
         body=shapes.CommitmentInput, answer=shapes.Commitment, errors=WRITE)
def record_commitment(council_id: int, body: shapes.CommitmentInput):
    c = service.record_commitment(
        g.api_actor, council_id, source=body.source, text=body.text, body_id=body.body_id,
        deadline=body.deadline, committed_by=body.committed_by,
        question_slip_id=body.question_slip_id, meeting_id=body.meeting_id,
        mission_id=body.mission_id)
    return jsonify(service.commitment_view(c, _today(c.council_id))), 201


@bp.post("/commitments/<int:commitment_id>/reports")
@authenticated
@declare("Report progress; completes=true needs an evidence PDF (the body's official or staff)",
         status=201, body=shapes.ProgressReport, form=shapes.ProgressReportForm,
         answer=shapes.Commitment, errors=WRITE)
def report_progress(commitment_id: int, body: shapes.ProgressReport | None,
                    form: shapes.ProgressReportForm | None):
    sent = form if form is not None else body
    evidence, filename = _file("evidence")
    service.report_progress(g.api_actor, commitment_id, text=sent.text,
                            completes=sent.completes, evidence=evidence, filename=filename)
    c = service.get_commitment(g.api_actor, commitment_id)
    return jsonify(service.commitment_view(c, _today(c.council_id))), 201


@bp.get("/commitments/<int:commitment_id>/evidence")
@authenticated
@declare("The evidence of a fulfilled commitment", **PDF)
def commitment_evidence(commitment_id: int):
    return _pdf(service.evidence_path(g.api_actor, commitment_id),
                f"minh-chung-loi-hua-{commitment_id}.pdf")


@bp.post("/commitments/<int:commitment_id>/agenda")
@authenticated
@declare("Put an unfulfilled commitment on a later meeting's agenda (the chair)", status=201,
         body=shapes.AgendaPlacementInput, answer=shapes.AgendaPlacement, errors=WRITE)
def commitment_to_agenda(commitment_id: int, body: shapes.AgendaPlacementInput):
    item = service.put_on_agenda(g.api_actor, commitment_id, meeting_id=body.meeting_id)
    return jsonify({"agenda_item_id": item.id, "meeting_id": item.meeting_id,
                    "title": item.title, "description": item.description}), 201


# --- supervision -----------------------------------------------------------------------------

@bp.get("/councils/<int:council_id>/supervision")
@authenticated
@declare("Supervision missions with their recommendations (staff, delegates)",
         answer=listing("missions", shapes.Mission), errors=READ)
def list_missions(council_id: int):
    rows = service.list_missions(g.api_actor, council_id)
    today = _today(council_id)
    return jsonify({"missions": [service.mission_view(m, today) for m in rows]})


@bp.post("/councils/<int:council_id>/supervision")
@authenticated
@declare("Create a supervision mission (staff)", status=201, body=shapes.MissionInput,
         answer=shapes.Mission, errors=WRITE)
def create_mission(council_id: int, body: shapes.MissionInput):
    m = service.create_mission(
        g.api_actor, council_id, by=body.by, subject=body.subject,
        start_date=body.start_date, end_date=body.end_date, supervised=body.supervised,
        member_ids=None if body.member_ids is None else list(body.member_ids),
        committee_id=body.committee_id, group_id=body.group_id,
        previous_id=body.previous_id, petition_id=body.petition_id)
    return jsonify(service.mission_view(m, _today(council_id))), 201


@bp.post("/supervision/<int:mission_id>/report")
@authenticated
@declare("The mission's conclusions and report PDF (staff)", body=shapes.MissionReport,
         form=shapes.MissionReportForm, answer=shapes.Mission, errors=WRITE)
def report_mission(mission_id: int, body: shapes.MissionReport | None,
                   form: shapes.MissionReportForm | None):
    sent = form if form is not None else body
    report, filename = _file("file")
    m = service.report_mission(g.api_actor, mission_id, conclusion=sent.conclusion,
                               report=report, filename=filename)
    return jsonify(service.mission_view(m, _today(m.council_id)))


@bp.get("/supervision/<int:mission_id>/report")
@authenticated
@declare("The supervision report", **PDF)
def mission_report(mission_id: int):
    return _pdf(service.mission_report_path(g.api_actor, mission_id),
                f"bao-cao-giam-sat-{mission_id}.pdf")


# --- meetings with voters, voters' petitions ------------------------------------------------------

@bp.get("/councils/<int:council_id>/voter-meetings")
@authenticated
@declare("Meetings with voters", answer=listing("voter_meetings", shapes.VoterMeeting),
         errors=READ)
def list_voter_meetings(council_id: int):
    return jsonify({"voter_meetings": [service.voter_meeting_view(v) for v in
                                       service.list_voter_meetings(g.api_actor, council_id)]})


@bp.post("/councils/<int:council_id>/voter-meetings")
@authenticated
@declare("Record a delegate group's meeting with voters and its petitions (a delegate of the "
         "group, or staff)", status=201, body=shapes.VoterMeetingInput,
         answer=shapes.VoterMeeting, errors=WRITE)
def record_voter_meeting(council_id: int, body: shapes.VoterMeetingInput):
    petitions = [p if isinstance(p, str) else p.model_dump() for p in body.petitions or []]
    vm = service.record_voter_meeting(
        g.api_actor, council_id, group_id=body.group_id, held_on=body.held_on,
        place=body.place, voters_present=body.voters_present,
        delegate_ids=None if body.delegate_ids is None else list(body.delegate_ids),
        session_id=body.session_id, petitions=petitions)
    return jsonify(service.voter_meeting_view(vm)), 201


@bp.post("/voter-meetings/<int:voter_meeting_id>/petitions")
@authenticated
@declare("Add a petition to a meeting with voters", status=201, body=shapes.PetitionInput,
         answer=shapes.VoterPetition, errors=WRITE)
def add_petition(voter_meeting_id: int, body: shapes.PetitionInput):
    p = service.add_petition(g.api_actor, voter_meeting_id, text=body.text,
                             field=body.field or "khac")
    return jsonify(service.petition_view(p, _today(p.council_id))), 201


@bp.get("/councils/<int:council_id>/voter-petitions")
@authenticated
@declare("Voters' petitions (officials: those forwarded to their bodies); ?session_id=",
         query=shapes.PetitionQuery, answer=shapes.VoterPetitions, errors=READ)
def list_petitions(council_id: int, query: shapes.PetitionQuery):
    rows = service.list_petitions(g.api_actor, council_id, session_id=query.session_id)
    today = _today(council_id)
    return jsonify({"petitions": [service.petition_view(p, today) for p in rows]})


@bp.post("/voter-petitions/<int:petition_id>/forward")
@authenticated
@declare("Forward to the body responsible with a deadline (staff)",
         body=shapes.PetitionForward, answer=shapes.VoterPetition, errors=WRITE)
def forward_petition(petition_id: int, body: shapes.PetitionForward):
    p = service.forward_petition(g.api_actor, petition_id, body_id=body.body_id,
                                 deadline=body.deadline)
    return jsonify(service.petition_view(p, _today(p.council_id)))


@bp.post("/voter-petitions/<int:petition_id>/answer")
@authenticated
@declare("Answer (the body's official, or staff)", body=shapes.PetitionAnswer,
         answer=shapes.VoterPetition, errors=WRITE)
def answer_petition(petition_id: int, body: shapes.PetitionAnswer):
    p = service.answer_petition(g.api_actor, petition_id, answer=body.answer)
    return jsonify(service.petition_view(p, _today(p.council_id)))


@bp.get("/meetings/<int:meeting_id>/petition-report")
@authenticated
@declare("Báo cáo kết quả giải quyết kiến nghị cử tri of a session (staff)",
         query=shapes.PetitionReportQuery,
         answer=Binary("application/pdf", "text/csv", description="The report"), errors=READ)
def petition_report(meeting_id: int, query: shapes.PetitionReportQuery):
    from paperless.reports import petitions as export

    fmt = query.format
    writer, mimetype = {"pdf": (export.to_pdf, "application/pdf"),
                        "csv": (export.to_csv, "text/csv; charset=utf-8")}[fmt]
    data = report_files.render(writer, service.petition_report(g.api_actor, meeting_id))
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=fmt != "pdf",
                     download_name=f"bao-cao-kien-nghi-cu-tri-{meeting_id}.{fmt}")


# --- citizen receptions, citizens' petitions ----------------------------------------------------

@bp.get("/councils/<int:council_id>/receptions")
@authenticated
@declare("Citizen receptions (staff; a delegate: their own)",
         answer=listing("receptions", shapes.Reception), errors=READ)
def list_receptions(council_id: int):
    return jsonify({"receptions": [service.reception_view(r) for r in
                                   service.list_receptions(g.api_actor, council_id)]})


@bp.post("/councils/<int:council_id>/receptions")
@authenticated
@declare("Record a citizen reception (staff; a delegate: their own)", status=201,
         body=shapes.ReceptionInput, answer=shapes.Reception, errors=WRITE)
def record_reception(council_id: int, body: shapes.ReceptionInput):
    r = service.record_reception(
        g.api_actor, council_id, receiver=body.receiver, held_on=body.held_on,
        delegate_id=body.delegate_id, place=body.place, citizens=body.citizens,
        notes=body.notes)
    return jsonify(service.reception_view(r)), 201


@bp.post("/receptions/<int:reception_id>/petitions")
@authenticated
@declare("Record a citizen's complaint, denunciation or proposal", status=201,
         body=shapes.CitizenPetitionInput, answer=shapes.CitizenPetition, errors=WRITE)
def add_citizen_petition(reception_id: int, body: shapes.CitizenPetitionInput):
    p = service.add_citizen_petition(
        g.api_actor, reception_id, kind=body.kind, citizen_name=body.citizen_name,
        summary=body.summary, citizen_address=body.citizen_address,
        citizen_phone=body.citizen_phone)
    return jsonify(_citizen_view(p)), 201


def _citizen_view(p):
    return service.citizen_petition_view(
        p, _today(p.council_id), service.sees_personal_data(g.api_actor, p.council_id))


@bp.get("/councils/<int:council_id>/citizen-petitions")
@authenticated
@declare("Citizens' petitions; the citizen's personal data only for staff",
         answer=shapes.CitizenPetitions, errors=READ)
def list_citizen_petitions(council_id: int):
    return jsonify({"petitions": [_citizen_view(p) for p in
                                  service.list_citizen_petitions(g.api_actor, council_id)]})


@bp.post("/citizen-petitions/<int:citizen_petition_id>/forward")
@authenticated
@declare("Forward to the body responsible (staff)", body=shapes.PetitionForward,
         answer=shapes.CitizenPetition, errors=WRITE)
def forward_citizen_petition(citizen_petition_id: int, body: shapes.PetitionForward):
    p = service.forward_citizen_petition(g.api_actor, citizen_petition_id,
                                         body_id=body.body_id, deadline=body.deadline)
    return jsonify(_citizen_view(p))


@bp.post("/citizen-petitions/<int:citizen_petition_id>/answer")
@authenticated
@declare("Answer (the body's official, or staff)", body=shapes.PetitionAnswer,
         answer=shapes.CitizenPetition, errors=WRITE)
def answer_citizen_petition(citizen_petition_id: int, body: shapes.PetitionAnswer):
    p = service.answer_citizen_petition(g.api_actor, citizen_petition_id, answer=body.answer)
    return jsonify(_citizen_view(p))
