"""The council's time zone for services and pages (see paperless.domain.clock)."""

from __future__ import annotations

from datetime import date, datetime

from paperless import db
from paperless.domain import clock


def zone_name(council_id: int | None) -> str:
    from paperless.models import Council

    council = db.session.get(Council, council_id) if council_id else None
    return (council.time_zone if council is not None else None) or clock.DEFAULT_ZONE


def today(council_id: int | None) -> date:
    """Today in the council's zone (the date N is counted on, deadlines start from…)."""
    return clock.today(zone_name(council_id))


def now() -> datetime:
    return clock.utc_now()
