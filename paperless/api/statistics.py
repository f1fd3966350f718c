"""API v1: the council's activity statistics (JSON) and their CSV/XLSX export."""

from __future__ import annotations

import io

from flask import g, jsonify, send_file

from paperless.api.routes import authenticated, bp
from paperless.api.spec import Binary, declare
from paperless.schemas import records as shapes
from paperless.services import report_files
from paperless.services import statistics as service
from paperless.services.statistics import period_args

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/councils/<int:council_id>/statistics")
@authenticated
@declare("Activity statistics by year (?year=) or term (?term_id=): meetings, resolutions, "
         "votes, questions by official, per delegate (admin, secretariat, chair)",
         query=shapes.Period, answer=shapes.Statistics, errors=(401, 403, 404, 422))
def council_statistics(council_id: int, query: shapes.Period):
    return jsonify(service.council_statistics(g.api_actor, council_id,
                                              **period_args(query.args())))


@bp.get("/councils/<int:council_id>/statistics/export")
@authenticated
@declare("The statistics as CSV or XLSX", query=shapes.StatisticsExport,
         answer=Binary("text/csv", XLSX),
         errors=(401, 403, 404, 422))
def statistics_export(council_id: int, query: shapes.StatisticsExport):
    from paperless.reports import statistics as export

    writers = {"csv": (export.to_csv, "text/csv; charset=utf-8"), "xlsx": (export.to_xlsx, XLSX)}
    stats = service.council_statistics(g.api_actor, council_id, **period_args(query.args()))
    writer, mimetype = writers[query.format]
    period = stats["period"]
    suffix = period.get("year") or f"nhiem-ky-{period.get('term_id')}"
    if period.get("quarter"):
        suffix = f"{suffix}-quy-{period['quarter']}"
    return send_file(io.BytesIO(report_files.render(writer, stats)), mimetype=mimetype,
                     as_attachment=True,
                     download_name=f"thong-ke-{council_id}-{suffix}.{query.format}")
