"""Client process of bench_votes.py: tablets that cast, and everyone timing the vote events.

`python bench/_votes_clients.py SPEC.json` — the spec (written by bench_votes.py) gives the
server URL and one entry per client: its token (none for the bare server) and, for a
tablet, its global tablet number g (0…N-1); observers have none. The process:

1. connects its clients over WebSocket in batches, each joins the meeting, and each tablet
   checks in (`attendance:check_in`; the bare server has no such step); then prints
   `{"type": "ready", ...}` — unless the spec has `check_in_later`: then the tablets check
   in on the `check_in` command below, all within one window;
2. reads commands, one JSON line each, on stdin:
   - `{"cmd": "cast", "vote_id", "t0", "window", "total", "retry", "round", "timeout"}`:
     tablet g sends its ballot at t0 + window·g/total (uniform over the window) with a
     fresh idempotency key, noting time.time() at the send and at the acknowledgement; with
     `retry` it sends the same payload (same key) a second time right behind the first,
     without waiting — the storm after a Wi-Fi blip, and the race of a retry against its
     original. When every tablet of the process has its answers, prints
     `{"type": "cast_done", ...}` with every (g, sent, acked, ok, code) and whether the
     retried answers were identical to the originals;
   - `{"cmd": "check_in", "t0", "window", "total", "target", "timeout"}`: tablet g checks in
     at t0 + window·g/total; every client notes when it first shows `target` present (from
     `live.roll` / `live.attendance`, and a tablet from its own acknowledgement, as the
     tablet page draws it); prints `{"type": "check_in_done", "acks", "final", "rolls"}`
     once every live client shows it, or at the timeout;
   - `{"cmd": "done"}`: writes what it recorded to the spec's `results_path`, exits.
3. all the while records, for `vote.opened`, `vote.closed` and `vote.announced`, the
   receive time on every client keyed by (name, vote id), and prints
   `{"type": "got", "name", "vote_id"}` once all its live clients have one; counts the
   coalesced `vote.progress` events per vote.

All processes share the host's clock, so the bench subtracts its own send times.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import secrets
import sys
import time
from collections import defaultdict

import socketio
from _join import join

TIMED = ("vote.opened", "vote.closed", "vote.announced")
CHOICES = ["yes"] * 7 + ["no", "no", "abstain"]  # 70 % for: the motion passes


def raise_fd_limit() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def say(message: dict) -> None:
    print(json.dumps(message), flush=True)


def vote_id_of(name: str, payload: dict) -> int | None:
    if name == "vote.progress":
        return payload.get("vote_id")
    vote = payload.get("vote")
    return vote.get("id") if isinstance(vote, dict) else None


class Recorder:
    def __init__(self):
        self.times: dict[str, list[float]] = defaultdict(list)  # "name:vote_id" → receive times
        self.sizes: dict[str, int] = {}
        self.voted: dict[str, int | None] = {}  # the announced result's "voted", as received
        self.progress: dict[int, int] = defaultdict(int)  # vote id → progress events (all clients)
        self.progress_max: dict[int, int] = defaultdict(int)  # highest "received" seen
        self.joined = 0
        self.lost = 0
        self.ready = False
        self.announced: set[str] = set()
        self.attendance_target: int | None = None
        self.final_at: dict[int, float] = {}  # client index → first time it showed the target
        self.rolls = 0  # attendance messages received, all clients

    def saw_attendance(self, index: int, attendance, at: float) -> None:
        if self.attendance_target is None or index in self.final_at:
            return
        if isinstance(attendance, dict) and (attendance.get("present") or 0) >= \
                self.attendance_target:
            self.final_at[index] = at

    def on_event(self, data, index: int = -1) -> None:
        received = time.time()  # first: everything after this is not latency
        if not isinstance(data, dict):
            return
        name, payload = data.get("name"), data.get("payload") or {}
        if name in ("live.roll", "live.attendance"):
            self.rolls += 1
            self.saw_attendance(index, payload.get("attendance"), received)
            return
        if name == "vote.progress":
            vote_id = payload.get("vote_id")
            self.progress[vote_id] += 1
            self.progress_max[vote_id] = max(self.progress_max[vote_id],
                                             payload.get("received") or 0)
            return
        if name not in TIMED:
            return
        key = f"{name}:{vote_id_of(name, payload)}"
        self.times[key].append(received)
        if key not in self.sizes:
            self.sizes[key] = len(json.dumps(data, separators=(",", ":"),
                                             ensure_ascii=False).encode())
            result = (payload.get("vote") or {}).get("result")
            self.voted[key] = result.get("voted") if isinstance(result, dict) else None
        alive = self.joined - self.lost
        if self.ready and key not in self.announced and len(self.times[key]) >= alive:
            self.announced.add(key)
            say({"type": "got", "name": name, "vote_id": vote_id_of(name, payload),
                 "voted": self.voted[key]})

    def on_disconnect(self) -> None:
        self.lost += 1
        if self.ready:
            say({"type": "lost", "n": 1})


def make_client(recorder: Recorder, index: int) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    client.bench_index = index  # what the recorder files its events under

    @client.on("event")
    async def on_event(data):
        recorder.on_event(data, index)

    @client.on("disconnect")
    async def on_disconnect(*_args):
        recorder.on_disconnect()

    return client


async def connect_and_join(client, spec: dict, entry: dict) -> None:
    token = entry.get("token")
    await client.connect(spec["url"], auth={"token": token} if token else None,
                         transports=["websocket"], wait_timeout=spec["connect_timeout"])
    answer = await join(client, spec["join_event"], spec["join_payload"],
                        spec["connect_timeout"])
    if not (isinstance(answer, dict) and answer.get("ok")):
        raise RuntimeError(f"join refused: {str(answer)[:200]}")
    if entry.get("tablet") is not None and spec.get("check_in_event") and \
            not spec.get("check_in_later"):
        answer = await client.call(spec["check_in_event"], spec["join_payload"],
                                   timeout=spec["connect_timeout"])
        if not (isinstance(answer, dict) and answer.get("ok")):
            raise RuntimeError(f"check-in refused: {str(answer)[:200]}")


async def connect_all(spec: dict, recorder: Recorder) -> tuple[list, list[str]]:
    """(client, tablet number or None) for those that joined; errors of the others."""
    entries = spec["clients"]
    clients, errors = [], []
    deadline = time.monotonic() + spec["connect_phase_timeout"]
    for start in range(0, len(entries), spec["batch"]):
        if time.monotonic() > deadline:
            errors.append(f"connect phase timed out; {len(entries) - start} clients not tried")
            break
        batch = [(make_client(recorder, start + n), e)
                 for n, e in enumerate(entries[start:start + spec["batch"]])]
        outcomes = await asyncio.gather(
            *(asyncio.wait_for(connect_and_join(c, spec, e), spec["connect_timeout"] + 5)
              for c, e in batch), return_exceptions=True)
        for (client, entry), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                errors.append(f"{type(outcome).__name__}: {outcome}"[:200])
            else:
                clients.append((client, entry.get("tablet")))
    return clients, errors


async def cast_one(client, number: int, cmd: dict, event: str) -> dict:
    at = cmd["t0"] + cmd["window"] * number / cmd["total"]
    await asyncio.sleep(max(0.0, at - time.time()))
    payload = {"vote_id": cmd["vote_id"], "choice": CHOICES[number % len(CHOICES)],
               "idempotency_key": f"r{cmd['round']}-g{number}-{secrets.token_hex(6)}"}
    record = {"g": number, "due": at}

    async def one():
        sent = time.time()
        try:
            answer = await client.call(event, payload, timeout=cmd["timeout"])
        except Exception as exc:  # timeout, disconnected
            return sent, time.time(), False, type(exc).__name__, None
        acked = time.time()
        if not isinstance(answer, dict):
            return sent, acked, False, "bad_answer", None
        if answer.get("ok") is not True:
            return sent, acked, False, str((answer.get("error") or {}).get("code"))[:40], None
        return sent, acked, True, None, answer.get("result")

    if cmd["retry"]:
        first, second = await asyncio.gather(one(), one())
        record["retry"] = second[:4]
        record["identical"] = first[4] is not None and first[4] == second[4]
    else:
        first = await one()
    record["first"] = first[:4]
    return record


async def run_cast(tablets: list, cmd: dict, event: str) -> None:
    started = time.time()
    records = await asyncio.gather(*(cast_one(c, g, cmd, event) for c, g in tablets))
    say({"type": "cast_done", "round": cmd["round"], "vote_id": cmd["vote_id"],
         "records": records, "seconds": time.time() - started})


async def check_in_one(client, number: int, cmd: dict, event: str, payload: dict,
                       recorder: Recorder, index: int) -> tuple:
    at = cmd["t0"] + cmd["window"] * number / cmd["total"]
    await asyncio.sleep(max(0.0, at - time.time()))
    sent = time.time()
    try:
        answer = await client.call(event, payload, timeout=cmd["timeout"])
    except Exception as exc:  # timeout, disconnected
        return number, sent, time.time(), False, type(exc).__name__
    acked = time.time()
    if not (isinstance(answer, dict) and answer.get("ok") is True):
        code = ((answer or {}).get("error") or {}).get("code") if isinstance(answer, dict) \
            else "bad_answer"
        return number, sent, acked, False, str(code)[:40]
    recorder.saw_attendance(index, (answer.get("result") or {}).get("attendance"), acked)
    return number, sent, acked, True, None


async def run_check_in(clients: list, cmd: dict, spec: dict, recorder: Recorder) -> None:
    recorder.attendance_target = cmd["target"]
    acks = await asyncio.gather(*(
        check_in_one(c, g, cmd, spec["check_in_event"], spec["join_payload"], recorder,
                     c.bench_index)
        for c, g in clients if g is not None))
    deadline = time.time() + cmd["timeout"]
    while len(recorder.final_at) < recorder.joined - recorder.lost and time.time() < deadline:
        await asyncio.sleep(0.05)
    say({"type": "check_in_done", "acks": acks,
         "final": [recorder.final_at.get(c.bench_index) for c, _g in clients],
         "rolls": recorder.rolls})


async def commands(spec: dict, recorder: Recorder, clients: list) -> None:
    loop = asyncio.get_running_loop()
    tablets = [(c, g) for c, g in clients if g is not None]
    tasks = set()
    deadline = time.monotonic() + spec["lifetime"]
    while True:
        try:
            line = await asyncio.wait_for(loop.run_in_executor(None, sys.stdin.readline),
                                          max(1.0, deadline - time.monotonic()))
        except TimeoutError:
            return
        if not line:
            return
        cmd = json.loads(line)
        if cmd["cmd"] == "done":
            return
        if cmd["cmd"] == "check_in":
            task = asyncio.create_task(run_check_in(clients, cmd, spec, recorder))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if cmd["cmd"] == "cast":
            task = asyncio.create_task(run_cast(tablets, cmd, spec["cast_event"]))
            tasks.add(task)
            task.add_done_callback(tasks.discard)


async def main(spec: dict) -> None:
    recorder = Recorder()
    started = time.monotonic()
    clients, errors = await connect_all(spec, recorder)
    recorder.joined = len(clients)
    recorder.ready = True
    say({"type": "ready", "joined": len(clients),
         "tablets": sum(g is not None for _c, g in clients), "failed": len(errors),
         "errors": errors[:5], "lost": recorder.lost,
         "connect_seconds": round(time.monotonic() - started, 2)})
    with contextlib.suppress(Exception):
        await commands(spec, recorder, clients)
    with open(spec["results_path"], "w") as out:
        json.dump({"joined": len(clients), "lost": recorder.lost, "sizes": recorder.sizes,
                   "times": recorder.times, "voted": recorder.voted,
                   "progress": recorder.progress, "progress_max": recorder.progress_max}, out)
    say({"type": "results"})
    os._exit(0)  # no disconnect storm: the server is stopped anyway


if __name__ == "__main__":
    raise_fd_limit()
    with open(sys.argv[1]) as spec_file:
        asyncio.run(main(json.load(spec_file)))
