"""API v1: opinions on drafts, the drafting agency, group secretaries, the compilation and
the report on acceptance and explanation, version differences, written consultations."""

from __future__ import annotations

import io

from flask import g, jsonify, send_file

from paperless.api.routes import authenticated, bp
from paperless.api.spec import PDF, Binary, declare
from paperless.schemas import opinions as shapes
from paperless.schemas.base import listing
from paperless.services import consultations, report_files
from paperless.services import opinions as service


def _opinion_json(opinion) -> dict:
    return service.view(opinion)


@bp.get("/documents/<int:document_id>/opinions")
@authenticated
@declare("Opinions on the draft I may see (staff and the drafting agency: all; a delegate: "
         "theirs and their group's)", answer=listing("opinions", shapes.Opinion),
         errors=(401, 403, 404))
def list_opinions(document_id: int):
    return jsonify({"opinions": [_opinion_json(o)
                                 for o in service.list_opinions(g.api_actor, document_id)]})


@bp.post("/documents/<int:document_id>/opinions")
@authenticated
@declare("Give an opinion (delegate), for the group (its secretary: for_group) or from paper "
         "(secretariat: delegate_id or group_id)", status=201, body=shapes.OpinionInput,
         answer=shapes.Opinion, errors=(400, 401, 403, 404, 409, 422))
def give_opinion(document_id: int, body: shapes.OpinionInput):
    opinion = service.give_opinion(
        g.api_actor, document_id, text=body.text, article=body.article or "",
        proposed_wording=body.proposed_wording or "", quote=body.quote or "",
        page=body.page, rect=None if body.rect is None else list(body.rect),
        for_group=body.for_group, delegate_id=body.delegate_id, group_id=body.group_id)
    return jsonify(_opinion_json(opinion)), 201


@bp.post("/opinions/<int:opinion_id>/withdraw")
@authenticated
@declare("Withdraw (the author, or the secretariat)", answer=shapes.Opinion,
         errors=(401, 403, 404, 409))
def withdraw_opinion(opinion_id: int):
    return jsonify(_opinion_json(service.withdraw(g.api_actor, opinion_id)))


@bp.post("/opinions/<int:opinion_id>/merge")
@authenticated
@declare("Merge duplicates into this opinion, keeping every author (staff)",
         body=shapes.OpinionMerge, answer=shapes.Opinion,
         errors=(400, 401, 403, 404, 409, 422))
def merge_opinions(opinion_id: int, body: shapes.OpinionMerge):
    kept = service.merge(g.api_actor, opinion_id, list(body.duplicate_ids))
    return jsonify(_opinion_json(kept))


@bp.post("/opinions/<int:opinion_id>/answer")
@authenticated
@declare("Answer: accepted (tiếp thu) or explained (giải trình) — an official of this draft's "
         "drafting agency only", body=shapes.OpinionAnswerInput, answer=shapes.Opinion,
         errors=(400, 401, 403, 404, 409, 422))
def answer_opinion(opinion_id: int, body: shapes.OpinionAnswerInput):
    opinion = service.answer(g.api_actor, opinion_id, state=body.state, text=body.text)
    return jsonify(_opinion_json(opinion))


@bp.post("/opinions/<int:opinion_id>/point-vote")
@authenticated
@declare("Create (and with open: true, open) a vote on this contested point, linked to the "
         "opinion (chair, secretariat)", status=201, body=shapes.PointVoteInput,
         body_required=False, answer=shapes.PointVote, errors=(400, 401, 403, 404, 409, 422))
def point_vote(opinion_id: int, body: shapes.PointVoteInput):
    return jsonify(service.open_point_vote(g.api_actor, opinion_id, title=body.title or "",
                                           open_now=body.open)), 201


@bp.put("/documents/<int:document_id>/drafting-agency")
@authenticated
@declare("Set the drafting agency: the meeting's officials who answer this draft "
         "(secretariat)", body=shapes.DraftingAgencyInput, answer=shapes.DraftingAgency,
         errors=(400, 401, 403, 404, 422))
def set_drafting_agency(document_id: int, body: shapes.DraftingAgencyInput):
    agency = service.set_drafting_agency(g.api_actor, document_id, list(body.invitee_ids))
    return jsonify({"document_id": document_id,
                    "agency": [{"id": i.id, "full_name": i.full_name, "title": i.title}
                               for i in agency]})


@bp.put("/delegate-groups/<int:group_id>/secretary")
@authenticated
@declare("Set (or with null clear) the group's secretary, a delegate of the group "
         "(secretariat)", body=shapes.GroupSecretaryInput, answer=shapes.GroupSecretary,
         errors=(400, 401, 403, 404, 422))
