"""Run pyHanko's blocking API even when the caller's thread already runs an event loop.

pyHanko's synchronous functions call ``asyncio.run``, which refuses to start
inside a running loop (an async web server, Playwright's sync API in tests). In
that case we do the work in a fresh native thread and wait for it.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def _native_thread_class() -> type[threading.Thread]:
    # Under gevent's monkey-patching threading.Thread is a greenlet sharing our
    # OS thread (and so our running loop); ask gevent for the real one.
    try:
        from gevent import monkey
    except ImportError:
        return threading.Thread
    if monkey.is_module_patched("threading"):
        return monkey.get_original("threading", "Thread")
    return threading.Thread


def outside_event_loop(fn: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return fn(*args, **kwargs)
        box: dict[str, object] = {}

        def target() -> None:
            try:
                box["result"] = fn(*args, **kwargs)
            except BaseException as exc:  # re-raised in the caller's thread
                box["error"] = exc

        worker = _native_thread_class()(target=target, name=f"signing-{fn.__name__}")
        worker.start()
        worker.join()
        if "error" in box:
            raise box["error"]  # type: ignore[misc]
        return box["result"]  # type: ignore[return-value]

    return wrapper
