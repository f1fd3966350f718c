"""Benchmark: 500 delegates cast within one second; closing and announcing to every tablet.

The acceptance item of the votes issue: *500 delegates cast within one second;
acknowledgement latency p50/p99; time from close to the result on every tablet and the
screen (p99); ratio against the bare-broadcast baseline of the live-session bench.*
On loopback, in a fresh temporary instance, bounded in count and time, stopping by itself:

1. Setup as bench_live.py: `flask db upgrade`, `flask demo`, then bench/_live_setup.py grows
   the demo to 500 delegates, each with their own account, and issues API tokens.
2. The app (`python -m paperless.serve`, gevent). The chair (`chutoa`) joins meeting 1 and
   opens the session. 500 tablets (one delegate account each) and 200 observers (guest and
   hall-screen tokens, half each) connect over WebSocket from several client processes
   (bench/_votes_clients.py) and join. Then the opening: every tablet checks in
   (`attendance:check_in`) within one window (`--window`), and each client notes when it
   first shows the final attendance (the coalesced `live.roll`; a tablet also its own ack).
3. Rounds (1 warm-up, then 5 plain and 2 "retry storm" rounds by default), each:
   - the chair creates a vote (`POST /api/v1/agenda-items/{id}/votes`, kind "open", or
     "secret" with `--kind secret`) and opens it (`vote:open`); the bench waits until every
     client has `vote.opened`;
   - cast: tablet g sends `vote:cast` {vote_id, choice, idempotency_key (unique)} at
     t0 + g/500 s — 500 sends spread uniformly over one second — and notes send → ack.
     In a retry-storm round every tablet sends the same payload twice, back to back;
   - the bench reads the server's CPU over the cast phase, then `vote:state` (the count);
   - the chair closes (`vote:close`): time from the send to `vote.closed` on every client;
     then announces (`vote.announced`, with the result): the same.
   After the run the database is read directly. Open votes: exactly one ballot and one
   receipt per tablet per vote. Secret votes (the sealed store, services/ballot_box.py):
   exactly one `secret_participation` row per tablet per vote, no `cast_receipt` and no
   `open_ballot` row, no `secret_ballot` / `secret_ballot_key` row left after the close. For
   both, the stored result (`vote.result`, the tally written at close) counts every tablet
   once and per choice what the acknowledged tablets sent. A probe (bench/_votes_probe.py)
   then times one cast of the same kind in-process: SQL statements, SQL time, the SQLite
   commit.
4. The baseline: bench/_votes_bare_server.py, bare python-socketio in the same async mode:
   `cast` acknowledged at once (echo, nothing stored), and `broadcast` of the app's own
   `vote.closed` / `vote.announced` payloads to the same 700 clients. Ratio = app / bare.
   The vote kind does not apply to its casts (nothing is stored); only the payloads it
   replays are the secret vote's when `--kind secret`.

Prints a table and writes bench/results/votes.json (`--kind secret`: votes_secret.json).
Run: `.venv/bin/python bench/bench_votes.py [--kind secret]` (`--help` for smaller runs).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import copy
import json
import os
import platform
import queue
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import socketio
from _votes_clients import CHOICES

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
KINDS = ("open", "secret")
LIVE_RESULTS = BENCH / "results" / "live.json"
PYTHON = sys.executable
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MS = 1000


def results_path(kind: str) -> Path:
    """Each kind its own file, so run_all.py shows both side by side."""
    return BENCH / "results" / ("votes.json" if kind == "open" else f"votes_{kind}.json")


# --- processes we start, and stopping them whatever happens ------------------------------

_children: list[subprocess.Popen] = []
_temp_dirs: list[Path] = []


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _cleanup() -> None:
    for proc in reversed(_children):
        with contextlib.suppress(Exception):
            _stop(proc)
    for folder in _temp_dirs:
        shutil.rmtree(folder, ignore_errors=True)


atexit.register(_cleanup)


def start(args: list[str], **kwargs) -> subprocess.Popen:
    proc = subprocess.Popen(args, **kwargs)
    _children.append(proc)
    return proc


def start_watchdog(seconds: float) -> None:
    """The whole run's hard bound: past it, stop every child and exit, whatever is stuck."""
    def expire():
        print(f"\nbench_votes: over {seconds:.0f} s, stopping everything", file=sys.stderr,
              flush=True)
        _cleanup()
        os._exit(2)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(proc: subprocess.Popen, port: int, log: Path, timeout: float = 120) -> None:
    # generous: on a loaded 2-core machine the gevent server takes over 30 s to import
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.2)
    raise RuntimeError("server did not start listening")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], p: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: list[float]) -> float | None:
    return percentile(values, 50)


# --- setup of the app's instance ----------------------------------------------------------

