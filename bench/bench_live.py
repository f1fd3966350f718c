"""Benchmark: the chair's "next item" reaching 500 tablets and 2,000 observers.

The acceptance item of the live-session issue. On loopback, in a fresh temporary instance,
bounded in count and time, stopping by itself:

1. Setup: `flask db upgrade`, `flask demo`, then bench/_live_setup.py grows the demo to 500
   delegates with their own accounts and a 60-item agenda, and issues API tokens.
2. The app (`python -m paperless.serve`, gevent) on a free port. The chair connects, joins
   meeting 1 and opens the session; the server's RSS is read. 2,500 clients — 500 tablets
   (one delegate account each) and 2,000 observers (sharing the guest and hall-screen
   tokens: a broadcast reaches everyone in the meeting room alike) — connect over WebSocket
   from several client processes (bench/_live_clients.py, asyncio python-socketio) and
   join the meeting; the RSS is read again: memory per connection.
3. 50 moves (after 2 warm-up moves): the chair sends `live:goto {offset: 1}`, noting
   time.time(); every client notes when its `live.item` with that seq arrives. The next
   move waits until every client has it (or a per-move timeout), then a short pause.
   Latency of a move = last receive − send; p50/p99 over the moves.
4. The same with a bare python-socketio server in the same async mode
   (bench/_live_bare_server.py): same clients, same moves, same measurement — the baseline.
   Ratio = app / bare.

Prints a table and writes bench/results/live.json.
Run: `.venv/bin/python bench/bench_live.py` (`--help` for smaller runs).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import platform
import queue
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import socketio

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results" / "live.json"
PYTHON = sys.executable
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


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
        print(f"\nbench_live: over {seconds:.0f} s, stopping everything", file=sys.stderr,
              flush=True)
        _cleanup()
        os._exit(2)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()


def raise_fd_limit() -> int:
    """2,500 sockets in the server alone; children inherit the raised limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(proc: subprocess.Popen, port: int, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.2)
    raise RuntimeError("server did not start listening")


# --- /proc readings of the server -------------------------------------------------------

def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    # Fields after the command name (which may hold spaces): utime and stime are 14 and 15.
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


# --- setup of the app's instance ----------------------------------------------------------