def set_group_secretary(group_id: int, body: shapes.GroupSecretaryInput):
    service.set_group_secretary(g.api_actor, group_id, body.delegate_id)
    return jsonify({"group_id": group_id, "delegate_id": body.delegate_id})


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/documents/<int:document_id>/opinions/compilation")
@authenticated
@declare("The compilation of opinions by article, PDF or XLSX (staff, the agency)",
         query=shapes.CompilationQuery, answer=Binary("application/pdf", _XLSX),
         errors=(401, 403, 404, 422))
def opinions_compilation(document_id: int, query: shapes.CompilationQuery):
    from paperless.reports import opinions as export

    writers = {"pdf": (export.compilation_pdf, "application/pdf"),
               "xlsx": (export.compilation_xlsx, _XLSX)}
    writer, mimetype = writers[query.format]
    data = report_files.render(writer, service.report_data(g.api_actor, document_id))
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=f"tong-hop-y-kien-{document_id}.{query.format}")


@bp.get("/documents/<int:document_id>/opinions/response-report")
@authenticated
@declare("Báo cáo tiếp thu, giải trình: each opinion with its answer, PDF (staff, the agency)",
         answer=PDF, errors=(401, 403, 404))
def opinions_response_report(document_id: int):
    from paperless.reports import opinions as export

    data = report_files.render(export.response_pdf,
                               service.report_data(g.api_actor, document_id))
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"bao-cao-tiep-thu-giai-trinh-{document_id}.pdf")


@bp.get("/documents/<int:document_id>/diff")
@authenticated
@declare("Sentences inserted and deleted between two versions (default: the last two)",
         query=shapes.DiffQuery, answer=shapes.VersionDiff, errors=(401, 403, 404, 409, 422))
def document_diff(document_id: int, query: shapes.DiffQuery):
    return jsonify(service.version_diff(g.api_actor, document_id, query.old, query.to))


@bp.get("/meetings/<int:meeting_id>/opinion-statistics")
@authenticated
@declare("Opinions per delegate (staff)", answer=shapes.OpinionStatistics,
         errors=(401, 403, 404))
def opinion_statistics(meeting_id: int):
    return jsonify({"delegates": service.per_delegate(g.api_actor, meeting_id)})


@bp.get("/meetings/<int:meeting_id>/consultations")
@authenticated
@declare("Written consultations of the meeting (staff, delegates)",
         answer=listing("consultations", shapes.Consultation), errors=(401, 403, 404))
def list_consultations(meeting_id: int):
    return jsonify({"consultations": [consultations.view(g.api_actor, c) for c in
                                      consultations.list_for(g.api_actor, meeting_id)]})


@bp.post("/documents/<int:document_id>/consultations")
@authenticated
@declare("Send the draft to every delegate for a written answer by a deadline (a date in the "
         "council's time zone; secretariat, chair)", status=201, body=shapes.ConsultationInput,
         answer=shapes.Consultation, errors=(400, 401, 403, 404, 409, 422))
def send_consultation(document_id: int, body: shapes.ConsultationInput):
    consultation = consultations.send(g.api_actor, document_id, title=body.title or "",
                                      deadline=body.deadline)
    return jsonify(consultations.view(g.api_actor, consultation)), 201


@bp.get("/consultations/<int:consultation_id>")
@authenticated
@declare("One consultation: my answer; for staff the count against N",
         answer=shapes.Consultation, errors=(401, 403, 404))
def get_consultation(consultation_id: int):
    consultation, _meeting = consultations.get(g.api_actor, consultation_id)
    return jsonify(consultations.view(g.api_actor, consultation))


@bp.post("/consultations/<int:consultation_id>/answers")
@authenticated
@declare("Answer agree / disagree / opinion (a delegate, before the deadline; again replaces)",
         status=201, body=shapes.ConsultationAnswerInput, answer=shapes.ConsultationReply,
         errors=(400, 401, 403, 404, 409, 422))
def answer_consultation(consultation_id: int, body: shapes.ConsultationAnswerInput):
    return jsonify(consultations.respond(g.api_actor, consultation_id, choice=body.choice,
                                         text=body.text or "")), 201


@bp.post("/consultations/<int:consultation_id>/close")
@authenticated
@declare("Close and count against N (secretariat, chair)", answer=shapes.Consultation,
         errors=(401, 403, 404, 409))
def close_consultation(consultation_id: int):
    consultation = consultations.close(g.api_actor, consultation_id)
    return jsonify(consultations.view(g.api_actor, consultation))