def prepare_instance(folder: Path, delegates: int) -> dict:
    env = {**os.environ, "PAPERLESS_INSTANCE_PATH": str(folder)}
    env.pop("PAPERLESS_DATABASE_URL", None)
    flask = [PYTHON, "-m", "flask", "--app", "paperless"]
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run(flask + command, env=env, cwd=ROOT, check=True, timeout=120,
                       stdout=subprocess.DEVNULL)
    out = subprocess.run([PYTHON, str(BENCH / "_live_setup.py"), "--delegates", str(delegates),
                          "--items", "10"], env=env, cwd=ROOT, check=True, timeout=300,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


# --- the two servers under test -----------------------------------------------------------

def strip_result(ack: dict) -> dict:
    return {k: v for k, v in ack.items() if k != "result"}


@dataclass
class Target:
    """What differs between the app and the bare server."""

    name: str
    command: list[str]
    env: dict
    join_event: str
    join_payload: dict
    check_in_event: str | None
    cast_event: str
    tablet_tokens: list[str | None]
    observer_tokens: list[str | None]
    chair_token: str | None = None
    meeting_id: int | None = None
    url: str = ""
    # The app's event payloads, replayed by the bare server (same bytes on the wire).
    payloads: dict = field(default_factory=dict)
    kind: str = "open"  # of the votes the app creates; the bare server stores nothing
    _bare_ids: int = 1000

    @property
    def is_app(self) -> bool:
        return self.meeting_id is not None

    def call(self, chair: socketio.Client, event: str, data: dict, timeout: float = 30) -> dict:
        answer = chair.call(event, data, timeout=timeout)
        if not (isinstance(answer, dict) and answer.get("ok")):
            raise RuntimeError(f"{event} refused: {str(answer)[:300]}")
        return answer["result"]

    def chair_join_and_open(self, chair: socketio.Client) -> dict:
        answer = chair.call(self.join_event, self.join_payload, timeout=30)
        assert answer.get("ok"), answer
        if not self.is_app:
            return {}
        phase = answer["snapshot"]["phase"]
        if phase in ("not_started", "closed"):
            self.call(chair, "live:phase", {"meeting_id": self.meeting_id, "action": "open"})
        elif phase == "paused":
            self.call(chair, "live:phase", {"meeting_id": self.meeting_id, "action": "resume"})
        return answer["snapshot"]

    def create_vote(self, item_id: int | None, number: int) -> int:
        if not self.is_app:
            self._bare_ids += 1
            return self._bare_ids
        body = json.dumps({"kind": self.kind, "title": f"Biểu quyết số {number}: thông qua Nghị "
                                                    f"quyết về kế hoạch đầu tư công"}).encode()
        request = urllib.request.Request(
            f"{self.url}/api/v1/agenda-items/{item_id}/votes", data=body, method="POST",
            headers={"Authorization": f"Bearer {self.chair_token}",
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())["id"]

    def open(self, chair, vote_id: int) -> None:
        if self.is_app:
            self.call(chair, "vote:open", {"vote_id": vote_id})

    def received(self, chair, vote_id: int) -> int | None:
        if not self.is_app:
            return None
        return self.call(chair, "vote:state", {"vote_id": vote_id})["progress"]["received"]

    def _bare_broadcast(self, chair, name: str, vote_id: int) -> dict:
        payload = copy.deepcopy(self.payloads[name])
        payload["vote"]["id"] = vote_id
        if "progress" in payload:
            payload["progress"]["vote_id"] = vote_id
        return self.call(chair, "broadcast", {"name": name, "payload": payload})

    def close(self, chair, vote_id: int) -> dict:
        if not self.is_app:
            return self._bare_broadcast(chair, "vote.closed", vote_id)
        ack = self.call(chair, "vote:close", {"vote_id": vote_id})
        self.payloads["vote.closed"] = strip_result(ack)
        return ack

    def announce(self, chair, vote_id: int) -> dict:
        if not self.is_app:
            return self._bare_broadcast(chair, "vote.announced", vote_id)
        ack = self.call(chair, "vote:announce", {"vote_id": vote_id})
        self.payloads["vote.announced"] = ack
        return ack


def app_target(instance: Path, setup: dict, tablets: int, observers: int,
               kind: str) -> Target:
    env = {**os.environ, "PAPERLESS_INSTANCE_PATH": str(instance), "HOST": "127.0.0.1",
           "PAPERLESS_ASYNC_MODE": "gevent"}
    env.pop("PAPERLESS_DATABASE_URL", None)
    return Target("app", [PYTHON, "-m", "paperless.serve"], env, "meeting:join",
                  {"meeting_id": setup["meeting_id"]}, "attendance:check_in", "vote:cast",
                  setup["tablets"][:tablets], [setup["observers"][i % 2] for i in range(observers)],
                  setup["chair"], setup["meeting_id"], kind=kind)


def bare_target(tablets: int, observers: int, payloads: dict, kind: str) -> Target:
    return Target("bare", [PYTHON, str(BENCH / "_votes_bare_server.py")], dict(os.environ),
                  "join", {}, None, "cast", [None] * tablets, [None] * observers,
                  payloads=payloads, kind=kind)


def synthetic_payloads(tablets: int, kind: str) -> dict:
    """Used only with --only bare: payloads of the app's shape and roughly its size (a secret
    vote's result names nobody)."""
    vote = {"id": 0, "agenda_item_id": 1, "round": 1, "kind": kind,
            "kind_label": "Bỏ phiếu kín" if kind == "secret" else "Công khai",
            "title": "Biểu quyết số 1: thông qua Nghị quyết về kế hoạch đầu tư công",
            "options": [["yes", "Tán thành"], ["no", "Không tán thành"],
                        ["abstain", "Không biểu quyết"]], "status": "closed"}
    progress = {"vote_id": 0, "received": tablets, "present": tablets, "total": tablets}
    names = {} if kind == "secret" else {"yes": [f"Đại biểu số {n}" for n in range(tablets)]}
    return {"vote.closed": {"vote": vote, "progress": progress, "seq": 1, "server_time": ""},
            "vote.announced": {"vote": {**vote, "status": "announced",
                                        "result": {"voted": tablets, "names": names}},
                               "seq": 2, "server_time": ""}}


# --- client processes -------------------------------------------------------------------

@dataclass
class Workers:
    procs: list[subprocess.Popen] = field(default_factory=list)
    results: list[Path] = field(default_factory=list)
    lines: queue.Queue = field(default_factory=queue.Queue)
    got: dict[tuple[str, int], set[int]] = field(default_factory=dict)
    voted_seen: dict[tuple[str, int], list] = field(default_factory=dict)
    casts: dict[int, list[dict]] = field(default_factory=dict)
    check_ins: list[dict] = field(default_factory=list)
    lost: int = 0  # clients dropped after the connect phase
    live_at_ready: int = 0  # joined and still connected when the connect phase ended

    @property
    def alive(self) -> int:
        return self.live_at_ready - self.lost

    def start(self, target: Target, url: str, scratch: Path, args) -> None:
        entries = [{"token": t, "tablet": g} for g, t in enumerate(target.tablet_tokens)] + \
                  [{"token": t} for t in target.observer_tokens]
        for index in range(args.processes):
            spec = {"url": url, "clients": entries[index::args.processes],
                    "join_event": target.join_event, "join_payload": target.join_payload,
                    "check_in_event": target.check_in_event, "cast_event": target.cast_event,
                    "check_in_later": bool(target.check_in_event),
                    "batch": args.batch, "connect_timeout": 30,
                    "connect_phase_timeout": args.connect_timeout,
                    "lifetime": args.max_seconds,
                    "results_path": str(scratch / f"{target.name}-clients-{index}.json")}
            spec_path = scratch / f"{target.name}-spec-{index}.json"
            spec_path.write_text(json.dumps(spec))
            proc = start([PYTHON, str(BENCH / "_votes_clients.py"), str(spec_path)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
            self.procs.append(proc)
            self.results.append(Path(spec["results_path"]))
            threading.Thread(target=self._read, args=(index, proc), daemon=True).start()

    def _read(self, index: int, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            with contextlib.suppress(json.JSONDecodeError):
                self.lines.put((index, json.loads(line)))
        self.lines.put((index, {"type": "exited"}))

    def _next(self, deadline: float) -> tuple[int, dict] | None:
        try:
            index, message = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return None
        kind = message["type"]
        if kind == "got":
            key = (message["name"], message["vote_id"])
            self.got.setdefault(key, set()).add(index)
            self.voted_seen.setdefault(key, []).append(message.get("voted"))
        elif kind == "lost":
            self.lost += message["n"]
        elif kind == "cast_done":
            self.casts.setdefault(message["round"], []).append(message)
        elif kind == "check_in_done":
            self.check_ins.append(message)
        return index, message

    def send(self, command: dict) -> None:
        line = json.dumps(command) + "\n"
        for proc in self.procs:
            proc.stdin.write(line)
            proc.stdin.flush()

    def wait_ready(self, timeout: float) -> list[dict]:
        ready: dict[int, dict] = {}
        deadline = time.monotonic() + timeout
        while len(ready) < len(self.procs):
            item = self._next(deadline)
            if item is None:
                raise RuntimeError(f"connect phase: {len(ready)} of {len(self.procs)} client "
                                   f"processes ready after {timeout:.0f} s")
            index, message = item
            if message["type"] == "exited":
                raise RuntimeError(f"client process {index} exited during the connect phase")
            if message["type"] == "ready":
                ready[index] = message
        self.live_at_ready = sum(r["joined"] - r["lost"] for r in ready.values())
        return [ready[i] for i in range(len(self.procs))]

    def wait_got(self, name: str, vote_id: int, deadline: float) -> bool:
        while len(self.got.get((name, vote_id), ())) < len(self.procs):
            if self._next(deadline) is None:
                return False
        return True

    def wait_casts(self, number: int, deadline: float) -> list[dict]:
        while len(self.casts.get(number, ())) < len(self.procs):
            if self._next(deadline) is None:
                break
        return self.casts.get(number, [])

    def wait_check_ins(self, deadline: float) -> list[dict]:
        while len(self.check_ins) < len(self.procs):
            if self._next(deadline) is None:
                break
        return self.check_ins

    def finish(self, timeout: float = 30) -> list[dict]:
        with contextlib.suppress(OSError, ValueError):
            self.send({"cmd": "done"})
        for proc in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout)
        return [json.loads(path.read_text()) for path in self.results if path.exists()]


# --- the opening: every tablet checks in within one window -----------------------------

def run_check_ins(workers: Workers, server_pid: int, tablets: int, clients: int,
                  args) -> dict:
    """500 check-ins within the window; when each client (tablet, screen, guest) shows the
    final attendance — from the coalesced roll, or a tablet's own acknowledgement."""
    t0 = time.time() + 0.5
    cpu_started = cpu_seconds(server_pid)
    workers.send({"cmd": "check_in", "t0": t0, "window": args.window, "total": tablets,
                  "target": tablets, "timeout": args.event_timeout})
    done = workers.wait_check_ins(time.monotonic() + args.cast_timeout + args.event_timeout + 5)
    cpu = cpu_seconds(server_pid) - cpu_started
    acks = [a for m in done for a in m["acks"]]
    ok = [a for a in acks if a[3]]
    final = [f for m in done for f in m["final"]]
    shown = [f - t0 for f in final if f is not None]
    last_ack = max((a[2] for a in ok), default=None)
    return {
        "tablets": tablets, "clients": clients, "acked_ok": len(ok),
        "errors": sorted({a[4] for a in acks if not a[3]}),
        "ack_p99_ms": (percentile([a[2] - a[1] for a in ok], 99) or 0) * MS,
        "last_ack_s": last_ack - t0 if last_ack else None,
        "clients_showing_final": len(shown), "clients_missing_final": len(final) - len(shown),
        "final_shown_p99_s": percentile(shown, 99),
        "final_shown_last_s": max(shown, default=None),
        "final_after_last_ack_s": max(shown) - (last_ack - t0) if shown and last_ack else None,
        "roll_messages_per_client": sum(m["rolls"] for m in done) / max(clients, 1),
        "server_cpu_ms_per_check_in": cpu / max(len(ok), 1) * MS,
    }


# --- one round: open, 500 casts in a second, close, announce ---------------------------

def run_round(target: Target, chair, workers: Workers, server_pid: int, number: int,
              retry: bool, item_id: int | None, args) -> dict:
    tablets = len(target.tablet_tokens)
    alive_at_start = workers.alive
    vote_id = target.create_vote(item_id, number)
    opened_sent = time.time()
    target.open(chair, vote_id)
    opened_complete = workers.wait_got("vote.opened", vote_id,
                                       time.monotonic() + args.event_timeout) \
        if target.is_app else None
    time.sleep(0.5)

    t0 = time.time() + 0.5
    workers.send({"cmd": "cast", "vote_id": vote_id, "t0": t0, "window": args.window,
                  "total": tablets, "retry": retry, "round": number,
                  "timeout": args.cast_timeout})
    time.sleep(max(0.0, t0 - time.time()))
    cpu_before = cpu_seconds(server_pid)
    done = workers.wait_casts(number, time.monotonic() + args.window + args.cast_timeout + 5)
    cast_end = time.time()
    cpu_cast = cpu_seconds(server_pid) - cpu_before
    records = [r for message in done for r in message["records"]]
    time.sleep(0.6)  # the last coalesced vote.progress (every 250 ms) goes out

    received = target.received(chair, vote_id)
    close_sent = time.time()
    close_ack = target.close(chair, vote_id)
    close_acked = time.time()
    closed_complete = workers.wait_got("vote.closed", vote_id,
                                       time.monotonic() + args.event_timeout)
    time.sleep(0.3)
    announce_sent = time.time()
    target.announce(chair, vote_id)
    announce_acked = time.time()
    announced_complete = workers.wait_got("vote.announced", vote_id,
                                          time.monotonic() + args.event_timeout)
    alive_at_end = workers.alive
    time.sleep(args.spacing_ms / 1000)

    firsts = [r["first"] for r in records]
    seconds = [r["retry"] for r in records if "retry" in r]
    sends = [f[0] for f in firsts]
    acks_ok = [f for f in firsts if f[2]]
    # What the acknowledged tablets sent (tablet g sends CHOICES[g % 10]): the stored tally
    # must say the same, which for a secret vote proves the sealed ballots were read back.
    acked_choices = Counter(CHOICES[r["g"] % len(CHOICES)] for r in records
                            if r["first"][2] or (r.get("retry") or (0, 0, False))[2])
    return {
        "round": number, "retry_storm": retry, "vote_id": vote_id, "t0": t0,
        "clients_alive_at_start": alive_at_start, "clients_alive_at_end": alive_at_end,
        "clients_dropped": alive_at_start - alive_at_end,
        "opened_sent": opened_sent, "opened_complete": opened_complete,
        "casts_sent": len(firsts) + len(seconds),
        "tablets_answered": len(records), "acked_ok": len(acks_ok),
        "acked_choices": dict(acked_choices),
        "retry_acked_ok": sum(1 for s in seconds if s[2]),
        "errors": dict(Counter(f[3] for f in firsts + seconds if not f[2])),
        "retry_identical_acks": sum(1 for r in records if r.get("identical")),
        "ack_latencies": [f[1] - f[0] for f in firsts if f[2]],
        "retry_ack_latencies": [s[1] - s[0] for s in seconds if s[2]],
        "send_window_s": (max(sends) - min(sends)) if sends else None,
        "send_lag_p99_ms": percentile([f[0] - r["due"] for f, r in zip(firsts, records,
                                                                      strict=True)], 99) * MS
        if records else None,
        "last_ack_after_t0_s": (max(f[1] for f in acks_ok) - t0) if acks_ok else None,
        "first_ack_after_t0_s": (min(f[1] for f in acks_ok) - t0) if acks_ok else None,
        # Median ack latency of the casts sent in each tenth of the window: FIFO or not.
        "ack_ms_by_send_tenth": [median([(f[1] - f[0]) * MS for f in acks_ok
                                         if int((f[0] - t0) / args.window * 10) == tenth])
                                 for tenth in range(10)],
        "cast_phase_s": cast_end - t0, "server_cpu_cast_s": cpu_cast,
        "received_by_server": received,
        "result_voted": (close_ack.get("result") or {}).get("voted") if target.is_app else None,
        "announced_voted_seen": workers.voted_seen.get(("vote.announced", vote_id)),
        "close_sent": close_sent, "close_ack_ms": (close_acked - close_sent) * MS,
        "closed_complete": closed_complete,
        "announce_sent": announce_sent, "announce_ack_ms": (announce_acked - announce_sent) * MS,
        "announced_complete": announced_complete,
    }


def attach_receive_times(rounds: list[dict], client_results: list[dict]) -> None:
    """Per round and event: every client's receive − the chair's send."""
    for r in rounds:
        expected = r["clients_alive_at_end"]  # a client dropped mid-round may still have some
        for name, sent_key in (("vote.opened", "opened_sent"), ("vote.closed", "close_sent"),
                               ("vote.announced", "announce_sent")):
            key = f"{name}:{r['vote_id']}"
            times = [t for c in client_results for t in c["times"].get(key, [])]
            delays = [t - r[sent_key] for t in times]
            short = name.removeprefix("vote.")
            r[f"{short}_received"] = len(times)
            r[f"{short}_missing"] = max(expected - len(times), 0) \
                if times or short != "opened" else None
            r[f"{short}_delays"] = delays
            r[f"{short}_p50_ms"] = percentile(delays, 50) * MS if delays else None
            r[f"{short}_p99_ms"] = percentile(delays, 99) * MS if delays else None
            r[f"{short}_max_ms"] = max(delays) * MS if delays else None
            sizes = [c["sizes"][key] for c in client_results if key in c["sizes"]]
            r[f"{short}_bytes"] = sizes[0] if sizes else None
        progress = sum(c.get("progress", {}).get(str(r["vote_id"]), 0) for c in client_results)
        r["progress_events_per_client"] = progress / max(expected, 1)


def summarise(rounds: list[dict], warmup: int) -> dict:
    measured = [r for r in rounds if r["round"] >= warmup]
    plain = [r for r in measured if not r["retry_storm"]]
    storm = [r for r in measured if r["retry_storm"]]

    def pooled(rs, key):
        return [v for r in rs for v in r[key]]

    def pct(values, p):
        return percentile(values, p) * MS if values else None

    acks = pooled(plain, "ack_latencies")
    storm_acks = pooled(storm, "ack_latencies") + pooled(storm, "retry_ack_latencies")
    out = {
        "rounds_plain": len(plain), "rounds_retry_storm": len(storm),
        "cast_ack_p50_ms": pct(acks, 50), "cast_ack_p99_ms": pct(acks, 99),
        "cast_ack_max_ms": max(acks) * MS if acks else None,
        "casts_acked_ok_per_round": median([r["acked_ok"] for r in plain]),
        "cast_errors": dict(sum((Counter(r["errors"]) for r in measured), Counter())),
        "send_window_s_max": max((r["send_window_s"] or 0) for r in measured) if measured else None,
        "last_ack_after_t0_s": median([r["last_ack_after_t0_s"] for r in plain
                                       if r["last_ack_after_t0_s"] is not None]),
        "server_cpu_cast_phase_s": median([r["server_cpu_cast_s"] for r in plain]),
        "server_cpu_busy_pct": median([r["server_cpu_cast_s"] / r["cast_phase_s"] * 100
                                       for r in plain]),
        "server_cpu_ms_per_cast": median([r["server_cpu_cast_s"] / max(r["acked_ok"], 1) * MS
                                          for r in plain]),
        "storm_ack_p50_ms": pct(storm_acks, 50), "storm_ack_p99_ms": pct(storm_acks, 99),
        "storm_ack_max_ms": max(storm_acks) * MS if storm_acks else None,
        "storm_identical_acks": sum(r["retry_identical_acks"] for r in storm),
        "storm_server_cpu_cast_phase_s": median([r["server_cpu_cast_s"] for r in storm]),
        "progress_events_per_client": median([r["progress_events_per_client"] for r in plain]),
        "clients_dropped_per_round": [r["clients_dropped"] for r in measured],
        "received_by_server": [r["received_by_server"] for r in measured],
        "result_voted": [r["result_voted"] for r in measured],
    }
    for short in ("opened", "closed", "announced"):
        delays = pooled(measured, f"{short}_delays")
        out[f"{short}_p50_ms"] = pct(delays, 50)
        out[f"{short}_p99_ms"] = pct(delays, 99)
        maxima = [r[f"{short}_max_ms"] for r in measured if r[f"{short}_max_ms"] is not None]
        out[f"{short}_max_ms"] = max(maxima) if maxima else None
        out[f"{short}_last_client_median_ms"] = median(maxima)
        out[f"{short}_missing"] = sum(r[f"{short}_missing"] or 0 for r in measured)
        out[f"{short}_bytes"] = measured[-1][f"{short}_bytes"] if measured else None
    out["close_ack_p50_ms"] = median([r["close_ack_ms"] for r in measured])
    out["announce_ack_p50_ms"] = median([r["announce_ack_ms"] for r in measured])
    return out


# --- one run against one server -----------------------------------------------------------

def connect_chair(url: str, token: str | None) -> socketio.Client:
    chair = socketio.Client(reconnection=False)
    chair.connect(url, auth={"token": token} if token else None, transports=["websocket"],
                  wait_timeout=30)
    return chair


def run_target(target: Target, scratch: Path, args) -> dict:
    port = free_port()
    target.url = f"http://127.0.0.1:{port}"
    log = scratch / f"{target.name}-server.log"
    with open(log, "wb") as log_file:
        server = start(target.command + ([] if target.is_app else [str(port)]),
                       env={**target.env, "PORT": str(port)}, cwd=ROOT,
                       stdout=log_file, stderr=subprocess.STDOUT)
    chair, workers = None, Workers()
    clients = len(target.tablet_tokens) + len(target.observer_tokens)
    try:
        wait_listening(server, port, log)
        chair = connect_chair(target.url, target.chair_token)
        snapshot = target.chair_join_and_open(chair)
        item_id = (snapshot.get("current_item") or {}).get("id") or \
            (snapshot.get("agenda") or [{}])[0].get("id")

        started, cpu_started = time.monotonic(), cpu_seconds(server.pid)
        workers.start(target, target.url, scratch, args)
        ready = workers.wait_ready(args.connect_timeout + 30)
        connect_seconds = time.monotonic() - started
        cpu_connect = cpu_seconds(server.pid) - cpu_started
        joined = sum(r["joined"] for r in ready)
        tablets_joined = sum(r["tablets"] for r in ready)
        lost_connecting = sum(r["lost"] for r in ready)
        check_in = None
        if target.check_in_event:
            check_in = run_check_ins(workers, server.pid, tablets_joined, joined - workers.lost,
                                     args)
            print(f"  {target.name}: {check_in['acked_ok']} check-ins in a {args.window:g} s "
                  f"window: last ack {check_in['last_ack_s'] or 0:.2f} s, every client shows "
                  f"the final attendance by {check_in['final_shown_last_s'] or 0:.2f} s "
                  f"({check_in['clients_missing_final']} never did), "
                  f"{check_in['roll_messages_per_client']:.1f} roll messages per client, "
                  f"CPU {check_in['server_cpu_ms_per_check_in']:.1f} ms per check-in",
                  flush=True)
        time.sleep(2)  # the check-in broadcasts drain
        present = None
        if target.is_app:
            state = target.call(chair, "live:snapshot", {"meeting_id": target.meeting_id})
            present = state["attendance"]["present"]
        print(f"  {target.name}: {joined} clients joined ({tablets_joined} tablets"
              f"{f', {present} checked in' if present is not None else ''}) in "
              f"{connect_seconds:.1f} s ({sum(r['failed'] for r in ready)} failed); "
              + (f"{target.kind} votes…" if target.is_app else
                 f"casts echoed, nothing stored (the vote kind does not apply; it replays "
                 f"the {target.kind} vote's closed/announced payloads)…"), flush=True)

        rounds = []
        kinds = [False] * (args.warmup + args.rounds) + [True] * args.retry_rounds
        for number, retry in enumerate(kinds):
            r = run_round(target, chair, workers, server.pid, number, retry, item_id, args)
            rounds.append(r)
            ack_p99 = percentile(r["ack_latencies"], 99)
            dropped = f", {r['clients_dropped']} clients dropped" if r["clients_dropped"] else ""
            print(f"    round {number}{' (retry storm)' if retry else ''}"
                  f"{' (warm-up)' if number < args.warmup else ''}: {r['acked_ok']} acked, "
                  f"ack p99 {(ack_p99 or 0) * MS:.0f} ms, server counted "
                  f"{r['received_by_server']}, result voted {r['result_voted']}, "
                  f"CPU {r['server_cpu_cast_s']:.2f} s in {r['cast_phase_s']:.2f} s{dropped}",
                  flush=True)
        rss_after = rss_mb(server.pid)
        client_results = workers.finish()
    except Exception:
        print(f"{target.name} server log, last lines:\n{log.read_text(errors='replace')[-1500:]}",
              file=sys.stderr)
        raise
    finally:
        if chair is not None:
            with contextlib.suppress(Exception):
                chair.disconnect()
        for proc in workers.procs:
            _stop(proc)
        _stop(server)

    attach_receive_times(rounds, client_results)
    summary = summarise(rounds, args.warmup)
    for r in rounds:  # keep the JSON small: the raw lists become counts
        for key in [k for k in r if k.endswith(("_latencies", "_delays"))]:
            r[key] = len(r[key])
    return {
        **summary,
        "clients": clients, "clients_joined": joined, "tablets_joined": tablets_joined,
        "checked_in": present, "check_in": check_in,
        # the opening's figures, flat for the table (the bare server has no check-in)
        "check_in_last_ack_s": (check_in or {}).get("last_ack_s"),
        "check_in_final_shown_s": (check_in or {}).get("final_shown_last_s"),
        "check_in_cpu_ms": (check_in or {}).get("server_cpu_ms_per_check_in"),
        "clients_failed": sum(r["failed"] for r in ready),
        "connect_errors": [e for r in ready for e in r["errors"]][:5],
        "clients_lost": lost_connecting + workers.lost,
        "connect_seconds": connect_seconds,
        "server_cpu_ms_per_join": cpu_connect / max(joined, 1) * MS,
        "rss_after_mb": rss_after,
        "rounds": rounds,
        "server_log_tail": log.read_text(errors="replace")[-1500:],
    }


# --- after the app: the database, and one cast in-process ---------------------------------

def _count(db: sqlite3.Connection, table: str, vote_id: int) -> int:
    return db.execute(f"SELECT count(*) FROM {table} WHERE vote_id = ?", (vote_id,)).fetchone()[0]


def verify_database(instance: Path, rounds: list[dict], kind: str, tablets: int) -> list[dict]:
    """Read the SQLite file after the app stopped: what each round's vote left behind.

    Open: one `open_ballot` and one `cast_receipt` per tablet. Secret (votes.py `_cast_once`
    / `_close`): one `secret_participation` row per tablet, and no `cast_receipt` (a secret
    ack is never stored: a retry is recognised by the participation's idempotency key); at
    close the sealed ballots and the key are deleted and only `vote.result` stays — the
    tally of `domain.voting.tally_choices`, whose `voted` and per-choice counts must both
    come to the tablets that were acknowledged, with what they sent."""
    db = sqlite3.connect(instance / "paperless.sqlite3")
    try:
        rows = []
        for r in rounds:
            vote_id = r["vote_id"]
            stored_kind, status, result = db.execute(
                "SELECT kind, status, result FROM vote WHERE id = ?", (vote_id,)).fetchone()
            result = json.loads(result) if result else {}
            counts = {c["code"]: c["count"] for c in result.get("choices", [])}
            acked = sum(r["acked_choices"].values())
            row = {"vote_id": vote_id, "retry_storm": r["retry_storm"], "kind": stored_kind,
                   "status": status, "receipts": _count(db, "cast_receipt", vote_id),
                   "result_voted": result.get("voted"),
                   "result_choices_sum": sum(counts.values()), "result_choices": counts,
                   "acked_choices": r["acked_choices"]}
            if kind == "secret":
                row["participations"], row["distinct_delegates"] = db.execute(
                    "SELECT count(*), count(DISTINCT delegate_id) FROM secret_participation "
                    "WHERE vote_id = ?", (vote_id,)).fetchone()
                row["open_ballots"] = _count(db, "open_ballot", vote_id)
                row["sealed_ballots_left"] = _count(db, "secret_ballot", vote_id)
                row["ballot_keys_left"] = _count(db, "secret_ballot_key", vote_id)
                row["ok"] = (row["participations"] == row["distinct_delegates"] == tablets
                             and row["receipts"] == row["open_ballots"] == 0
                             and row["sealed_ballots_left"] == row["ballot_keys_left"] == 0)
            else:
                row["ballots"], row["distinct_delegates"] = db.execute(
                    "SELECT count(*), count(DISTINCT delegate_id) FROM open_ballot "
                    "WHERE vote_id = ?", (vote_id,)).fetchone()
                row["changes"] = db.execute("SELECT coalesce(sum(changes), 0) FROM open_ballot "
                                            "WHERE vote_id = ?", (vote_id,)).fetchone()[0]
                row["ok"] = row["ballots"] == row["distinct_delegates"] == row["receipts"] \
                    == tablets
            row["tally_ok"] = (row["result_voted"] == row["result_choices_sum"] == tablets
                               == acked and counts == {**dict.fromkeys(counts, 0),
                                                       **r["acked_choices"]})
            row["ok"] = row["ok"] and row["tally_ok"] and stored_kind == kind and \
                status == "announced"
            rows.append(row)
        return rows
    finally:
        db.close()


def leftover_sealed(instance: Path) -> dict:
    """Every sealed ballot and wrapped key in the file, whatever the vote: none once every
    secret vote of the run (and the probe's, cancelled) is over."""
    db = sqlite3.connect(instance / "paperless.sqlite3")
    try:
        return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("secret_ballot", "secret_ballot_key")}
    finally:
        db.close()


def run_probe(instance: Path, casts: int, kind: str) -> dict | None:
    env = {**os.environ, "PAPERLESS_INSTANCE_PATH": str(instance), "PAPERLESS_ASYNC_MODE":
           "threading"}
    env.pop("PAPERLESS_DATABASE_URL", None)
    try:
        out = subprocess.run([PYTHON, str(BENCH / "_votes_probe.py"), "--casts", str(casts),
                              "--kind", kind], env=env, cwd=ROOT, check=True, timeout=120,
                             capture_output=True, text=True)
        return json.loads(out.stdout.strip().splitlines()[-1])
    except subprocess.CalledProcessError as exc:
        print(f"  probe failed: {exc}\n{(exc.stderr or '')[-1500:]}", file=sys.stderr)
    except (subprocess.SubprocessError, json.JSONDecodeError, IndexError) as exc:
        print(f"  probe failed: {exc}", file=sys.stderr)
    return None


# --- report -------------------------------------------------------------------------------

FIGURES = [
    ("cast_ack_p50_ms", "cast → ack, p50", "ms"),
    ("cast_ack_p99_ms", "cast → ack, p99", "ms"),
    ("cast_ack_max_ms", "cast → ack, max", "ms"),
    ("last_ack_after_t0_s", "window start → last ack (1 s window)", "s"),
    ("server_cpu_cast_phase_s", "server CPU during the cast phase", "s"),
    ("server_cpu_busy_pct", "server CPU busy in the cast phase", "%"),
    ("server_cpu_ms_per_cast", "server CPU per cast", "ms"),
    ("storm_ack_p50_ms", "retry storm: cast → ack, p50", "ms"),
    ("storm_ack_p99_ms", "retry storm: cast → ack, p99", "ms"),
    ("storm_server_cpu_cast_phase_s", "retry storm: server CPU", "s"),
    ("closed_p50_ms", "close → vote.closed, any client p50", "ms"),
    ("closed_p99_ms", "close → vote.closed, p99 over clients", "ms"),
    ("closed_max_ms", "close → vote.closed, last client max", "ms"),
    ("announced_p50_ms", "announce → result, any client p50", "ms"),
    ("announced_p99_ms", "announce → result, p99 over clients", "ms"),
    ("announced_max_ms", "announce → result, last client max", "ms"),
    ("close_ack_p50_ms", "chair's close ack, p50", "ms"),
    ("announce_ack_p50_ms", "chair's announce ack, p50", "ms"),
    ("closed_bytes", "vote.closed event size", "B"),
    ("announced_bytes", "vote.announced event size", "B"),
    ("opened_p99_ms", "open → vote.opened, p99 over clients", "ms"),
    ("progress_events_per_client", "vote.progress events per client per vote", ""),
    ("server_cpu_ms_per_join", "server CPU per connect + join", "ms"),
    ("check_in_last_ack_s", "check-ins in 1 s: window start → last ack", "s"),
    ("check_in_final_shown_s", "check-ins: window start → every client shows N present", "s"),
    ("check_in_cpu_ms", "server CPU per check-in", "ms"),
]


def compare(app: dict, bare: dict) -> list[dict]:
    rows = []
    for key, label, unit in FIGURES:
        a, b = app.get(key), bare.get(key)
        ratio = a / b if a is not None and b else None
        rows.append({"figure": key, "label": label, "unit": unit, "app": a, "bare": b,
                     "ratio": ratio})
    return rows


def print_table(rows: list[dict], app: dict, bare: dict, db_rows: list[dict],
                probe: dict | None, kind: str, leftovers: dict | None) -> None:
    def fmt(value, suffix=""):
        return "—" if value is None else f"{value:,.1f}{suffix}"

    print(f"\n{kind + ' votes':50} {'app':>10} {'bare':>10} {'app/bare':>9}")
    for row in rows:
        label = f"{row['label']} ({row['unit']})" if row["unit"] else row["label"]
        print(f"{label:50} {fmt(row['app']):>10} {fmt(row['bare']):>10} "
              f"{fmt(row['ratio'], '×'):>9}")
    for name, run in (("app", app), ("bare", bare)):
        if not run:
            continue
        print(f"{name}: {run['clients_joined']} joined ({run['tablets_joined']} tablets), "
              f"{run['clients_failed']} failed, {run['clients_lost']} dropped; acked per round "
              f"{[r['acked_ok'] for r in run['rounds']]}; errors {run['cast_errors']}; "
              f"missing closed/announced deliveries {run['closed_missing']}/"
              f"{run['announced_missing']}")
    if app:
        print(f"app: counted by the server {app['received_by_server']}, result 'voted' "
              f"{app['result_voted']}, identical acks in retry storms "
              f"{app['storm_identical_acks']}")
    if db_rows:
        if kind == "secret":
            each = [f"vote {d['vote_id']}{'*' if d['retry_storm'] else ''}: "
                    f"{d['participations']} participations ({d['distinct_delegates']} "
                    f"delegates), {d['receipts']} receipts, {d['open_ballots']} open ballots, "
                    f"left {d['sealed_ballots_left']} sealed / {d['ballot_keys_left']} keys, "
                    f"tally {d['result_voted']} ({d['result_choices']})" for d in db_rows]
        else:
            each = [f"vote {d['vote_id']}{'*' if d['retry_storm'] else ''}: {d['ballots']} "
                    f"ballots, {d['receipts']} receipts, tally {d['result_voted']} "
                    f"({d['result_choices']})" for d in db_rows]
        bad = [d["vote_id"] for d in db_rows if not d["ok"]]
        storm = "  (* retry storm)" if any(d["retry_storm"] for d in db_rows) else ""
        print("database: " + "; ".join(each) + storm)
        print(f"database check ({kind}): "
              + (f"FAILED for votes {bad}" if bad else f"all {len(db_rows)} votes as expected")
              + (f"; sealed rows left in the file {leftovers}" if leftovers is not None
                 else ""))
    if probe:
        f, rt, pg = probe["first_cast"], probe["retry_same_key"], probe["progress_only"]
        print(f"one {kind} cast in-process: {f['statements']:.0f} SQL statements, "
              f"{f['wall_ms_median']:.2f} ms (SQL {f['sql_exec_ms_median']:.2f}, commit "
              f"{f['commit_ms_median']:.2f}, Python {f['python_ms_median']:.2f}); retry with "
              f"the same key {rt['statements']:.0f} statements, {rt['wall_ms_median']:.2f} ms; "
              f"progress() alone {pg['statements']:.0f} statements, "
              f"{pg['wall_ms_median']:.2f} ms")


# --- main ---------------------------------------------------------------------------------

def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", choices=KINDS, default="open",
                        help="kind of the votes the app runs (secret: the sealed ballot box); "
                             "writes bench/results/votes.json or votes_secret.json")
    parser.add_argument("--tablets", type=int, default=500)
    parser.add_argument("--observers", type=int, default=200,
                        help="hall screens and guests (they receive, never cast)")
    parser.add_argument("--processes", type=int, default=5, help="client processes")
    parser.add_argument("--rounds", type=int, default=5, help="measured plain rounds")
    parser.add_argument("--retry-rounds", type=int, default=2,
                        help="measured rounds where every tablet sends its ballot twice")
    parser.add_argument("--warmup", type=int, default=1, help="rounds not counted")
    parser.add_argument("--window", type=float, default=1.0, help="seconds the casts spread over")
    parser.add_argument("--cast-timeout", type=float, default=20.0, help="per cast")
    parser.add_argument("--event-timeout", type=float, default=15.0,
                        help="per broadcast, until every client has it")
    parser.add_argument("--spacing-ms", type=int, default=500, help="pause between rounds")
    parser.add_argument("--batch", type=int, default=10, help="handshakes at once per process")
    parser.add_argument("--connect-timeout", type=float, default=240.0,
                        help="connect phase bound per server")
    parser.add_argument("--probe-casts", type=int, default=200,
                        help="casts timed in-process after the run (0: no probe)")
    parser.add_argument("--max-seconds", type=float, default=900.0, help="whole run bound")
    parser.add_argument("--only", choices=["app", "bare"], help="skip the other server")
    parser.add_argument("--keep", action="store_true",
                        help="keep the scratch folder (instance, server logs, raw times)")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    start_watchdog(args.max_seconds)
    fd_limit = raise_fd_limit()
    scratch = Path(tempfile.mkdtemp(prefix="bench-votes-"))
    if args.keep:
        print(f"scratch folder (kept): {scratch}", flush=True)
    else:
        _temp_dirs.append(scratch)
    print(f"bench_votes ({args.kind} votes): {args.tablets} tablets + {args.observers} "
          f"observers in "
          f"{args.processes} client processes; {args.warmup} warm-up + {args.rounds} plain + "
          f"{args.retry_rounds} retry-storm rounds; {os.cpu_count()} cores", flush=True)

    runs, db_rows, probe, leftovers = {}, [], None, None
    payloads = synthetic_payloads(args.tablets, args.kind)
    if args.only != "bare":
        instance = scratch / "instance"
        setup = prepare_instance(instance, args.tablets)
        app = app_target(instance, setup, args.tablets, args.observers, args.kind)
        runs["app"] = run_target(app, scratch, args)
        payloads = app.payloads or payloads
        db_rows = verify_database(instance, runs["app"]["rounds"], args.kind, args.tablets)
        # the probe casts as daibieu100…: tablets beyond the first 100, checked in by the run
        probe_casts = min(args.probe_casts, max(args.tablets - 100, 0))
        if probe_casts:
            probe = run_probe(instance, probe_casts, args.kind)
        elif args.probe_casts:
            print("  probe skipped: it casts as tablets 101 and on (--tablets over 100)")
        leftovers = leftover_sealed(instance)
    if args.only != "app":
        runs["bare"] = run_target(bare_target(args.tablets, args.observers, payloads,
                                              args.kind), scratch, args)

    app_run, bare_run = runs.get("app", {}), runs.get("bare", {})
    rows = compare(app_run, bare_run)
    print_table(rows, app_run, bare_run, db_rows, probe, args.kind, leftovers)
    reference = None
    if LIVE_RESULTS.exists():
        with contextlib.suppress(Exception):
            live = json.loads(LIVE_RESULTS.read_text())
            reference = {"clients": live["parameters"]["clients"],
                         **{f["figure"]: {"app": f["app"], "bare": f["bare"]}
                            for f in live["figures"] if f["figure"].startswith("last_client")}}
    report = {
        "parameters": {
            "vote_kind": args.kind,  # first: RESULTS.md shows the first parameters
            "tablets": args.tablets, "observers": args.observers,
            "clients": args.tablets + args.observers, "client_processes": args.processes,
            "rounds_plain": args.rounds, "rounds_retry_storm": args.retry_rounds,
            "warmup_rounds": args.warmup, "cast_window_s": args.window,
            "cast_timeout_s": args.cast_timeout, "event_timeout_s": args.event_timeout,
            "connect_batch": args.batch, "async_mode": "gevent", "transport": "websocket",
            "choices": "70 % yes, 20 % no, 10 % abstain",
            "retry_storm": "every tablet sends the same payload (same key) twice, back to back",
            "database": "SQLite, WAL, synchronous=NORMAL; one commit per ballot before the ack"
                        + ("; secret: participation + sealed ballot (AES-GCM) per commit, "
                           "sealed rows deleted at close, then a WAL checkpoint (TRUNCATE, best effort)"
                           if args.kind == "secret" else ""),
            "baseline_note": "bare python-socketio echoes casts and stores nothing: the vote "
                             "kind applies only to the payloads it replays",
            "machine_cores": os.cpu_count(), "fd_limit": fd_limit,
            "load_average_at_end": os.getloadavg(),
            "python": platform.python_version(),
            "python_socketio": metadata.version("python-socketio"),
            "python_engineio": metadata.version("python-engineio"),
            "gevent": metadata.version("gevent"),
            "tokens": "one delegate account per tablet; observers share the guest and "
                      "hall-screen tokens (half each)",
        },
        "vote_kind": args.kind,
        "figures": rows,
        "database_check": db_rows,
        "database_ok": all(d["ok"] for d in db_rows) if db_rows else None,
        "sealed_rows_left": leftovers,
        "probe_one_cast": probe,
        "reference_live_bench_2500_clients": reference,
        "runs": runs,
    }
    results = results_path(args.kind)
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nwritten {results.relative_to(ROOT)}")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
        main()
