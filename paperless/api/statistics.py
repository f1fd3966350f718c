"""API v1: the council's activity statistics (JSON) and their CSV/XLSX export."""

from __future__ import annotations

import io

from flask import g, jsonify, request, send_file

from paperless import db
from paperless.api.routes import authenticated, bp
from paperless.services import report_files
from paperless.services import statistics as service
from paperless.services.errors import Invalid

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def period_args(args) -> dict:
    """`?year=2026` (with `&quarter=1..4`) or `?term_id=3` (neither: the current year)."""
    chosen = {}
    for name in ("year", "term_id", "quarter"):
        raw = args.get(name, "").strip()
        if raw:
            try:
                chosen[name] = db.id_arg(raw)
            except ValueError:
                raise Invalid(f"Tham số “{name}” phải là số nguyên dương.",
                              details={name: "type"}) from None
    if "quarter" in chosen and "year" not in chosen:
        raise Invalid("Chọn quý thì phải chọn năm.", details={"quarter": "needs year"})
    if "year" in chosen and "term_id" in chosen:
        raise Invalid("Chọn theo năm hoặc theo nhiệm kỳ, không cả hai.",
                      details={"year": "conflict", "term_id": "conflict"})
    return chosen


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
