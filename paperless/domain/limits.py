"""Rate limits as pure functions: token buckets (socket events, API writes, the public
verification) and the growing login delays. No clock of their own: callers pass `now`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Bucket:
    """`tokens` left at time `at` (seconds, any monotonic clock); `refused`: actions
    refused in a row since the last one allowed."""

    tokens: float
    at: float
    refused: int = 0


@dataclass(frozen=True)
class Rate:
    """Up to `capacity` at once (a person's burst), refilled at `per_second` (their pace)."""

    capacity: float
    per_second: float


def take(bucket: Bucket | None, now: float, rate: Rate, cost: float = 1.0) -> tuple[bool, Bucket]:
    """Whether an action costing `cost` may go ahead, and the bucket after it.

    A new bucket starts full; a refused action takes nothing, so a flood that is refused
    does not push the sender's own next action further away than the refill time.
    """
    if bucket is None:
        tokens = rate.capacity
    else:
        elapsed = max(0.0, now - bucket.at)  # a clock that went back refills nothing
        tokens = min(rate.capacity, bucket.tokens + elapsed * rate.per_second)
    if tokens >= cost:
        return True, Bucket(tokens - cost, now)
    return False, Bucket(tokens, now, (bucket.refused if bucket else 0) + 1)


# A client told to wait this many times in a row is a script, not a person: its
# connection is dropped, so its backlog of queued events no longer delays the hall.
FLOOD_REFUSALS = 100


def flooding(bucket: Bucket | None) -> bool:
    return bucket is not None and bucket.refused >= FLOOD_REFUSALS


def retry_after(bucket: Bucket, rate: Rate, cost: float = 1.0) -> float:
    """Seconds until the bucket holds `cost` again (infinite if it never refills)."""
    missing = cost - bucket.tokens
    if missing <= 0:
        return 0.0
    if rate.per_second <= 0:
        return float("inf")
    return missing / rate.per_second


# --- login delays -------------------------------------------------------------------------

@dataclass(frozen=True)
class LoginPolicy:
    """Failures allowed before delays start, per kind of counter, within the window.

    `pair`: one account from one address (the person who mistypes their PIN).
    `address`: one address across accounts (stops spraying one PIN over 30 accounts).
    `overall`: the whole deployment; above it, every address that has failed waits too
    (a distributed attack), while an address with no failure is never slowed.
    Delays grow (first_delay, ×2 each further failure, at most max_delay) instead of a
    lock: nobody can lock an account from everywhere, the chair's included.
    """

    pair: int = 5
    address: int = 10
    overall: int = 300
    first_delay: float = 30.0
    max_delay: float = 900.0


@dataclass(frozen=True)
class Failures:
    count: int
    last: datetime | None = None


@dataclass(frozen=True)
class LoginWait:
    seconds: float
    reason: str  # "pair" | "address" | "overall" | ""


def delay_after(policy: LoginPolicy, failures: int, allowed: int) -> float:
    """The wait that `failures` failures impose when `allowed` are free (0: none)."""
    if failures < allowed:
        return 0.0
    return min(policy.max_delay, policy.first_delay * 2 ** min(failures - allowed, 30))


def login_wait(policy: LoginPolicy, *, pair: Failures, address: Failures, overall: int,
               now: datetime) -> LoginWait:
    """How long this (account, address) must still wait before its next try."""
    best = LoginWait(0.0, "")
    candidates = [(pair, delay_after(policy, pair.count, policy.pair), "pair"),
                  (address, delay_after(policy, address.count, policy.address), "address")]
    if overall >= policy.overall and address.count:
        candidates.append((address, policy.first_delay, "overall"))
    for failures, delay, reason in candidates:
        if delay and failures.last is not None:
            left = delay - (now - failures.last).total_seconds()
            if left > best.seconds:
                best = LoginWait(left, reason)
    return best
