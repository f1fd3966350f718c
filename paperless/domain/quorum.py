"""Quorum and passing thresholds, always counted against the total N (DOMAIN.md)."""

from __future__ import annotations

from dataclasses import dataclass


def two_thirds(total: int) -> int:
    """⌈2N/3⌉ in integers, so 2N/3 never meets floating-point rounding."""
    return -(-2 * total // 3)


def majority(total: int) -> int:
    """More than half of N: ⌊N/2⌋ + 1."""
    return total // 2 + 1


@dataclass(frozen=True)
class Quorum:
    present: int
    total: int

    @property
    def required(self) -> int:
        return two_thirds(self.total)

    @property
    def reached(self) -> bool:
        return self.total > 0 and self.present >= self.required


def percent_vi(count: int, total: int) -> str:
    """Share of `total` in Vietnamese format: comma as decimal mark, two decimals ("93,33%").

    Rounded half up on exact integers so 2/3 gives 66,67% on every platform.
    """
    if total <= 0:
        return "0,00%"
    hundredths = (count * 10000 * 2 + total) // (2 * total)
    return f"{hundredths // 100},{hundredths % 100:02d}%"
