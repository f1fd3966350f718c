"""Joining a meeting as the app's own client does (static/js/live.js): a join refused
`rate_limited` (many tablets on one shared account, guests or hall screens, reconnecting at
once) is sent again after the `retry_after` the server named, with jitter, until the
connect timeout."""

from __future__ import annotations

import asyncio
import random
import time


async def join(client, event: str, payload: dict, timeout: float):
    deadline = time.monotonic() + timeout
    while True:
        answer = await client.call(event, payload, timeout=max(deadline - time.monotonic(), 1))
        error = answer.get("error") if isinstance(answer, dict) else None
        if not (isinstance(error, dict) and error.get("code") == "rate_limited"):
            return answer
        wait = float((error.get("details") or {}).get("retry_after") or 1)
        if time.monotonic() + wait >= deadline:
            return answer
        await asyncio.sleep(wait * (1 + random.random()))
