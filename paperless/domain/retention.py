"""Which backups to keep: the newest of each of the last N days and of the last M months.

Pure: takes the backups' times (already in the council's time zone), returns the ones to
keep. The newest backup is always kept, so a retention of 0/0 never deletes the only copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime


def to_keep(taken: Iterable[datetime], keep_daily: int, keep_monthly: int) -> set[datetime]:
    """`keep_daily` distinct days that have a backup, newest first, keep their newest one;
    likewise `keep_monthly` distinct months. Days or months with no backup do not count."""
    if keep_daily < 0 or keep_monthly < 0:
        raise ValueError("keep counts must not be negative")
    newest_first = sorted(set(taken), reverse=True)
    if not newest_first:
        return set()
    keep = {newest_first[0]}
    for period, limit in ((lambda t: t.date(), keep_daily),
                          (lambda t: (t.year, t.month), keep_monthly)):
        seen: set = set()
        for moment in newest_first:
            key = period(moment)
            if key in seen:
                continue
            if len(seen) >= limit:
                break
            seen.add(key)
            keep.add(moment)
    return keep


def to_delete(taken: Iterable[datetime], keep_daily: int, keep_monthly: int) -> list[datetime]:
    moments = set(taken)
    return sorted(moments - to_keep(moments, keep_daily, keep_monthly))