def prepare_instance(folder: Path, delegates: int, items: int) -> dict:
    env = {**os.environ, "PAPERLESS_INSTANCE_PATH": str(folder)}
    env.pop("PAPERLESS_DATABASE_URL", None)
    flask = [PYTHON, "-m", "flask", "--app", "paperless"]
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run(flask + command, env=env, cwd=ROOT, check=True, timeout=120,
                       stdout=subprocess.DEVNULL)
    out = subprocess.run([PYTHON, str(BENCH / "_live_setup.py"), "--delegates", str(delegates),
                          "--items", str(items)], env=env, cwd=ROOT, check=True, timeout=300,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


# --- the two servers under test -----------------------------------------------------------

@dataclass
class Target:
    """What differs between the app and the bare server: how to start, join and move."""

    name: str
    command: list[str]
    env: dict
    join_event: str
    join_payload: dict
    client_tokens: list[str | None]
    chair_token: str | None
    meeting_id: int | None = None

    def chair_join_and_open(self, chair: socketio.Client) -> None:
        answer = chair.call(self.join_event, self.join_payload, timeout=30)
        assert answer.get("ok"), answer
        if self.meeting_id is not None:  # the app: open the session (khai mạc)
            opened = chair.call("live:phase", {"meeting_id": self.meeting_id, "action": "open"},
                                timeout=30)
            assert opened.get("ok"), opened

    def move(self, chair: socketio.Client, timeout: float) -> dict:
        if self.meeting_id is not None:
            answer = chair.call("live:goto", {"meeting_id": self.meeting_id, "offset": 1},
                                timeout=timeout)
        else:
            answer = chair.call("next", {}, timeout=timeout)
        assert answer.get("ok"), answer
        return answer["result"]


def app_target(instance: Path, setup: dict, tablets: int, observers: int) -> Target:
    env = {**os.environ, "PAPERLESS_INSTANCE_PATH": str(instance), "HOST": "127.0.0.1",
           "PAPERLESS_ASYNC_MODE": "gevent"}
    env.pop("PAPERLESS_DATABASE_URL", None)
    tokens = setup["tablets"][:tablets] + [setup["observers"][i % 2] for i in range(observers)]
    return Target("app", [PYTHON, "-m", "paperless.serve"], env, "meeting:join",
                  {"meeting_id": setup["meeting_id"]}, tokens, setup["chair"],
                  setup["meeting_id"])


def bare_target(clients: int) -> Target:
    return Target("bare", [PYTHON, str(BENCH / "_live_bare_server.py")], dict(os.environ),
                  "join", {}, [None] * clients, None)


# --- client processes -------------------------------------------------------------------

@dataclass
class Workers:
    """The client processes, and their stdout lines gathered in one queue by reader threads."""

    procs: list[subprocess.Popen] = field(default_factory=list)
    results: list[Path] = field(default_factory=list)
    lines: queue.Queue = field(default_factory=queue.Queue)
    got: dict[int, set[int]] = field(default_factory=dict)
    lost: int = 0

    def start(self, target: Target, url: str, processes: int, scratch: Path,
              args: argparse.Namespace) -> None:
        tokens = target.client_tokens
        share = -(-len(tokens) // processes)  # ceil
        for index in range(processes):
            spec = {"url": url, "tokens": tokens[index * share:(index + 1) * share],
                    "join_event": target.join_event, "join_payload": target.join_payload,
                    "batch": args.batch, "connect_timeout": 30,
                    "connect_phase_timeout": args.connect_timeout,
                    "lifetime": args.max_seconds,
                    "results_path": str(scratch / f"{target.name}-clients-{index}.json")}
            spec_path = scratch / f"{target.name}-spec-{index}.json"
            spec_path.write_text(json.dumps(spec))
            proc = start([PYTHON, str(BENCH / "_live_clients.py"), str(spec_path)],
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
        if message["type"] == "got":
            self.got.setdefault(message["seq"], set()).add(index)
        elif message["type"] == "lost":
            self.lost += message["n"]
        return index, message

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
        return [ready[i] for i in range(len(self.procs))]

    def wait_everyone_got(self, seq: int, deadline: float) -> bool:
        while len(self.got.get(seq, ())) < len(self.procs):
            if self._next(deadline) is None:
                return False
        return True

    def finish(self, timeout: float = 30) -> list[dict]:
        for proc in self.procs:
            with contextlib.suppress(OSError):
                proc.stdin.write("done\n")
                proc.stdin.flush()
        for proc in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout)
        return [json.loads(path.read_text()) for path in self.results if path.exists()]


# --- one run against one server -----------------------------------------------------------

def percentile(values: list[float], p: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def connect_chair(url: str, token: str | None) -> socketio.Client:
    chair = socketio.Client(reconnection=False)
    chair.connect(url, auth={"token": token} if token else None, transports=["websocket"],
                  wait_timeout=30)
    return chair


def run_moves(target: Target, chair: socketio.Client, workers: Workers, args) -> list[dict]:
    """Warm-up moves, then the measured ones; each waits for every client or its timeout."""
    moves = []
    for number in range(args.warmup + args.moves):
        sent = time.time()
        result = target.move(chair, args.move_timeout)
        acked = time.time()
        complete = workers.wait_everyone_got(result["seq"], time.monotonic() + args.move_timeout)
        if number >= args.warmup:
            moves.append({"seq": result["seq"], "sent": sent, "ack_seconds": acked - sent,
                          "complete": complete})
        time.sleep(args.spacing_ms / 1000)
    return moves


def summarise(moves: list[dict], client_results: list[dict], expected: int) -> dict:
    """Per move: last receive − send; also every client's receive − send, and who missed."""
    per_move, per_client, missing, sizes = [], [], 0, []
    ms = 1000
    for move in moves:
        key = str(move["seq"])
        times = [t for r in client_results for t in r["times"].get(key, [])]
        missing += expected - len(times)
        sizes += [r["sizes"][key] for r in client_results if key in r["sizes"]]
        if times:
            per_move.append(max(times) - move["sent"])
            per_client.extend(t - move["sent"] for t in times)
            move.update(first_ms=(min(times) - move["sent"]) * ms,
                        last_ms=(max(times) - move["sent"]) * ms, received=len(times))
    acks = [m["ack_seconds"] for m in moves]
    return {
        "moves": len(moves),
        "moves_incomplete": sum(not m["complete"] for m in moves),
        "deliveries_missing": missing,
        "last_client_p50_ms": percentile(per_move, 50) * ms,
        "last_client_p99_ms": percentile(per_move, 99) * ms,
        "last_client_max_ms": max(per_move) * ms,
        "per_client_p50_ms": percentile(per_client, 50) * ms,
        "per_client_p99_ms": percentile(per_client, 99) * ms,
        "chair_ack_p50_ms": percentile(acks, 50) * ms,
        "chair_ack_p99_ms": percentile(acks, 99) * ms,
        "payload_bytes": sum(sizes) / len(sizes) if sizes else None,
        "per_move": [{"seq": m["seq"], "ack_ms": m["ack_seconds"] * ms,
                      "first_ms": m.get("first_ms"), "last_ms": m.get("last_ms"),
                      "received": m.get("received", 0)} for m in moves],
    }


def run_target(target: Target, scratch: Path, args) -> dict:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = scratch / f"{target.name}-server.log"
    with open(log, "wb") as log_file:
        server = start(target.command + ([] if target.meeting_id else [str(port)]),
                       env={**target.env, "PORT": str(port)}, cwd=ROOT,
                       stdout=log_file, stderr=subprocess.STDOUT)
    chair, workers = None, Workers()
    try:
        wait_listening(server, port, log)
        chair = connect_chair(url, target.chair_token)
        target.chair_join_and_open(chair)
        time.sleep(1)
        rss_before = rss_bytes(server.pid)

        started, cpu_started = time.monotonic(), cpu_seconds(server.pid)
        workers.start(target, url, args.processes, scratch, args)
        ready = workers.wait_ready(args.connect_timeout + 30)
        connect_seconds = time.monotonic() - started
        cpu_connect = cpu_seconds(server.pid) - cpu_started
        joined = sum(r["joined"] for r in ready)
        lost_connecting = sum(r["lost"] for r in ready)
        time.sleep(2)  # let the join storm's buffers and presence events drain
        rss_connected = rss_bytes(server.pid)
        print(f"  {target.name}: {joined} clients joined in {connect_seconds:.1f} s "
              f"({sum(r['failed'] for r in ready)} failed, {lost_connecting} dropped since); "
              "moving…", flush=True)

        cpu_before = cpu_seconds(server.pid)
        moves = run_moves(target, chair, workers, args)
        cpu_moves = cpu_seconds(server.pid) - cpu_before
        rss_after = rss_bytes(server.pid)
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

    summary = summarise(moves, client_results, joined - lost_connecting - workers.lost)
    return {
        **summary,
        "clients_joined": joined,
        "clients_failed": sum(r["failed"] for r in ready),
        "connect_errors": [e for r in ready for e in r["errors"]][:5],
        "clients_lost_connecting": lost_connecting,
        "clients_lost_during_moves": workers.lost,
        "server_cpu_ms_per_join": cpu_connect / max(joined, 1) * 1000,
        "connect_seconds": connect_seconds,
        "rss_before_mb": rss_before / 2**20,
        "rss_connected_mb": rss_connected / 2**20,
        "rss_after_moves_mb": rss_after / 2**20,
        "memory_per_connection_kb": (rss_connected - rss_before) / max(joined, 1) / 1024,
        "server_cpu_ms_per_move": cpu_moves / max(args.warmup + args.moves, 1) * 1000,
        "server_log_tail": log.read_text(errors="replace")[-1500:],
    }


# --- report -------------------------------------------------------------------------------

FIGURES = [
    ("last_client_p50_ms", "next item → last client, p50", "ms"),
    ("last_client_p99_ms", "next item → last client, p99", "ms"),
    ("last_client_max_ms", "next item → last client, max", "ms"),
    ("per_client_p50_ms", "next item → any client, p50", "ms"),
    ("per_client_p99_ms", "next item → any client, p99", "ms"),
    ("chair_ack_p50_ms", "chair's acknowledgement, p50", "ms"),
    ("memory_per_connection_kb", "server memory per connection", "KiB"),
    ("server_cpu_ms_per_move", "server CPU per move (+ heartbeats)", "ms"),
    ("server_cpu_ms_per_join", "server CPU per connect + join", "ms"),
    ("connect_seconds", "connect + join phase", "s"),
    ("payload_bytes", "event size as JSON, mean", "B"),
]


def compare(app: dict, bare: dict) -> list[dict]:
    rows = []
    for key, label, unit in FIGURES:
        a, b = app.get(key), bare.get(key)
        ratio = a / b if a is not None and b else None
        rows.append({"figure": key, "label": label, "unit": unit, "app": a, "bare": b,
                     "ratio": ratio})
    return rows


def print_table(rows: list[dict], app: dict, bare: dict) -> None:
    def fmt(value, suffix=""):
        return "—" if value is None else f"{value:,.1f}{suffix}"

    print(f"\n{'':42} {'app':>10} {'bare':>10} {'app/bare':>9}")
    for row in rows:
        label = f"{row['label']} ({row['unit']})"
        print(f"{label:42} {fmt(row['app']):>10} {fmt(row['bare']):>10} "
              f"{fmt(row['ratio'], '×'):>9}")
    for name, run in (("app", app), ("bare", bare)):
        print(f"{name}: {run['clients_joined']} joined, {run['clients_failed']} failed, "
              f"{run['clients_lost_connecting']} + {run['clients_lost_during_moves']} dropped "
              f"(connecting + moving), {run['moves_incomplete']} incomplete "
              f"moves, {run['deliveries_missing']} deliveries missing; RSS "
              f"{run['rss_before_mb']:.0f} → {run['rss_connected_mb']:.0f} → "
              f"{run['rss_after_moves_mb']:.0f} MiB")


# --- main ---------------------------------------------------------------------------------

def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tablets", type=int, default=500)
    parser.add_argument("--observers", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=5, help="client processes")
    parser.add_argument("--moves", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=2, help="moves not counted")
    parser.add_argument("--spacing-ms", type=int, default=300, help="pause between moves")
    parser.add_argument("--move-timeout", type=float, default=15.0)
    # Joins are CPU-heavy in the app (auth, DB writes, a snapshot): too many at once queue up
    # behind each other in the one gevent thread and starve Engine.IO heartbeats, and then
    # clients drop (python-socketio gives up after 15 s without a ping to answer).
    parser.add_argument("--batch", type=int, default=10, help="handshakes at once per process")
    parser.add_argument("--connect-timeout", type=float, default=240.0,
                        help="connect phase bound per server")
    parser.add_argument("--max-seconds", type=float, default=900.0, help="whole run bound")
    parser.add_argument("--only", choices=["app", "bare"], help="skip the other server")
    parser.add_argument("--keep", action="store_true",
                        help="keep the scratch folder (instance, server logs, raw receive times)")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    start_watchdog(args.max_seconds)
    fd_limit = raise_fd_limit()
    scratch = Path(tempfile.mkdtemp(prefix="bench-live-"))
    if args.keep:
        print(f"scratch folder (kept): {scratch}", flush=True)
    else:
        _temp_dirs.append(scratch)
    clients = args.tablets + args.observers
    print(f"bench_live: {args.tablets} tablets + {args.observers} observers in "
          f"{args.processes} client processes, {args.moves} moves; {os.cpu_count()} cores",
          flush=True)

    runs = {}
    if args.only != "bare":
        setup = prepare_instance(scratch / "instance", args.tablets,
                                 items=args.warmup + args.moves + 5)
        runs["app"] = run_target(app_target(scratch / "instance", setup, args.tablets,
                                            args.observers), scratch, args)
    if args.only != "app":
        runs["bare"] = run_target(bare_target(clients), scratch, args)

    app, bare = runs.get("app", {}), runs.get("bare", {})
    rows = compare(app, bare)
    if app and bare:
        print_table(rows, app, bare)
    report = {
        "parameters": {
            "tablets": args.tablets, "observers": args.observers, "clients": clients,
            "client_processes": args.processes, "moves": args.moves, "warmup_moves": args.warmup,
            "spacing_ms": args.spacing_ms, "move_timeout_s": args.move_timeout,
            "connect_batch": args.batch, "async_mode": "gevent", "transport": "websocket",
            "machine_cores": os.cpu_count(), "fd_limit": fd_limit,
            "python": platform.python_version(),
            "python_socketio": metadata.version("python-socketio"),
            "python_engineio": metadata.version("python-engineio"),
            "gevent": metadata.version("gevent"),
            "tokens": "one delegate account per tablet; observers share the guest and "
                      "hall-screen tokens (half each)",
        },
        "figures": rows,
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nwritten {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
        main()
