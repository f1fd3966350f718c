"""Report files (PDF, XLSX, CSV of statistics, petitions, questioning, opinions) made in the
worker pool: a writer lays out a whole meeting's or term's records, which is CPU the serving
loop must not spend (paperless/workers.py)."""

from __future__ import annotations

from paperless import db, workers


def render(writer, data) -> bytes:
    """``writer(data)`` (a function of paperless.reports) in a worker; the request's pooled
    database connection is given back first, the data being read already."""
    db.release()
    return workers.run(f"{writer.__module__}:{writer.__name__}", data)
