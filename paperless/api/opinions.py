"""API v1: opinions on drafts, the drafting agency, group secretaries, the compilation and
the report on acceptance and explanation, version differences, written consultations."""

from __future__ import annotations

import io

from flask import g, jsonify, request, send_file

from paperless.api import body
from paperless.api.routes import authenticated, bp
from paperless.services import consultations, report_files
from paperless.services import opinions as service
from paperless.services.errors import Invalid


def _opinion_json(opinion) -> dict:
    return service.view(opinion)


def _int_list(data: dict, name: str) -> list[int]:
    value = data.get(name)
    if not isinstance(value, list) or len(value) > 500 or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**31 for v in value):
        raise Invalid(f"Trường “{name}” phải là danh sách số nguyên.", details={name: "type"})
    return value


@bp.get("/documents/<int:document_id>/opinions")
@authenticated
def list_opinions(document_id: int):
    return jsonify({"opinions": [_opinion_json(o)
                                 for o in service.list_opinions(g.api_actor, document_id)]})


@bp.post("/documents/<int:document_id>/opinions")
@authenticated
def give_opinion(document_id: int):
    data = body.json_body()
    for_group = data.get("for_group", False)
    if not isinstance(for_group, bool):
        raise Invalid("Trường “for_group” phải là true/false.", details={"for_group": "type"})
    opinion = service.give_opinion(
        g.api_actor, document_id, text=body.string(data, "text"),
        article=body.string(data, "article", required=False),
        proposed_wording=body.string(data, "proposed_wording", required=False),
        quote=body.string(data, "quote", required=False),
        page=body.integer(data, "page"), rect=data.get("rect"), for_group=for_group,
        delegate_id=body.integer(data, "delegate_id"), group_id=body.integer(data, "group_id"))
    return jsonify(_opinion_json(opinion)), 201


@bp.post("/opinions/<int:opinion_id>/withdraw")
@authenticated
def withdraw_opinion(opinion_id: int):
    return jsonify(_opinion_json(service.withdraw(g.api_actor, opinion_id)))


@bp.post("/opinions/<int:opinion_id>/merge")
@authenticated
def merge_opinions(opinion_id: int):
    data = body.json_body()
    kept = service.merge(g.api_actor, opinion_id, _int_list(data, "duplicate_ids"))
    return jsonify(_opinion_json(kept))


@bp.post("/opinions/<int:opinion_id>/answer")
@authenticated
def answer_opinion(opinion_id: int):
    data = body.json_body()
    opinion = service.answer(g.api_actor, opinion_id, state=body.string(data, "state"),
                             text=body.string(data, "text"))
    return jsonify(_opinion_json(opinion))


@bp.post("/opinions/<int:opinion_id>/point-vote")
@authenticated
def point_vote(opinion_id: int):
    data = request.get_json(silent=True) or {}
    if not isinstance(data, dict):
        raise Invalid("Nội dung phải là một đối tượng JSON.", code="invalid_json")
    open_now = data.get("open", False)
    if not isinstance(open_now, bool):
        raise Invalid("Trường “open” phải là true/false.", details={"open": "type"})
    return jsonify(service.open_point_vote(g.api_actor, opinion_id,
                                           title=body.string(data, "title", required=False),
                                           open_now=open_now)), 201


@bp.put("/documents/<int:document_id>/drafting-agency")
@authenticated
def set_drafting_agency(document_id: int):
    data = body.json_body()
    agency = service.set_drafting_agency(g.api_actor, document_id,
                                         _int_list(data, "invitee_ids"))
    return jsonify({"document_id": document_id,
                    "agency": [{"id": i.id, "full_name": i.full_name, "title": i.title}
                               for i in agency]})


@bp.put("/delegate-groups/<int:group_id>/secretary")
@authenticated
def set_group_secretary(group_id: int):
    data = body.json_body()
    delegate_id = body.integer(data, "delegate_id")
    service.set_group_secretary(g.api_actor, group_id, delegate_id)
    return jsonify({"group_id": group_id, "delegate_id": delegate_id})


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/documents/<int:document_id>/opinions/compilation")
@authenticated
def opinions_compilation(document_id: int):
    from paperless.reports import opinions as export

    fmt = request.args.get("format", "pdf")
    writers = {"pdf": (export.compilation_pdf, "application/pdf"),
               "xlsx": (export.compilation_xlsx, _XLSX)}
    if fmt not in writers:
        raise Invalid("Định dạng phải là pdf hoặc xlsx.", details={"format": sorted(writers)})
    writer, mimetype = writers[fmt]
    data = report_files.render(writer, service.report_data(g.api_actor, document_id))
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=f"tong-hop-y-kien-{document_id}.{fmt}")


@bp.get("/documents/<int:document_id>/opinions/response-report")
@authenticated
def opinions_response_report(document_id: int):
    from paperless.reports import opinions as export

    data = report_files.render(export.response_pdf,
                               service.report_data(g.api_actor, document_id))
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"bao-cao-tiep-thu-giai-trinh-{document_id}.pdf")


def _version_arg(name: str) -> int | None:
    value = request.args.get(name)
    if value is None:
        return None
    if not value.isdigit() or len(value) > 6:
        raise Invalid(f"Tham số “{name}” phải là số phiên bản.", details={name: "type"})
    return int(value)


@bp.get("/documents/<int:document_id>/diff")
@authenticated
def document_diff(document_id: int):
    return jsonify(service.version_diff(g.api_actor, document_id, _version_arg("from"),
                                        _version_arg("to")))


@bp.get("/meetings/<int:meeting_id>/opinion-statistics")
@authenticated
def opinion_statistics(meeting_id: int):
    return jsonify({"delegates": service.per_delegate(g.api_actor, meeting_id)})


@bp.get("/meetings/<int:meeting_id>/consultations")
@authenticated
def list_consultations(meeting_id: int):
    return jsonify({"consultations": [consultations.view(g.api_actor, c) for c in
                                      consultations.list_for(g.api_actor, meeting_id)]})


@bp.post("/documents/<int:document_id>/consultations")
@authenticated
def send_consultation(document_id: int):
    data = body.json_body()
    consultation = consultations.send(g.api_actor, document_id,
                                      title=body.string(data, "title", required=False),
                                      deadline=body.iso_date(data, "deadline"))
    return jsonify(consultations.view(g.api_actor, consultation)), 201


@bp.get("/consultations/<int:consultation_id>")
@authenticated
def get_consultation(consultation_id: int):
    consultation, _meeting = consultations.get(g.api_actor, consultation_id)
    return jsonify(consultations.view(g.api_actor, consultation))


@bp.post("/consultations/<int:consultation_id>/answers")
@authenticated
def answer_consultation(consultation_id: int):
    data = body.json_body()
    return jsonify(consultations.respond(g.api_actor, consultation_id,
                                         choice=body.string(data, "choice"),
                                         text=body.string(data, "text", required=False))), 201


@bp.post("/consultations/<int:consultation_id>/close")
@authenticated
def close_consultation(consultation_id: int):
    consultation = consultations.close(g.api_actor, consultation_id)
    return jsonify(consultations.view(g.api_actor, consultation))
