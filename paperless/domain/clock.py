"""The council's clock: every date and time a person reads, and every date a rule uses
(N on the meeting day, sittings, 20-day deadlines, years of statistics and numbering,
minutes, resolutions), is in the council's time zone — never the server's.

Instants are stored in UTC; these functions only say what day and hour they are *there*.
Pure: no Flask, no database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Ho_Chi_Minh"


@lru_cache(maxsize=64)
def zone(name: str | None) -> ZoneInfo:
    """The named IANA zone; an unknown or empty name is the default (Vietnam has one zone)."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def is_valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return True


def utc_now() -> datetime:
    return datetime.now(UTC)


def local(when: datetime, zone_name: str | None = None) -> datetime:
    """``when`` (aware; a naive value is taken as UTC, as the database stores it) in the zone."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(zone(zone_name))


def today(zone_name: str | None = None, now: datetime | None = None) -> date:
    """The calendar day in the council's zone at ``now`` (default: this instant)."""
    return local(now or utc_now(), zone_name).date()


def fixed_offset(zone_name: str | None = None, at: datetime | None = None) -> timezone:
    """The zone's UTC offset at ``at`` as a fixed timezone (for ISO 8601 with +07:00)."""
    offset = local(at or utc_now(), zone_name).utcoffset() or timedelta(0)
    return timezone(offset)


def iso(when: datetime | None, zone_name: str | None = None) -> str | None:
    """ISO 8601 with the council's offset, seconds: 2026-12-05T09:30:00+07:00."""
    return local(when, zone_name).isoformat(timespec="seconds") if when else None


def clock_text(when: datetime | None, zone_name: str | None = None) -> str:
    """ "09 giờ 30, ngày 05/12/2026" (minutes, reports)."""
    return local(when, zone_name).strftime("%H giờ %M, ngày %d/%m/%Y") if when else ""


def short_text(when: datetime | None, zone_name: str | None = None,
               fmt: str = "%H:%M %d/%m/%Y") -> str:
    return local(when, zone_name).strftime(fmt) if when else ""
