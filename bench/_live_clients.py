"""Client process of bench_live.py: a few hundred asyncio Socket.IO clients in one meeting.

`python bench/_live_clients.py SPEC.json` — the spec (written by bench_live.py) gives the
server URL, one auth token per client (or none for the bare server), the join event and
its payload. The process:

1. connects its clients over WebSocket in batches (a few dozen handshakes at a time, so the
   server's accept backlog and the join handlers are not flooded) and has each one join;
2. prints `{"type": "ready", ...}` on stdout, then records, for every `live.item` event a
   client receives, `time.time()` keyed by the event's seq — all processes share the host's
   clock, so the bench can subtract the chair's send time;
3. prints `{"type": "got", "seq": n}` once all its live clients have seq n (the bench waits
   for every process before the next move);
4. on `done` on stdin — or by itself after `lifetime` seconds — writes what it recorded to
   the spec's `results_path` and exits at once, without a polite disconnect of every
   client (the server is stopped anyway, and the app would do one DB write per goodbye).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import sys
import time
from collections import defaultdict

import socketio
from _join import join


def raise_fd_limit() -> None:
    """Each client holds one socket; the default soft limit (often 1024) is too low."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def say(message: dict) -> None:
    print(json.dumps(message), flush=True)


class Recorder:
    """Receive times per seq, and when every live client of this process has a seq."""

    def __init__(self):
        self.times: dict[int, list[float]] = defaultdict(list)
        self.joined = 0
        self.lost = 0  # joined, then disconnected (e.g. heartbeats starved by a busy server)
        self.ready = False
        self.announced: set[int] = set()
        self.sizes: dict[int, int] = {}  # seq → bytes of the event as JSON, measured once

    def on_item(self, data: dict) -> None:
        received = time.time()  # first thing: everything after this is not latency
        seq = data["payload"]["seq"]
        self.times[seq].append(received)
        if seq not in self.sizes:
            self.sizes[seq] = len(json.dumps(data, separators=(",", ":")).encode())
        alive = self.joined - self.lost
        if self.ready and seq not in self.announced and len(self.times[seq]) >= alive:
            self.announced.add(seq)
            say({"type": "got", "seq": seq})

    def on_disconnect(self) -> None:
        self.lost += 1
        if self.ready:
            say({"type": "lost", "n": 1})


def make_client(recorder: Recorder) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)  # a reconnect would blur the figures

    @client.on("event")
    async def on_event(data):
        if isinstance(data, dict) and data.get("name") == "live.item":
            recorder.on_item(data)

    @client.on("disconnect")
    async def on_disconnect(*_args):
        recorder.on_disconnect()

    return client


async def connect_and_join(client: socketio.AsyncClient, spec: dict, token: str | None) -> None:
    await client.connect(spec["url"], auth={"token": token} if token else None,
                         transports=["websocket"], wait_timeout=spec["connect_timeout"])
    answer = await join(client, spec["join_event"], spec["join_payload"],
                        spec["connect_timeout"])
    if not (isinstance(answer, dict) and answer.get("ok")):
        raise RuntimeError(f"join refused: {str(answer)[:200]}")


async def connect_all(spec: dict, recorder: Recorder) -> tuple[list, list[str]]:
    """Connect in batches; returns the clients and the errors of those that failed."""
    tokens = spec["tokens"]
    clients, errors = [], []
    deadline = time.monotonic() + spec["connect_phase_timeout"]
    for start in range(0, len(tokens), spec["batch"]):
        if time.monotonic() > deadline:
            errors.append(f"connect phase timed out; {len(tokens) - start} clients not tried")
            break
        batch = [(make_client(recorder), token) for token in tokens[start:start + spec["batch"]]]
        outcomes = await asyncio.gather(
            *(asyncio.wait_for(connect_and_join(c, spec, t), spec["connect_timeout"] + 5)
              for c, t in batch), return_exceptions=True)
        for (client, _token), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                errors.append(f"{type(outcome).__name__}: {outcome}"[:200])
            else:
                clients.append(client)
    return clients, errors


async def wait_for_done(lifetime: float) -> None:
    loop = asyncio.get_running_loop()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(loop.run_in_executor(None, sys.stdin.readline), lifetime)


async def main(spec: dict) -> None:
    recorder = Recorder()
    started = time.monotonic()
    clients, errors = await connect_all(spec, recorder)
    recorder.joined = len(clients)
    recorder.ready = True
    say({"type": "ready", "joined": len(clients), "failed": len(errors), "errors": errors[:5],
         "lost": recorder.lost, "connect_seconds": round(time.monotonic() - started, 2)})
    await wait_for_done(spec["lifetime"] - (time.monotonic() - started))
    with open(spec["results_path"], "w") as out:
        json.dump({"joined": len(clients), "lost": recorder.lost,
                   "sizes": recorder.sizes,
                   "times": {str(seq): ts for seq, ts in recorder.times.items()}}, out)
    say({"type": "results"})
    os._exit(0)  # see the module docstring: no disconnect storm


if __name__ == "__main__":
    raise_fd_limit()
    with open(sys.argv[1]) as spec_file:
        asyncio.run(main(json.load(spec_file)))
