"""Benchmark: a chair's action reaching 5,000 observers spread over 4 app processes.

The multi-process item of issue #9. On loopback, in a throw-away folder, bounded in
count and time, stopping by itself:

1. Real PostgreSQL and Redis servers on free ports (tests/integration/servers.py, the
   integration suite's machinery), `flask db upgrade` + `flask demo` on PostgreSQL,
   bench/_live_setup.py for the chair's and observers' API tokens and a long agenda.
2. `--servers` app processes (4), each exactly what `make prod` starts: gunicorn with one
   gevent worker (paperless/prod.py), all on the PostgreSQL database and the Redis queue.
   The chair joins on the first process and opens the session. `--observers` clients
   (5,000; guest and hall-screen tokens, half each) connect over WebSocket from several
   client processes (bench/_live_clients.py), spread evenly over the app processes, and
   join the meeting. Each app worker's RSS is read before and after: memory per process
   and per connection.
3. `--moves` moves: the chair sends `live:goto {offset: 1}` to process 1; the event goes
   through Redis to every process and on to its clients. Latency of a move = the last
   observer's receive time − the chair's send time (all on one host clock); p50/p99.
4. Baseline, same run: the same clients on `--servers` bare python-socketio servers sharing
   the same Redis (bench/_live_bare_server.py with a RedisManager): no Flask, no auth, no
   database. Ratio = app / bare.

Prints a table and writes bench/results/multiprocess.json. On a 2-core machine 5,000
clients plus 4 servers plus the client processes overload the CPU; scale down with
`--observers` and report what ran (the JSON records it).
Run: `.venv/bin/python bench/bench_multiprocess.py` (`--help` for the knobs).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for folder in (str(ROOT), str(BENCH)):
    if folder not in sys.path:
        sys.path.insert(0, folder)

import bench_live as live  # noqa: E402  (shared machinery of the one-process bench)

from paperless.prod import gunicorn_command  # noqa: E402
from tests.integration.servers import Postgres, Redis, free_port, postgres_bin  # noqa: E402

RESULTS = BENCH / "results" / "multiprocess.json"
PYTHON = sys.executable


def prepare_database(instance: Path, database_url: str, items: int) -> dict:
    # PYTHONPATH: this checkout's code, whatever the venv's editable install points at
    env = {**os.environ, "PAPERLESS_INSTANCE_PATH": str(instance),
           "PAPERLESS_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    flask = [PYTHON, "-m", "flask", "--app", "paperless"]
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run(flask + command, env=env, cwd=ROOT, check=True, timeout=180,
                       stdout=subprocess.DEVNULL)
    out = subprocess.run([PYTHON, str(BENCH / "_live_setup.py"), "--delegates", "30",
                          "--items", str(items)], env=env, cwd=ROOT, timeout=300,
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"_live_setup.py failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout)


def worker_pid(arbiter: subprocess.Popen, timeout: float = 30) -> int:
    """The gevent worker of a gunicorn arbiter (its only child): the process that serves."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = subprocess.run(["pgrep", "-P", str(arbiter.pid)], capture_output=True, text=True)
        if out.stdout.split():
            return int(out.stdout.split()[0])
        time.sleep(0.2)
    raise RuntimeError("gunicorn started no worker")


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    """gunicorn listens before its worker has loaded the app: wait for a real answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()[-2000:]}")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url, timeout=5).read()
            return
        time.sleep(0.3)
    raise RuntimeError(f"no answer from {url}")


class MultiWorkers(live.Workers):
    """Client processes, each assigned to one server URL in turn."""

    def start_on(self, urls: list[str], target: live.Target, scratch: Path, args) -> None:
        tokens = target.client_tokens
        # a whole number of client processes per server, so every server gets its share
        processes = -(-max(args.processes, len(urls)) // len(urls)) * len(urls)
        share = -(-len(tokens) // processes)
        for index in range(processes):
            spec = {"url": urls[index % len(urls)],
                    "tokens": tokens[index * share:(index + 1) * share],
                    "join_event": target.join_event, "join_payload": target.join_payload,
                    "batch": args.batch, "connect_timeout": 30,
                    "connect_phase_timeout": args.connect_timeout,
                    "lifetime": args.max_seconds,
                    "results_path": str(scratch / f"{target.name}-clients-{index}.json")}
            spec_path = scratch / f"{target.name}-spec-{index}.json"
            spec_path.write_text(json.dumps(spec))
            proc = live.start([PYTHON, str(BENCH / "_live_clients.py"), str(spec_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              cwd=ROOT)
            self.procs.append(proc)
            self.results.append(Path(spec["results_path"]))
            threading.Thread(target=self._read, args=(index, proc), daemon=True).start()


def start_servers(target: live.Target, count: int, scratch: Path, queue_url: str):
    """(urls, serving pids, logs) of `count` servers of the target."""
    urls, pids, logs = [], [], []
    for index in range(count):
        port = free_port()
        log = scratch / f"{target.name}-server-{index}.log"
        if target.meeting_id is not None:
            command = gunicorn_command(port)
        else:
            command = target.command + [str(port), queue_url]
        with open(log, "wb") as log_file:
            proc = live.start(command, env=target.env, cwd=ROOT, stdout=log_file,
                              stderr=subprocess.STDOUT)
        live.wait_listening(proc, port, log, timeout=60)
        if target.meeting_id is not None:
            wait_http(f"http://127.0.0.1:{port}/login", proc, log)
        pids.append(worker_pid(proc) if target.meeting_id is not None else proc.pid)
        urls.append(f"http://127.0.0.1:{port}")
        logs.append(log)
    return urls, pids, logs


def run_target(target: live.Target, scratch: Path, args, queue_url: str) -> dict:
    urls, pids, logs = start_servers(target, args.servers, scratch, queue_url)
    chair, workers = None, MultiWorkers()
    try:
        chair = live.connect_chair(urls[0], target.chair_token)
        target.chair_join_and_open(chair)
        time.sleep(1)
        rss_before = [live.rss_bytes(pid) for pid in pids]
        started = time.monotonic()
        workers.start_on(urls, target, scratch, args)
        ready = workers.wait_ready(args.connect_timeout + 30)
        connect_seconds = time.monotonic() - started
        joined = sum(r["joined"] for r in ready)
        lost_connecting = sum(r["lost"] for r in ready)
        time.sleep(2)
        rss_connected = [live.rss_bytes(pid) for pid in pids]
        print(f"  {target.name}: {joined} clients joined over {len(urls)} processes in "
              f"{connect_seconds:.1f} s ({sum(r['failed'] for r in ready)} failed, "
              f"{lost_connecting} dropped since); moving…", flush=True)
        cpu_before = sum(live.cpu_seconds(pid) for pid in pids)
        moves = live.run_moves(target, chair, workers, args)
        cpu_moves = sum(live.cpu_seconds(pid) for pid in pids) - cpu_before
        rss_after = [live.rss_bytes(pid) for pid in pids]
        client_results = workers.finish()
    except Exception:
        for log in logs:
            print(f"{log.name}, last lines:\n{log.read_text(errors='replace')[-1200:]}",
                  file=sys.stderr)
        raise
    finally:
        if chair is not None:
            with contextlib.suppress(Exception):
                chair.disconnect()
        for proc in workers.procs:
            live._stop(proc)
        for proc in list(live._children):
            if proc.args and (proc.args == target.command or "gunicorn" in proc.args
                              or str(BENCH / "_live_bare_server.py") in proc.args):
                live._stop(proc)

    summary = live.summarise(moves, client_results, joined - lost_connecting - workers.lost)
    mib = 2**20
    return {
        **summary,
        "servers": len(urls),
        "clients_joined": joined,
        "clients_failed": sum(r["failed"] for r in ready),
        "connect_errors": [e for r in ready for e in r["errors"]][:5],
        "clients_lost_connecting": lost_connecting,
        "clients_lost_during_moves": workers.lost,
        "connect_seconds": connect_seconds,
        "rss_per_process_before_mb": [r / mib for r in rss_before],
        "rss_per_process_connected_mb": [r / mib for r in rss_connected],
        "rss_per_process_after_mb": [r / mib for r in rss_after],
        "rss_per_process_mean_mb": sum(rss_connected) / len(rss_connected) / mib,
        "memory_per_connection_kb":
            (sum(rss_connected) - sum(rss_before)) / max(joined, 1) / 1024,
        "server_cpu_ms_per_move": cpu_moves / max(args.warmup + args.moves, 1) * 1000,
    }


FIGURES = [
    ("last_client_p50_ms", "chair action → last observer, p50", "ms"),
    ("last_client_p99_ms", "chair action → last observer, p99", "ms"),
    ("last_client_max_ms", "chair action → last observer, max", "ms"),
    ("per_client_p50_ms", "chair action → any observer, p50", "ms"),
    ("per_client_p99_ms", "chair action → any observer, p99", "ms"),
    ("chair_ack_p50_ms", "chair's acknowledgement, p50", "ms"),
    ("rss_per_process_mean_mb", "memory per process (clients joined)", "MiB"),
    ("memory_per_connection_kb", "memory per connection", "KiB"),
    ("server_cpu_ms_per_move", "CPU of all processes per move", "ms"),
    ("connect_seconds", "connect + join phase", "s"),
]


def package_versions() -> dict:
    found = {}
    for name in ("python-socketio", "gunicorn", "gevent", "psycopg", "redis"):
        try:
            found[name.replace("-", "_")] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name.replace("-", "_")] = "unknown"
    return found


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--observers", type=int, default=5000)
    parser.add_argument("--servers", type=int, default=4, help="app processes")
    parser.add_argument("--processes", type=int, default=8,
                        help="client processes (rounded up to a multiple of --servers)")
    parser.add_argument("--moves", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=2, help="moves not counted")
    parser.add_argument("--spacing-ms", type=int, default=300, help="pause between moves")
    parser.add_argument("--move-timeout", type=float, default=20.0)
    parser.add_argument("--batch", type=int, default=5, help="handshakes at once per process")
    parser.add_argument("--connect-timeout", type=float, default=400.0,
                        help="connect phase bound per run")
    parser.add_argument("--max-seconds", type=float, default=1500.0, help="whole run bound")
    parser.add_argument("--only", choices=["app", "bare"], help="skip the other run")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    versions = package_versions()  # now: a venv being reinstalled later must not lose the run
    live.start_watchdog(args.max_seconds)
    fd_limit = live.raise_fd_limit()
    scratch = Path(tempfile.mkdtemp(prefix="bench-multiprocess-"))
    if args.keep:
        print(f"scratch folder (kept): {scratch}", flush=True)
    else:
        live._temp_dirs.append(scratch)
    print(f"bench_multiprocess: {args.observers} observers over {args.servers} app processes, "
          f"{args.processes} client processes, {args.moves} moves; {os.cpu_count()} cores",
          flush=True)
    postgres = Postgres(scratch / "postgres")
    redis = Redis(scratch / "redis")
    postgres.init()
    redis.start()
    try:
        runs = {}
        if args.only != "bare":
            instance = scratch / "instance"
            setup = prepare_database(instance, postgres.url, args.warmup + args.moves + 5)
            env = {**os.environ, "PAPERLESS_INSTANCE_PATH": str(instance),
                   "PAPERLESS_DATABASE_URL": postgres.url,
                   "PAPERLESS_SOCKETIO_QUEUE": redis.url, "PAPERLESS_ASYNC_MODE": "gevent",
                   "PAPERLESS_LOG_LEVEL": "warning", "PYTHONPATH": str(ROOT)}
            tokens = [setup["observers"][i % 2] for i in range(args.observers)]
            target = live.Target("app", gunicorn_command(0), env, "meeting:join",
                                 {"meeting_id": setup["meeting_id"]}, tokens, setup["chair"],
                                 setup["meeting_id"])
            runs["app"] = run_target(target, scratch, args, redis.url)
        if args.only != "app":
            target = live.Target("bare", [PYTHON, str(BENCH / "_live_bare_server.py")],
                                 dict(os.environ), "join", {}, [None] * args.observers, None)
            runs["bare"] = run_target(target, scratch, args, redis.url)
    finally:
        redis.stop()
        postgres.stop()
        if not args.keep:
            shutil.rmtree(scratch / "postgres", ignore_errors=True)

    app, bare = runs.get("app", {}), runs.get("bare", {})
    rows = []
    for key, label, unit in FIGURES:
        a, b = app.get(key), bare.get(key)
        # app/bare for people; value/baseline/baseline_value: the shape run_all.py reads
        rows.append({"figure": key, "label": label, "unit": unit, "app": a, "bare": b,
                     "ratio": a / b if a is not None and b else None, "value": a,
                     "baseline": "bare python-socketio + Redis", "baseline_value": b})
    if app and bare:
        print(f"\n{'':44} {'app':>10} {'bare':>10} {'app/bare':>9}")
        for row in rows:
            cells = ["—" if v is None else f"{v:,.1f}" for v in (row["app"], row["bare"])]
            ratio = "—" if row["ratio"] is None else f"{row['ratio']:.2f}×"
            print(f"{row['label'] + ' (' + row['unit'] + ')':44} {cells[0]:>10} {cells[1]:>10} "
                  f"{ratio:>9}")
    for name, run in runs.items():
        print(f"{name}: {run['clients_joined']} joined, {run['clients_failed']} failed, "
              f"{run['clients_lost_connecting']} + {run['clients_lost_during_moves']} dropped, "
              f"{run['moves_incomplete']} incomplete moves, {run['deliveries_missing']} "
              f"deliveries missing")
    report = {
        "parameters": {
            "observers": args.observers, "app_processes": args.servers,
            "client_processes": args.processes, "moves": args.moves,
            "warmup_moves": args.warmup, "spacing_ms": args.spacing_ms,
            "move_timeout_s": args.move_timeout, "connect_batch": args.batch,
            "server": "gunicorn, 1 gevent worker per process (make prod)",
            "queue": "Redis", "database": f"PostgreSQL ({postgres_bin().parent.name})",
            "transport": "websocket", "machine_cores": os.cpu_count(), "fd_limit": fd_limit,
            "python": platform.python_version(),
            **versions,
            "tokens": "observers share the guest and hall-screen tokens (half each)",
        },
        "figures": rows,
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nwritten {RESULTS.relative_to(ROOT)}")
    return report


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
        main()
    live._cleanup()
