"""Benchmark: does the hall notice an attack? A probe's latency while hostile work runs.

The acceptance item of issue 14. On loopback, in a fresh temporary instance, bounded in
count and time, stopping by itself:

1. Setup: `flask db upgrade`, `flask demo`; the app (`python -m paperless.serve`, gevent, as
   in production) on a free port; API tokens for the secretariat and 22 delegates; a large
   confidential document uploaded and published (not measured).
2. A probe: one delegate's Socket.IO client joined to the live session sends
   `live:snapshot` and waits for its answer, again and again (every 20 ms), for the whole
   run — the round trip is what any tablet in the hall feels. It runs in a process of its
   own; the attackers (this process, its threads and curl readers) run at nice 10, as the
   other devices of the hall they stand for would not take the server's CPU.
3. Phases, one after another, each with the probe's p50/p99/max and the server's peak RSS
   (VmHWM, reset before each phase through /proc/<pid>/clear_refs) and the worker
   processes' peak RSS (sampled):
   - quiet: nothing but the probe (the baseline of every other row);
   - verify: a 12.9 MB PDF with 3,000 junk signature fields to the public verify;
   - upload: a 20,000-page PDF uploaded by the secretariat;
   - readers: 20 delegates read the large confidential document at once (a per-reader
     watermarked copy each);
   - json: a 99 MB JSON list posted to /api/v1/auth/token (unauthenticated);
   - flood: one delegate sends 2,000 `live:snapshot` events as fast as it can (only part B's
     rate limits make this one quiet).
   An attack that ends before `--phase-seconds` (5 s) is sent again, as a script would, until
   the window is over: a refusal in 70 ms would otherwise leave no probe round trip to measure,
   and a p99 needs a few hundred of them. The row says how many times it ran.
Target (issue 14): probe p99 within 2× the quiet figure and server RSS under 1 GB in every
phase.

Prints a table and writes bench/results/hostile.json (figures in bench/_common.py's shape).
Run: `.venv/bin/python bench/bench_hostile.py` (`--quick` for a small run).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import socketio

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from _common import figure  # noqa: E402

from tests.pdf_bombs import page_bomb, signature_field_bomb  # noqa: E402

RESULTS = BENCH / "results" / "hostile.json"
PYTHON = sys.executable
MEETING_ID = 1

_children: list[subprocess.Popen] = []
_temp_dirs: list[Path] = []


def _cleanup() -> None:
    for proc in reversed(_children):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    for folder in _temp_dirs:
        shutil.rmtree(folder, ignore_errors=True)


atexit.register(_cleanup)


def start_watchdog(seconds: float) -> None:
    def expire():
        print(f"\nbench_hostile: over {seconds:.0f} s, stopping everything", file=sys.stderr,
              flush=True)
        _cleanup()
        os._exit(2)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the server and its memory ------------------------------------------------------------

class Server:
    def __init__(self, instance: Path, workers: int | None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PAPERLESS_INSTANCE_PATH": str(instance), "HOST": "127.0.0.1",
               "PORT": str(self.port), "PAPERLESS_ASYNC_MODE": "gevent"}
        env.pop("PAPERLESS_DATABASE_URL", None)
        if workers is not None:
            env["PAPERLESS_WORKERS"] = str(workers)
        self.log = instance / "server.log"
        self.proc = subprocess.Popen([PYTHON, "-m", "paperless.serve"], env=env, cwd=ROOT,
                                     stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        _children.append(self.proc)
        deadline = time.monotonic() + 300  # a shared, loaded machine starts slowly
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log.read_text()[-2000:]}")
            with contextlib.suppress(OSError):
                urllib.request.urlopen(self.url + "/login", timeout=2).read()
                return
            time.sleep(0.3)
        raise RuntimeError("server did not start")

    def _status(self, pid: int) -> dict[str, int]:
        out = {}
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(("VmRSS:", "VmHWM:")):
                    out[line.split(":")[0]] = int(line.split()[1]) // 1024
        return out

    def rss_mb(self) -> int:
        return self._status(self.proc.pid).get("VmRSS", 0)

    def reset_peak(self) -> bool:
        """Start the kernel's peak-RSS counter afresh (Linux ≥ 4.0; needs the owner/root)."""
        try:
            Path(f"/proc/{self.proc.pid}/clear_refs").write_text("5")
            return True
        except OSError:
            return False

    def peak_mb(self) -> int:
        return self._status(self.proc.pid).get("VmHWM", 0)

    def children_rss_mb(self) -> int:
        try:
            pids = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return 0
        return sum(self._status(int(pid)).get("VmRSS", 0) for pid in pids)


