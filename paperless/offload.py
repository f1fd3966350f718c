"""Short CPU-bound calls that release the GIL, kept off the gevent loop.

A password check is ~100 ms of scrypt. On the one gevent loop that serves the hall, 30
delegates logging in at the opening of a sitting froze every socket for seconds. scrypt
(OpenSSL) releases the GIL, so a small pool of real OS threads runs it while the loop
keeps serving; the calling greenlet waits cooperatively. Without gevent (threading mode,
tests, CLI) the caller is already a thread and the call runs in place.

This is for short calls with bounded input only; parsing hostile files goes to the
process pool in ``paperless.workers``, which has memory and time limits.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
# Each scrypt call holds 32 MB; the pool bounds how many run at once.
POOL_SIZE = max(2, os.cpu_count() or 1)
_pool = None
_lock = threading.Lock()


def _gevent_loop_active() -> bool:
    try:
        from gevent import monkey
    except ImportError:  # gevent is a production dependency; be tolerant anyway
        return False
    return monkey.is_module_patched("threading")


def _thread_pool():
    global _pool
    with _lock:
        if _pool is None:
            from gevent.threadpool import ThreadPool

            _pool = ThreadPool(POOL_SIZE)
        return _pool


def call(function: Callable[..., T], *args, **kwargs) -> T:
    """``function(*args, **kwargs)``, on an OS thread when the gevent loop would block."""
    if not _gevent_loop_active():
        return function(*args, **kwargs)
    return _thread_pool().apply(function, args, kwargs)
