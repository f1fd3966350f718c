"""API v1: the oversight cycle — bodies, commitments, supervision, meetings with voters and
voters' petitions, citizen receptions and citizens' petitions, the petitions report."""

from __future__ import annotations

import io

from flask import g, jsonify, request, send_file

from paperless import db
from paperless.api import body
from paperless.api.routes import authenticated, bp
from paperless.models import Council
from paperless.services import oversight as service
from paperless.services import report_files
from paperless.services.errors import Invalid


def _today(council_id: int):
    return service.today_of(db.session.get(Council, council_id))


def _data() -> dict:
    """JSON, or the fields of a multipart form (uploads carry a file)."""
    if request.files or request.form:
        return request.form.to_dict()
    return body.json_body()


def _file(name: str) -> tuple[bytes | None, str]:
    upload = request.files.get(name)
    return (upload.read(), upload.filename or "") if upload else (None, "")


def _pdf(path, name: str):
    return send_file(path, mimetype="application/pdf", conditional=True, etag=path.name,
                     download_name=name)


# --- bodies ---------------------------------------------------------------------------------

@bp.get("/councils/<int:council_id>/bodies")
@authenticated
def list_bodies(council_id: int):
    return jsonify({"bodies": [{"id": b.id, "name": b.name}
                               for b in service.list_bodies(g.api_actor, council_id)]})


@bp.post("/councils/<int:council_id>/bodies")
@authenticated
def create_body(council_id: int):
    data = body.json_body()
    made = service.create_body(g.api_actor, council_id, name=data.get("name"))
    return jsonify({"id": made.id, "name": made.name}), 201


@bp.post("/bodies/<int:body_id>/members")
@authenticated
def add_body_member(body_id: int):
    data = body.json_body()
    member = service.add_body_member(g.api_actor, body_id, username=data.get("username"))
    return jsonify({"body_id": member.body_id, "user_id": member.user_id}), 201


# --- commitments ------------------------------------------------------------------------------

@bp.get("/councils/<int:council_id>/commitments")
@authenticated
def list_commitments(council_id: int):
    rows = service.list_commitments(g.api_actor, council_id)
    today = _today(council_id)
    return jsonify({"today": today.isoformat(),
                    "commitments": [service.commitment_view(c, today) for c in rows]})


@bp.post("/councils/<int:council_id>/commitments")
@authenticated
def record_commitment(council_id: int):
    data = body.json_body()
    c = service.record_commitment(
        g.api_actor, council_id, source=data.get("source"), text=data.get("text"),
        body_id=data.get("body_id"), deadline=data.get("deadline"),
        committed_by=data.get("committed_by", ""), question_slip_id=data.get("question_slip_id"),
        meeting_id=data.get("meeting_id"), mission_id=data.get("mission_id"))
    return jsonify(service.commitment_view(c, _today(c.council_id))), 201


@bp.post("/commitments/<int:commitment_id>/reports")
@authenticated
def report_progress(commitment_id: int):
    data = _data()
    evidence, filename = _file("evidence")
    service.report_progress(g.api_actor, commitment_id, text=data.get("text"),
                            completes=data.get("completes", False), evidence=evidence,
                            filename=filename)
    c = service.get_commitment(g.api_actor, commitment_id)
    return jsonify(service.commitment_view(c, _today(c.council_id))), 201


@bp.get("/commitments/<int:commitment_id>/evidence")
@authenticated
def commitment_evidence(commitment_id: int):
    return _pdf(service.evidence_path(g.api_actor, commitment_id),
                f"minh-chung-loi-hua-{commitment_id}.pdf")


@bp.post("/commitments/<int:commitment_id>/agenda")
@authenticated
def commitment_to_agenda(commitment_id: int):
    data = body.json_body()
    item = service.put_on_agenda(g.api_actor, commitment_id, meeting_id=data.get("meeting_id"))
    return jsonify({"agenda_item_id": item.id, "meeting_id": item.meeting_id,
                    "title": item.title, "description": item.description}), 201


# --- supervision -----------------------------------------------------------------------------

@bp.get("/councils/<int:council_id>/supervision")
@authenticated
def list_missions(council_id: int):
    rows = service.list_missions(g.api_actor, council_id)
    today = _today(council_id)
    return jsonify({"missions": [service.mission_view(m, today) for m in rows]})


@bp.post("/councils/<int:council_id>/supervision")
@authenticated
def create_mission(council_id: int):
    data = body.json_body()
    m = service.create_mission(
        g.api_actor, council_id, by=data.get("by"), subject=data.get("subject"),
        start_date=data.get("start_date"), end_date=data.get("end_date"),
        supervised=data.get("supervised", ""), member_ids=data.get("member_ids"),
        committee_id=data.get("committee_id"), group_id=data.get("group_id"),
        previous_id=data.get("previous_id"), petition_id=data.get("petition_id"))
    return jsonify(service.mission_view(m, _today(council_id))), 201


@bp.post("/supervision/<int:mission_id>/report")
@authenticated
def report_mission(mission_id: int):
    data = _data()
    report, filename = _file("file")
    m = service.report_mission(g.api_actor, mission_id, conclusion=data.get("conclusion"),
                               report=report, filename=filename)
    return jsonify(service.mission_view(m, _today(m.council_id)))


@bp.get("/supervision/<int:mission_id>/report")
@authenticated
def mission_report(mission_id: int):
    return _pdf(service.mission_report_path(g.api_actor, mission_id),
                f"bao-cao-giam-sat-{mission_id}.pdf")


# --- meetings with voters, voters' petitions ------------------------------------------------------

