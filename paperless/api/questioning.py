"""API v1: question slips, answers, written answers, and the questioning report."""

from __future__ import annotations

from flask import g, jsonify, request, send_file

from paperless.api import body
from paperless.api.routes import authenticated, bp
from paperless.limits import accepts_upload
from paperless.services import questioning as service
from paperless.services import report_files
from paperless.services.errors import Invalid


@bp.get("/meetings/<int:meeting_id>/question-slips")
@authenticated
def list_slips(meeting_id: int):
    return jsonify({"slips": [service.slip_view(s)
                              for s in service.list_slips(g.api_actor, meeting_id)]})


@bp.post("/meetings/<int:meeting_id>/question-slips")
@authenticated
def file_slip(meeting_id: int):
    data = body.json_body()
    slip = service.file_slip(
        g.api_actor, meeting_id, official_id=body.integer(data, "official_id", required=True),
        topic=body.string(data, "topic", required=False), text=body.string(data, "text"),
        petition=body.string(data, "petition", required=False),
        delegate_id=body.integer(data, "delegate_id"))
    return jsonify(service.slip_view(slip)), 201


@bp.post("/meetings/<int:meeting_id>/question-groups")
@authenticated
def create_question_group(meeting_id: int):
    group = service.create_group(g.api_actor, meeting_id, body.string(body.json_body(), "title"))
    return jsonify({"id": group.id, "meeting_id": group.meeting_id, "title": group.title,
                    "status": group.status}), 201


@bp.post("/question-slips/<int:slip_id>/group")
@authenticated
def group_slip(slip_id: int):
    """Put a slip in a question group, or take it out with "group_id": null."""
    data = body.json_body()
    if "group_id" not in data:
        raise Invalid("Thiếu trường “group_id” (số, hoặc null để bỏ khỏi nhóm).",
                      details={"group_id": "required"})
    slip = service.assign_to_group(g.api_actor, slip_id, body.integer(data, "group_id"))
    return jsonify(service.slip_view(slip))


@bp.post("/question-slips/<int:slip_id>/answer")
@authenticated
def record_answer(slip_id: int):
    data = body.json_body()
    slip = service.record_answer(
        g.api_actor, slip_id, mode=body.string(data, "mode"),
        answered_by_id=body.integer(data, "answered_by_id"),
        summary=body.string(data, "summary", required=False),
        deadline=body.iso_date(data, "deadline", required=False))
    return jsonify(service.slip_view(slip))


@bp.post("/question-slips/<int:slip_id>/written-answer")
@authenticated
@accepts_upload("MAX_DOCUMENT_BYTES")
def upload_written_answer(slip_id: int):
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("Thiếu tệp (trường “file”).", details={"file": "required"})
    slip = service.upload_written_answer(g.api_actor, slip_id, upload.read(),
                                         upload.filename or "")
    return jsonify(service.slip_view(slip)), 201


@bp.get("/question-slips/<int:slip_id>/written-answer")
@authenticated
def written_answer(slip_id: int):
    path = service.written_answer_path(g.api_actor, slip_id)
    return send_file(path, mimetype="application/pdf", conditional=True, etag=path.name,
                     download_name=f"tra-loi-chat-van-{slip_id}.pdf")


@bp.get("/meetings/<int:meeting_id>/questioning-report")
@authenticated
def questioning_report(meeting_id: int):
    import io

    from paperless.reports import questioning as export

    fmt = request.args.get("format", "csv")
    writers = {"csv": (export.to_csv, "text/csv; charset=utf-8"),
               "xlsx": (export.to_xlsx, "application/vnd.openxmlformats-officedocument."
                                        "spreadsheetml.sheet"),
               "pdf": (export.to_pdf, "application/pdf")}
    if fmt not in writers:
        raise Invalid("Định dạng phải là csv, xlsx hoặc pdf.", details={"format": sorted(writers)})
    writer, mimetype = writers[fmt]
    data = report_files.render(writer, service.report(g.api_actor, meeting_id))
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=f"bao-cao-chat-van-{meeting_id}.{fmt}")
