"""Who serves on a given date: the base N of every threshold (DOMAIN.md)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

SERVING = "active"


@dataclass(frozen=True)
class StatusChange:
    status: str
    effective_date: date


def status_on(changes: Sequence[StatusChange], day: date) -> str | None:
    """The delegate's status on `day`; None before their first entry (not yet elected).

    Changes on the same date apply in the given order, so the last one of a day wins.
    """
    current = None
    for change in sorted(changes, key=lambda c: c.effective_date):
        if change.effective_date > day:
            break
        current = change.status
    return current


def serving_on(changes: Sequence[StatusChange], day: date) -> bool:
    return status_on(changes, day) == SERVING


def total_on(histories: Iterable[Sequence[StatusChange]], day: date) -> int:
    """N on `day`: delegates elected and still serving (resigned, removed, deceased leave N)."""
    return sum(1 for changes in histories if serving_on(changes, day))