def api(server: Server, method: str, path: str, *, token: str | None = None, data=None,
        headers: dict | None = None, timeout: float = 600) -> tuple[int, bytes]:
    request = urllib.request.Request(server.url + path, method=method, data=data,
                                     headers={**({"Authorization": f"Bearer {token}"}
                                                 if token else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, BrokenPipeError | ConnectionResetError):
            # the server answered early and hung up on the rest of the body (a refusal that
            # urllib, still sending, does not read)
            return 0, b""
        raise


def token(server: Server, username: str) -> str:
    status, body = api(server, "POST", "/api/v1/auth/token",
                       data=json.dumps({"username": username, "password": "kyhopso"}).encode(),
                       headers={"Content-Type": "application/json"})
    assert status == 201, (status, body[:300])
    return json.loads(body)["token"]


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "hostilebench0boundary"
    parts = b"".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n"
                     f"{v}\r\n".encode() for k, v in fields.items())
    parts += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
              f"filename=\"{filename}\"\r\nContent-Type: application/pdf\r\n\r\n").encode()
    return parts + content + f"\r\n--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"


# --- the probe and the samplers -----------------------------------------------------------

class Probe:
    """A delegate's tablet: `live:snapshot` round trips, one after another, from a process
    of its own. In the bench's process it would share an interpreter lock with the attackers
    (2,000 emits, 20 readers) and measure them, not the server."""

    def __init__(self, server: Server, delegate_token: str, interval: float):
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self.pipe, theirs = context.Pipe()
        self.process = context.Process(target=_probe_main, daemon=True,
                                       args=(server.url, delegate_token, interval, theirs))
        self.samples: list[tuple[float, float]] = []  # (sent at, round trip ms)
        self.failures = 0
        self.connected = False
        self.ended = threading.Event()

    def start(self) -> Probe:
        self.process.start()
        kind, detail = self.pipe.recv()  # joined, or why not
        if kind != "joined":
            raise RuntimeError(f"the probe could not join: {detail}")
        self.connected = True
        threading.Thread(target=self._collect, daemon=True).start()
        return self

    def _collect(self) -> None:
        while True:
            try:
                message = self.pipe.recv()
            except EOFError:
                break
            if message[0] == "sample":  # CLOCK_MONOTONIC: the same clock in both processes
                self.samples.append(message[1:])
            elif message[0] == "failure":
                self.failures += 1
            elif message[0] == "end":
                self.connected = message[1]
                break
        self.ended.set()

    def between(self, start: float, end: float) -> list[float]:
        return [ms for at, ms in self.samples if start <= at <= end]

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.pipe.send("stop")
        self.ended.wait(150)
        self.process.join(10)


def _probe_main(url: str, delegate_token: str, interval: float, pipe) -> None:
    client = socketio.Client(reconnection=False)
    try:
        client.connect(url, auth={"token": delegate_token}, transports=["websocket"],
                       wait_timeout=30)
        answer = client.call("meeting:join", {"meeting_id": MEETING_ID}, timeout=30)
        assert answer.get("ok"), answer
    except Exception as exc:
        pipe.send(("failed", repr(exc)))
        return
    pipe.send(("joined", None))
    while not pipe.poll(interval):
        sent = time.monotonic()
        try:
            client.call("live:snapshot", {"meeting_id": MEETING_ID}, timeout=120)
            pipe.send(("sample", sent, (time.monotonic() - sent) * 1000))
        except Exception:
            pipe.send(("failure",))
    pipe.send(("end", client.connected))
    with contextlib.suppress(Exception):
        client.disconnect()


