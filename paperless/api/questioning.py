"""API v1: question slips, answers, written answers, and the questioning report."""

from __future__ import annotations

from flask import g, jsonify, send_file

from paperless.api.routes import authenticated, bp
from paperless.api.spec import PDF, PDF_RANGES, Binary, declare
from paperless.limits import accepts_upload
from paperless.schemas import questioning as shapes
from paperless.schemas.base import NO_FILE, listing
from paperless.services import questioning as service
from paperless.services import report_files
from paperless.services.errors import Invalid

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/meetings/<int:meeting_id>/question-slips")
@authenticated
@declare("Question slips I may see (staff: all; delegate: mine; official: addressed to me)",
         answer=listing("slips", shapes.QuestionSlip), errors=(401, 403, 404))
def list_slips(meeting_id: int):
    return jsonify({"slips": [service.slip_view(s)
                              for s in service.list_slips(g.api_actor, meeting_id)]})


@bp.post("/meetings/<int:meeting_id>/question-slips")
@authenticated
@declare("File a question slip (delegate) or enter a paper one (secretariat)", status=201,
         body=shapes.QuestionSlipInput, answer=shapes.QuestionSlip,
         errors=(400, 401, 403, 404, 409, 422))
def file_slip(meeting_id: int, body: shapes.QuestionSlipInput):
    slip = service.file_slip(
        g.api_actor, meeting_id, official_id=body.official_id, topic=body.topic or "",
        text=body.text, petition=body.petition or "", delegate_id=body.delegate_id)
    return jsonify(service.slip_view(slip)), 201


@bp.post("/meetings/<int:meeting_id>/question-groups")
@authenticated
@declare("Make a question group (nhóm vấn đề); the console sees it at once", status=201,
         body=shapes.QuestionGroupInput, answer=shapes.QuestionGroup,
         errors=(400, 401, 403, 404, 422))
def create_question_group(meeting_id: int, body: shapes.QuestionGroupInput):
    group = service.create_group(g.api_actor, meeting_id, body.title)
    return jsonify({"id": group.id, "meeting_id": group.meeting_id, "title": group.title,
                    "status": group.status}), 201


@bp.post("/question-slips/<int:slip_id>/group")
@authenticated
@declare("Put a slip in a question group (group_id null: take it out)",
         body=shapes.SlipGroupInput, answer=shapes.QuestionSlip,
         errors=(400, 401, 403, 404, 409, 422))
def group_slip(slip_id: int, body: shapes.SlipGroupInput):
    slip = service.assign_to_group(g.api_actor, slip_id, body.group_id)
    return jsonify(service.slip_view(slip))


@bp.post("/question-slips/<int:slip_id>/answer")
@authenticated
@declare("Record the answer: at the session, or in writing with a deadline",
         body=shapes.SlipAnswerInput, answer=shapes.QuestionSlip,
         errors=(400, 401, 403, 404, 409, 422))
def record_answer(slip_id: int, body: shapes.SlipAnswerInput):
    slip = service.record_answer(
        g.api_actor, slip_id, mode=body.mode, answered_by_id=body.answered_by_id,
        summary=body.summary or "", deadline=body.deadline)
    return jsonify(service.slip_view(slip))


@bp.post("/question-slips/<int:slip_id>/written-answer")
@authenticated
@accepts_upload("MAX_DOCUMENT_BYTES")
@declare("Upload the written answer (PDF; the official addressed or the secretariat)",
         status=201, form=shapes.WrittenAnswerUpload, answer=shapes.QuestionSlip,
         errors=(400, 401, 403, 404, 409, 413, 422))
def upload_written_answer(slip_id: int, form: shapes.WrittenAnswerUpload | None):
    if form is None:  # not a multipart form
        raise Invalid(NO_FILE, details={"file": "required"})
    upload = form.file
    slip = service.upload_written_answer(g.api_actor, slip_id, upload.read(),
                                         upload.filename or "")
    return jsonify(service.slip_view(slip)), 201


@bp.get("/question-slips/<int:slip_id>/written-answer")
@authenticated
@declare("The written answer", answer=PDF, errors=(401, 403, 404), other_answers=PDF_RANGES)
def written_answer(slip_id: int):
    path = service.written_answer_path(g.api_actor, slip_id)
    return send_file(path, mimetype="application/pdf", conditional=True, etag=path.name,
                     download_name=f"tra-loi-chat-van-{slip_id}.pdf")


@bp.get("/meetings/<int:meeting_id>/questioning-report")
@authenticated
@declare("The questioning report (staff) as CSV, XLSX or PDF", query=shapes.ReportQuery,
         answer=Binary("text/csv", _XLSX, "application/pdf"),
         errors=(400, 401, 403, 404, 422))
def questioning_report(meeting_id: int, query: shapes.ReportQuery):
    import io

    from paperless.reports import questioning as export

    writers = {"csv": (export.to_csv, "text/csv; charset=utf-8"),
               "xlsx": (export.to_xlsx, _XLSX),
               "pdf": (export.to_pdf, "application/pdf")}
    writer, mimetype = writers[query.format]
    data = report_files.render(writer, service.report(g.api_actor, meeting_id))
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=f"bao-cao-chat-van-{meeting_id}.{query.format}")
