"""The council's time zone: every date or time a person reads, or a rule uses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from paperless.domain import clock


def council_zone(council=None) -> ZoneInfo:
    """The council's zone (its `time_zone` column) through the council's clock."""
    return clock.zone(getattr(council, "time_zone", None))


def local(value: datetime, council=None) -> datetime:
    return value.astimezone(council_zone(council))


def end_of_day_utc(day: date, council=None) -> datetime:
    """23:59:59 on `day` in the council's zone, as an aware UTC datetime (a deadline)."""
    return datetime.combine(day, time(23, 59, 59), council_zone(council)).astimezone(UTC)


def format_local(value: datetime | None, council=None) -> str:
    if value is None:
        return ""
    return local(value, council).strftime("%H:%M ngày %d/%m/%Y")