class WorkerSampler:
    """The worker processes' RSS (they come and go), sampled; the peak since reset()."""

    def __init__(self, server: Server):
        self.server, self.peak = server, 0
        self.stopping = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self.stopping.wait(0.05):
            self.peak = max(self.peak, self.server.children_rss_mb())

    def reset(self) -> None:
        self.peak = self.server.children_rss_mb()


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


# --- the attacks ------------------------------------------------------------------------

def attack_verify(server: Server, ctx: dict) -> dict:
    data = ctx["verify_pdf"]
    body, content_type = multipart({}, "ky-so.pdf", data)
    status, answer = api(server, "POST", "/api/v1/verify", data=body,
                         headers={"Content-Type": content_type})
    code = (json.loads(answer).get("error") or {}).get("code") if answer[:1] == b"{" else None
    return {"status": status or "closed by the server", "code": code,
            "file_mb": round(len(data) / 1e6, 1)}


def attack_upload(server: Server, ctx: dict) -> dict:
    data = ctx["upload_pdf"]
    body, content_type = multipart({"title": "Phụ lục rất dài"}, "phu-luc.pdf", data)
    status, answer = api(server, "POST", f"/api/v1/meetings/{MEETING_ID}/documents",
                         token=ctx["staff"], data=body, headers={"Content-Type": content_type})
    code = (json.loads(answer).get("error") or {}).get("code") if status >= 400 else None
    return {"status": status, "code": code, "file_mb": round(len(data) / 1e6, 1)}


def attack_readers(server: Server, ctx: dict) -> dict:
    # Each reader is a curl process: the readers' client-side work (20 threads receiving a
    # megabyte each) must not share the probe's interpreter, or the probe would measure
    # its own GIL rather than the server.
    url = f"{server.url}/api/v1/documents/{ctx['confidential_id']}/file"
    readers = [subprocess.Popen(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download}",
                                 "-H", f"Authorization: Bearer {t}", url],
                                stdout=subprocess.PIPE, text=True) for t in ctx["readers"]]
    answers = [reader.communicate(timeout=900)[0].split() for reader in readers]
    statuses = [int(a[0]) for a in answers if a]
    sizes = [int(a[1]) for a in answers if len(a) > 1]
    return {"readers": len(readers), "ok": statuses.count(200),
            "statuses": sorted(set(statuses)), "mb_each": round(max(sizes or [0]) / 1e6, 1)}


