"""Per-process token buckets for socket events, API writes and the public verification.

The rule is `domain.limits.take`; this keeps the buckets, one per (kind, key), in memory.
They are per process on purpose: a check costs no database round trip, so refusing a
flood is cheaper than serving it. With several processes a client gets each process's
allowance (sticky sessions keep a socket on one process); login limits, which must hold
across processes, are counted in the database instead (services/auth.py).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import Flask, current_app

from paperless.domain.limits import Bucket, Rate, flooding, retry_after, take

# Generous for a person, tight for a script (capacity = burst, per_second = pace).
DEFAULT_RATES = {
    # every socket event, per connection and per user (snapshot and join cost 5)
    "socket": Rate(capacity=60, per_second=10),
    "socket_user": Rate(capacity=120, per_second=20),
    # events that change something (and write the audit record), per user; not vote:cast.
    # The secretariat's roll call marks a whole commune council in a minute: 60 at once.
    "socket_write": Rate(capacity=60, per_second=2),
    # API requests other than GET, per user
    "api_write": Rate(capacity=120, per_second=2),
    # the public verification (/verify, /r/<id>, POST /api/v1/verify), per client address
    "verify": Rate(capacity=5, per_second=1 / 12),
}


class Limiter:
    def __init__(self, rates: dict[str, Rate], clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 50_000):
        self.rates = rates
        self.clock = clock
        self.max_keys = max_keys  # many addresses must not grow memory without bound
        self._buckets: OrderedDict[tuple[str, object], Bucket] = OrderedDict()
        self._held: OrderedDict[tuple[str, object], float] = OrderedDict()  # key: until
        self._lock = threading.Lock()

    def check(self, kind: str, key: object, cost: float = 1.0) -> float | None:
        """None if allowed (and taken); else the seconds to wait before it would be."""
        rate = self.rates[kind]
        with self._lock:
            name = (kind, key)
            allowed, bucket = take(self._buckets.get(name), self.clock(), rate, cost)
            self._buckets[name] = bucket
            self._buckets.move_to_end(name)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)  # the least recently used: near full
        return None if allowed else retry_after(bucket, rate, cost)

    def flooding(self, kind: str, key: object) -> bool:
        """Whether this bucket has refused so many actions in a row that it is a flood."""
        with self._lock:
            return flooding(self._buckets.get((kind, key)))

    def hold(self, kind: str, key: object, seconds: float) -> None:
        """Refuse `key` for `seconds` (a cool-down, not a rate: see `held`)."""
        with self._lock:
            self._held[(kind, key)] = self.clock() + seconds
            self._held.move_to_end((kind, key))
            while len(self._held) > self.max_keys:
                self._held.popitem(last=False)  # the oldest: the nearest to its end

    def held(self, kind: str, key: object) -> float | None:
        """Seconds left of a hold on `key`, or None. Only looks: a key that is not held
        (a junk token at every connect) is never stored, so it cannot push the
        buckets of real clients out of memory."""
        with self._lock:
            until = self._held.get((kind, key))
            if until is None:
                return None
            left = until - self.clock()
            if left > 0:
                return left
            del self._held[(kind, key)]
            return None

    def forget(self, kind: str, key: object) -> None:
        with self._lock:
            self._buckets.pop((kind, key), None)


def init_app(app: Flask) -> None:
    rates = {**DEFAULT_RATES, **(app.config.get("RATE_LIMITS") or {})}
    app.extensions["paperless.limiter"] = Limiter(rates)


def limiter() -> Limiter:
    return current_app.extensions["paperless.limiter"]


# How long a credential whose socket was dropped for flooding cannot connect again: each
# reconnection costs a connect and a join, so a script that reconnects and floods again
# would otherwise cost the hall that much every second. Connecting itself is not
# rate-limited: the guest and hall-screen tokens are shared by many screens, and every
# page a person opens connects once.
FLOOD_COOL_DOWN = 30.0

MESSAGE = "Thao tác quá nhanh. Vui lòng chờ một chút rồi thử lại."


def require(kind: str, key: object, cost: float = 1.0) -> None:
    """Raise RateLimited (429 `rate_limited`) if this bucket is empty; else take from it."""
    from paperless.services.errors import RateLimited

    wait = limiter().check(kind, key, cost)
    if wait is not None:
        raise RateLimited(MESSAGE, details={"retry_after": round(min(wait, 3600), 1)})