@bp.get("/councils/<int:council_id>/voter-meetings")
@authenticated
def list_voter_meetings(council_id: int):
    return jsonify({"voter_meetings": [service.voter_meeting_view(v) for v in
                                       service.list_voter_meetings(g.api_actor, council_id)]})


@bp.post("/councils/<int:council_id>/voter-meetings")
@authenticated
def record_voter_meeting(council_id: int):
    data = body.json_body()
    vm = service.record_voter_meeting(
        g.api_actor, council_id, group_id=data.get("group_id"), held_on=data.get("held_on"),
        place=data.get("place"), voters_present=data.get("voters_present"),
        delegate_ids=data.get("delegate_ids"), session_id=data.get("session_id"),
        petitions=data.get("petitions") or [])
    return jsonify(service.voter_meeting_view(vm)), 201


@bp.post("/voter-meetings/<int:voter_meeting_id>/petitions")
@authenticated
def add_petition(voter_meeting_id: int):
    data = body.json_body()
    p = service.add_petition(g.api_actor, voter_meeting_id, text=data.get("text"),
                             field=data.get("field") or "khac")
    return jsonify(service.petition_view(p, _today(p.council_id))), 201


@bp.get("/councils/<int:council_id>/voter-petitions")
@authenticated
def list_petitions(council_id: int):
    session_id = request.args.get("session_id", "").strip()
    try:
        session_id = db.id_arg(session_id) if session_id else None
    except ValueError:
        raise Invalid("Tham số “session_id” phải là số nguyên dương.",
                      details={"session_id": "type"}) from None
    rows = service.list_petitions(g.api_actor, council_id, session_id=session_id)
    today = _today(council_id)
    return jsonify({"petitions": [service.petition_view(p, today) for p in rows]})


@bp.post("/voter-petitions/<int:petition_id>/forward")
@authenticated
def forward_petition(petition_id: int):
    data = body.json_body()
    p = service.forward_petition(g.api_actor, petition_id, body_id=data.get("body_id"),
                                 deadline=data.get("deadline"))
    return jsonify(service.petition_view(p, _today(p.council_id)))


@bp.post("/voter-petitions/<int:petition_id>/answer")
@authenticated
def answer_petition(petition_id: int):
    data = body.json_body()
    p = service.answer_petition(g.api_actor, petition_id, answer=data.get("answer"))
    return jsonify(service.petition_view(p, _today(p.council_id)))


@bp.get("/meetings/<int:meeting_id>/petition-report")
@authenticated
def petition_report(meeting_id: int):
    from paperless.reports import petitions as export

    fmt = request.args.get("format", "pdf")
    writers = {"pdf": (export.to_pdf, "application/pdf"),
               "csv": (export.to_csv, "text/csv; charset=utf-8")}
    if fmt not in writers:
        raise Invalid("Định dạng phải là pdf hoặc csv.", details={"format": sorted(writers)})
    writer, mimetype = writers[fmt]
    data = report_files.render(writer, service.petition_report(g.api_actor, meeting_id))
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=fmt != "pdf",
                     download_name=f"bao-cao-kien-nghi-cu-tri-{meeting_id}.{fmt}")


# --- citizen receptions, citizens' petitions ----------------------------------------------------

@bp.get("/councils/<int:council_id>/receptions")
@authenticated
def list_receptions(council_id: int):
    return jsonify({"receptions": [service.reception_view(r) for r in
                                   service.list_receptions(g.api_actor, council_id)]})


@bp.post("/councils/<int:council_id>/receptions")
@authenticated
def record_reception(council_id: int):
    data = body.json_body()
    r = service.record_reception(
        g.api_actor, council_id, receiver=data.get("receiver"), held_on=data.get("held_on"),
        delegate_id=data.get("delegate_id"), place=data.get("place", ""),
        citizens=data.get("citizens", 0), notes=data.get("notes", ""))
    return jsonify(service.reception_view(r)), 201


@bp.post("/receptions/<int:reception_id>/petitions")
@authenticated
def add_citizen_petition(reception_id: int):
    data = body.json_body()
    p = service.add_citizen_petition(
        g.api_actor, reception_id, kind=data.get("kind"), citizen_name=data.get("citizen_name"),
        summary=data.get("summary"), citizen_address=data.get("citizen_address", ""),
        citizen_phone=data.get("citizen_phone", ""))
    return jsonify(_citizen_view(p)), 201


def _citizen_view(p):
    return service.citizen_petition_view(
        p, _today(p.council_id), service.sees_personal_data(g.api_actor, p.council_id))


@bp.get("/councils/<int:council_id>/citizen-petitions")
@authenticated
def list_citizen_petitions(council_id: int):
    return jsonify({"petitions": [_citizen_view(p) for p in
                                  service.list_citizen_petitions(g.api_actor, council_id)]})


@bp.post("/citizen-petitions/<int:citizen_petition_id>/forward")
@authenticated
def forward_citizen_petition(citizen_petition_id: int):
    data = body.json_body()
    p = service.forward_citizen_petition(g.api_actor, citizen_petition_id,
                                         body_id=data.get("body_id"),
                                         deadline=data.get("deadline"))
    return jsonify(_citizen_view(p))


@bp.post("/citizen-petitions/<int:citizen_petition_id>/answer")
@authenticated
def answer_citizen_petition(citizen_petition_id: int):
    data = body.json_body()
    p = service.answer_citizen_petition(g.api_actor, citizen_petition_id,
                                        answer=data.get("answer"))
    return jsonify(_citizen_view(p))