def attack_json(server: Server, ctx: dict) -> dict:
    size = ctx["json_mb"] * 1024 * 1024
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)

    def body():
        yield b"["
        chunk = b"1," * (1 << 19)
        for _ in range(size // len(chunk)):
            yield chunk
        yield b"1]"

    try:
        connection.request("POST", "/api/v1/auth/token", body=body(),
                           headers={"Content-Type": "application/json",
                                    "Content-Length": str(size + 2)})
        response = connection.getresponse()
        status = response.status
        response.read()
    except (BrokenPipeError, ConnectionResetError):
        status = "connection closed by the server"
    finally:
        connection.close()
    return {"status": status, "body_mb": ctx["json_mb"]}


def attack_flood(server: Server, ctx: dict) -> dict:
    client = socketio.Client(reconnection=False)
    try:
        client.connect(server.url, auth={"token": ctx["flooder"]}, transports=["websocket"],
                       wait_timeout=30)
    except socketio.exceptions.ConnectionError:
        return {"connect": "refused"}  # dropped for flooding a moment ago: it has to wait
    client.call("meeting:join", {"meeting_id": MEETING_ID}, timeout=30)
    answered = threading.Semaphore(0)
    outcomes: dict[str, int] = {}

    def done(answer=None):
        key = "ok" if isinstance(answer, dict) and answer.get("ok") else \
            str((answer or {}).get("error", {}).get("code") if isinstance(answer, dict) else answer)
        outcomes[key] = outcomes.get(key, 0) + 1
        answered.release()

    for _ in range(ctx["flood_events"]):
        client.emit("live:snapshot", {"meeting_id": MEETING_ID}, callback=done)
    deadline = time.monotonic() + 120
    got = 0
    while got < ctx["flood_events"] and time.monotonic() < deadline:
        if answered.acquire(timeout=1):
            got += 1
        elif not client.connected:
            break  # the server dropped the flooder: no more answers will come
    connected = client.connected
    client.disconnect()
    return {"events": ctx["flood_events"], "answered": got, "outcomes": outcomes,
            "still_connected": connected}


ATTACKS = [
    ("verify", "3,000-field PDF to the public verify", attack_verify),
    ("upload", "20,000-page PDF upload", attack_upload),
    ("readers", "20 delegates read a large confidential document", attack_readers),
    ("json", "99 MB JSON body to /api/v1/auth/token", attack_json),
    ("flood", "one delegate floods 2,000 socket events", attack_flood),
]


# --- the run --------------------------------------------------------------------------------

def prepare(folder: Path) -> None:
    env = {**os.environ, "PAPERLESS_INSTANCE_PATH": str(folder)}
    env.pop("PAPERLESS_DATABASE_URL", None)
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run([PYTHON, "-m", "flask", "--app", "paperless", *command], env=env,
                       cwd=ROOT, check=True, timeout=300, stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smaller upload/readers document and flood; the same attacks")
    parser.add_argument("--verify-fields", type=int, default=3000)
    parser.add_argument("--upload-pages", type=int, default=20_000)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--confidential-pages", type=int, default=1000)
    parser.add_argument("--json-mb", type=int, default=99)
    parser.add_argument("--flood-events", type=int, default=2000)
    parser.add_argument("--quiet-seconds", type=float, default=10)
    parser.add_argument("--phase-seconds", type=float, default=5,
                        help="each attack is sent again until this long has passed")
    parser.add_argument("--probe-interval", type=float, default=0.02)
    parser.add_argument("--workers", type=int, default=None,
                        help="PAPERLESS_WORKERS for the server (default: its own default)")
    parser.add_argument("--max-seconds", type=float, default=1500)
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary instance (and the server's log) afterwards")
    parser.add_argument("--only", nargs="+", choices=[key for key, _, _ in ATTACKS],
                        help="run only these attacks (after the quiet phase)")
    args = parser.parse_args(argv)
    if args.quick:
        args.upload_pages = min(args.upload_pages, 5000)
        args.confidential_pages = min(args.confidential_pages, 200)
        args.flood_events = min(args.flood_events, 500)
        args.quiet_seconds = min(args.quiet_seconds, 5)
        args.max_seconds = min(args.max_seconds, 900)
    start_watchdog(args.max_seconds)

    folder = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    if not args.keep:
        _temp_dirs.append(folder)
    print(f"setting up in {folder} …", flush=True)
    prepare(folder)
    server = Server(folder, args.workers)
    staff = token(server, "thuky")
    delegates = [token(server, f"daibieu{n:02d}") for n in range(1, args.readers + 3)]
    body, content_type = multipart({"access": "confidential", "title": "Tài liệu mật"},
                                   "mat.pdf", page_bomb(args.confidential_pages))
    status, created = api(server, "POST", f"/api/v1/meetings/{MEETING_ID}/documents",
                          token=staff, data=body, headers={"Content-Type": content_type})
    assert status == 201, (status, created[:300])
    confidential_id = json.loads(created)["id"]
    status, _ = api(server, "POST", f"/api/v1/documents/{confidential_id}/publish", token=staff)
    assert status == 200, status
    ctx = {"staff": staff, "readers": delegates[:args.readers], "flooder": delegates[-1],
           "confidential_id": confidential_id, "json_mb": args.json_mb,
           "flood_events": args.flood_events,
           "verify_pdf": signature_field_bomb(args.verify_fields),
           "upload_pdf": page_bomb(args.upload_pages)}

    probe = Probe(server, delegates[-2], args.probe_interval).start()
    # The attackers (this process and its curl readers) stand for other devices in the hall;
    # on one small machine they run below the server and the probe in the scheduler, so
    # their own CPU is not counted as the server's slowness.
    with contextlib.suppress(OSError):
        os.nice(10)
    sampler = WorkerSampler(server)
    can_reset = server.reset_peak()
    phases = []

    def phase(key: str, label: str, work, min_seconds: float = 0) -> None:
        time.sleep(1)  # let the previous phase's answers drain
        server.reset_peak()
        sampler.reset()
        started = time.monotonic()
        outcome, runs = work(), 1
        while time.monotonic() - started < min_seconds:
            last, runs = work(), runs + 1
        ended = time.monotonic()
        if runs > 1:
            outcome = {"runs": runs, "first": outcome, "last": last}
        latencies = probe.between(started, ended)
        row = {"phase": key, "label": label, "seconds": round(ended - started, 2),
               "probes": len(latencies),
               "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99),
               "max_ms": max(latencies) if latencies else None,
               "server_peak_rss_mb": server.peak_mb() if can_reset else server.rss_mb(),
               "workers_peak_rss_mb": sampler.peak, "outcome": outcome}
        phases.append(row)
        print(f"  {key:8} {row['seconds']:7.1f} s  probe p99 {row['p99_ms'] or 0:8.1f} ms  "
              f"max {row['max_ms'] or 0:8.1f} ms  server {row['server_peak_rss_mb']} MB  "
              f"workers {row['workers_peak_rss_mb']} MB  {outcome}", flush=True)

    print("phases:", flush=True)
    phase("quiet", "no attack", lambda: time.sleep(args.quiet_seconds))
    for key, label, attack in ATTACKS:
        if args.only and key not in args.only:
            continue
        phase(key, label, lambda attack=attack: attack(server, ctx), args.phase_seconds)
    probe.stop()
    probe_connected = probe.connected
    sampler.stopping.set()

    quiet = phases[0]
    figures = []
    for row in phases[1:]:
        figures += [
            figure(f"{row['phase']}_probe_p99", f"{row['label']}: probe p99", "ms",
                   row["p99_ms"], "quiet", quiet["p99_ms"]),
            figure(f"{row['phase']}_probe_max", f"{row['label']}: probe max", "ms",
                   row["max_ms"], "quiet", quiet["max_ms"]),
            figure(f"{row['phase']}_server_rss", f"{row['label']}: server peak RSS", "MB",
                   row["server_peak_rss_mb"], "quiet", quiet["server_peak_rss_mb"]),
            figure(f"{row['phase']}_workers_rss", f"{row['label']}: worker processes' peak RSS",
                   "MB", row["workers_peak_rss_mb"]),
        ]
    report = {
        "parameters": {"quick": args.quick, "verify_fields": args.verify_fields,
                       "upload_pages": args.upload_pages, "readers": args.readers,
                       "confidential_pages": args.confidential_pages, "json_mb": args.json_mb,
                       "flood_events": args.flood_events, "phase_seconds": args.phase_seconds,
                       "workers": args.workers or "default",
                       "cores": os.cpu_count(), "python": platform.python_version(),
                       "load_average": round(os.getloadavg()[0], 2)},
        "phases": phases, "probe_failures": probe.failures,
        "probe_connected_at_end": probe_connected, "figures": figures,
        "quiet_p50_ms": quiet["p50_ms"],
        "median_probe_ms": statistics.median(ms for _, ms in probe.samples)
        if probe.samples else None,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print("\n| phase | seconds | probe p99 | probe max | server peak RSS | workers' peak RSS |")
    print("|---|---|---|---|---|---|")
    for row in phases:
        print(f"| {row['label']} | {row['seconds']} | {row['p99_ms'] or 0:.1f} ms | "
              f"{row['max_ms'] or 0:.1f} ms | {row['server_peak_rss_mb']} MB | "
              f"{row['workers_peak_rss_mb']} MB |")
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
