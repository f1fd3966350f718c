"""API v1: the council's activity statistics (JSON) and their CSV/XLSX export."""

from __future__ import annotations

import io

from flask import g, jsonify, request, send_file

from paperless.api.routes import authenticated, bp
from paperless.services import report_files
from paperless.services import statistics as service
from paperless.services.errors import Invalid
from paperless.services.statistics import period_args

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/councils/<int:council_id>/statistics")
@authenticated
def council_statistics(council_id: int):
    return jsonify(service.council_statistics(g.api_actor, council_id,
                                              **period_args(request.args)))


@bp.get("/councils/<int:council_id>/statistics/export")
@authenticated
def statistics_export(council_id: int):
    from paperless.reports import statistics as export

    fmt = request.args.get("format", "xlsx")
    writers = {"csv": (export.to_csv, "text/csv; charset=utf-8"), "xlsx": (export.to_xlsx, XLSX)}
    if fmt not in writers:
        raise Invalid("Định dạng phải là csv hoặc xlsx.", details={"format": sorted(writers)})
    stats = service.council_statistics(g.api_actor, council_id, **period_args(request.args))
    writer, mimetype = writers[fmt]
    period = stats["period"]
    suffix = period.get("year") or f"nhiem-ky-{period.get('term_id')}"
    if period.get("quarter"):
        suffix = f"{suffix}-quy-{period['quarter']}"
    return send_file(io.BytesIO(report_files.render(writer, stats)), mimetype=mimetype,
                     as_attachment=True,
                     download_name=f"thong-ke-{council_id}-{suffix}.{fmt}")
