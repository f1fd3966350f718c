"""Benchmark: publish a meeting of 50 PDFs (~200 MB) and serve it to 100 concurrent clients.

The acceptance item of the documents issue. Everything runs on loopback in a fresh temporary
instance and stops by itself:

1. Generate 50 distinct PDFs of ~4 MB each (text pages plus incompressible image pages, so the
   bytes on the wire are real), upload them through the HTTP API as the secretariat and
   publish them; time the whole publication.
2. Serve them to 100 concurrent clients, each fetching every document once with a delegate's
   bearer token: from the app (`python -m paperless.serve`, gevent), from nginx serving the
   blob files straight from disk (the baseline), and from nginx in front of the app with
   X-Accel-Redirect (what a production deployment behind nginx gets).
3. The same for PDF.js-style 64 KiB byte ranges, plus two more ways: the signed range links
   of issue #18 (`/ranges/…`, no credentials) answered by the app's middleware alone, and by
   nginx's `secure_link` (docs/deploy/nginx.conf) in front of the app.

nginx runs with `tcp_nopush off` (`--tcp-nopush on` to compare): with `sendfile` and
`tcp_nopush on` (Debian's default nginx.conf) a 64 KiB answer's last segment waits for the
client's delayed ACK, and the baseline itself stalls (issue #18: 1.3–1.8k req/s, p50 44 ms).

Prints a table and writes bench/results/documents.json. Needs Debian's nginx (`nginx-light`);
without it the baseline columns are skipped. Run: `.venv/bin/python bench/bench_documents.py`.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import http.client
import json
import multiprocessing
import os
import platform
import random
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "documents.json"
MB = 1_000_000  # throughput is in decimal megabytes per second
PASSWORD = "kyhopso"  # the demo password (refused in production, fine in a throw-away instance)
RANGE_BYTES = 64 * 1024  # PDF.js asks for 64 KiB chunks (its rangeChunkSize default)


# --- processes we start, and stopping them whatever happens ------------------------------

_children: list[subprocess.Popen] = []
_temp_dirs: list[Path] = []


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL of the process group it leads (nginx workers, app greenlets)."""
    if proc.poll() is None:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # our own session: start_new_session=True
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def cleanup() -> None:
    while _children:
        _stop(_children.pop())
    while _temp_dirs:
        shutil.rmtree(_temp_dirs.pop(), ignore_errors=True)


def spawn(args: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
    with log.open("wb") as out:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    _children.append(proc)
    return proc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited early:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def proc_stats(pids: list[int]) -> dict:
    """RSS (MB) and CPU seconds (user+system) of processes, from /proc."""
    rss = hwm = cpu = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{pid}/status").read_text()
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    hwm += int(line.split()[1]) / 1024
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / tick
    return {"rss_mb": round(rss, 1), "peak_rss_mb": round(hwm, 1), "cpu_s": round(cpu, 2)}


def process_tree(pid: int) -> list[int]:
    """The process and its children (nginx master + workers)."""
    pids = [pid]
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(c) for c in (task / "children").read_text().split()]
    return pids


# --- realistic session documents --------------------------------------------------------

AGENDA_TEXT = [
    "Bao cao tinh hinh kinh te - xa hoi nam 2026 va ke hoach nam 2027",
    "Bao cao tham tra cua Ban Kinh te - Xa hoi HDND xa",
    "Du thao Nghi quyet ve du toan ngan sach nha nuoc xa nam 2027",
    "Du thao Nghi quyet ve ke hoach dau tu cong nam 2027",
    "Bao cao ket qua giai quyet kien nghi cu tri truoc ky hop",
    "To trinh ve ke hoach to chuc cac ky hop thuong le nam 2027",
]


def _pdf_string(text: str) -> bytes:
    return b"(" + text.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(
        b")", b"\\)") + b")"


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< %s/Length %d >>\nstream\n" % (extra, len(data)) + data + b"\nendstream"


def make_pdf(rng: random.Random, index: int, size: int) -> bytes:
    """A report: three pages of text, then scanned annexes (random RGB pixels, Flate-wrapped
    but incompressible) sized so the whole file is about `size` bytes. Distinct bytes per
    file, since the blob store keeps identical files once."""
    objects: list[bytes] = [b"", b"", b"", b"<< /Type /Font /Subtype /Type1 "
                            b"/BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    title = f"Tai lieu {index:02d}: {AGENDA_TEXT[index % len(AGENDA_TEXT)]}"
    pages: list[int] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def add_page(content: bytes, image: int | None = None) -> None:
        xobject = b"/XObject << /Im1 %d 0 R >> " % image if image else b""
        contents = add(_stream(content))
        pages.append(add(b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] /Resources "
                         b"<< /Font << /F1 4 0 R >> %s>> /Contents %d 0 R >>"
                         % (xobject, contents)))

    for page in range(3):
        lines = [f"{title} - trang {page + 1}"] + [
            f"{n + 1}. {rng.choice(AGENDA_TEXT)}; chi tieu {rng.randint(1, 999)} ty dong, "
            f"dat {rng.randint(60, 120)}% ke hoach." for n in range(40)]
        text = b"BT /F1 10 Tf 13 TL 40 800 Td " + b" ".join(
            _pdf_string(line) + b" Tj T*" for line in lines) + b" ET"
        add_page(text)
    annexes = 3
    width = 1200
    height = max(1, (size - 20_000) // annexes // (width * 3))
    for _ in range(annexes):
        pixels = rng.randbytes(width * height * 3)
        image = add(_stream(zlib.compress(pixels, 0), b"/Type /XObject /Subtype /Image "
                            b"/Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 "
                            b"/Filter /FlateDecode " % (width, height)))
        add_page(b"q 515 0 0 %d 40 60 cm /Im1 Do Q" % min(740, 515 * height // width), image)
    objects[0] = b"<< /Type /Catalog /Pages 3 0 R >>"
    objects[1] = b"<< /Title %s /Producer (bench_documents.py) >>" % _pdf_string(title)
    objects[2] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (
        len(pages), b" ".join(b"%d 0 R" % p for p in pages))

    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 2 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def make_documents(count: int, total_mb: float, seed: int = 2026) -> list[bytes]:
    rng = random.Random(seed)
    weights = [rng.uniform(0.8, 1.2) for _ in range(count)]  # 3.2–4.8 MB each
    scale = total_mb * MB / sum(weights)
    return [make_pdf(rng, i + 1, int(w * scale)) for i, w in enumerate(weights)]


# --- the app's API, as a client sees it -----------------------------------------------

def api(port: int, method: str, path: str, *, token: str | None = None, json_body=None,
        body: bytes | None = None, content_type: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if json_body is not None:
        body, content_type = json.dumps(json_body).encode(), "application/json"
    if content_type:
        headers["Content-Type"] = content_type
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: {response.status} {data[:500]!r}")
    return json.loads(data)


def login(port: int, username: str) -> str:
    return api(port, "POST", "/api/v1/auth/token",
               json_body={"username": username, "password": PASSWORD})["token"]


def multipart(fields: dict[str, str], filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = f"bench{random.getrandbits(64):016x}"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode())
    return b"".join(parts) + data + f"\r\n--{boundary}--\r\n".encode(), (
        f"multipart/form-data; boundary={boundary}")


def agenda_ids(meeting: dict) -> list[int]:
    def walk(items):
        for item in items:
            yield item["id"]
            yield from walk(item.get("children") or [])
    return list(walk(meeting.get("agenda") or []))


def publish_meeting(port: int, docs: list[bytes]) -> tuple[dict, list[dict]]:
    """Upload every PDF as the secretariat, one after another, then publish them all."""
    token = login(port, "thuky")
    meeting = api(port, "GET", "/api/v1/meetings", token=token)["meetings"][0]
    items = agenda_ids(api(port, "GET", f"/api/v1/meetings/{meeting['id']}", token=token))
    uploaded, upload_times = [], []
    started = time.perf_counter()
    for i, data in enumerate(docs):
        fields = {"title": f"Tài liệu số {i + 1:02d} — kỳ họp thứ năm", "access": "delegates"}
        if items:
            fields["agenda_item_id"] = str(items[i % len(items)])
        body, ctype = multipart(fields, f"tai-lieu-{i + 1:02d}.pdf", data)
        t0 = time.perf_counter()
        uploaded.append(api(port, "POST", f"/api/v1/meetings/{meeting['id']}/documents",
                            token=token, body=body, content_type=ctype))
        upload_times.append(time.perf_counter() - t0)
    ids = [d["id"] for d in uploaded]  # only these: the demo may hold unpublished ones too
    published = api(port, "POST", f"/api/v1/meetings/{meeting['id']}/documents/publish",
                    token=token, json_body={"document_ids": ids})["published"]
    seconds = time.perf_counter() - started
    assert sorted(published) == sorted(ids), published
    total = sum(len(d) for d in docs)
    return {
        "documents": len(docs), "total_mb": round(total / MB, 1), "seconds": round(seconds, 2),
        "mb_per_s": round(total / MB / seconds, 1),
        "upload_p50_s": round(statistics.median(upload_times), 3),
        "upload_max_s": round(max(upload_times), 3),
    }, uploaded


# --- the load generator ------------------------------------------------------------------
# Each worker process drives many keep-alive connections with one selector and recv_into a
# reused 1 MiB buffer: a few Python steps per MiB, so the client costs about what the
# kernel's copy costs and stays out of the way. Counts are fixed and a deadline stops it.

@dataclass
class Request:
    raw: bytes  # the whole HTTP/1.1 request
    status: int  # what a correct server answers
    length: int  # and how many body bytes


@dataclass
class _Conn:
    requests: list[Request]
    port: int
    sock: socket.socket | None = None
    index: int = 0
    sent_at: float = 0.0
    head: bytearray = field(default_factory=bytearray)
    remaining: int = -1  # body bytes still to come; -1 while reading the head
    close_after: bool = False


def _parse_head(conn: _Conn, request: Request) -> int:
    """Parse the status line and headers; returns how many body bytes are already in head."""
    end = conn.head.find(b"\r\n\r\n")
    if end < 0:
        return -1
    lines = bytes(conn.head[:end]).decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    if status != request.status:
        raise RuntimeError(f"status {status}, expected {request.status}: {lines[0]}")
    length = int(headers.get("content-length", "-1"))
    if length != request.length:
        raise RuntimeError(f"Content-Length {length}, expected {request.length}")
    conn.close_after = headers.get("connection", "").lower() == "close"
    conn.remaining = length
    return len(conn.head) - end - 4


def _connect(conn: _Conn, sel: selectors.BaseSelector) -> None:
    conn.sock = socket.create_connection(("127.0.0.1", conn.port), timeout=30)
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conn.sock.setblocking(False)
    sel.register(conn.sock, selectors.EVENT_READ, conn)


def _send(conn: _Conn) -> None:
    conn.head.clear()
    conn.remaining = -1
    conn.sent_at = time.perf_counter()
    conn.sock.sendall(conn.requests[conn.index].raw)  # < 1 KB: fits the empty socket buffer


def load_worker(port: int, plans: list[list[Request]], start_at: float, limit_s: float) -> dict:
    """Run `plans` (one list of requests per client) concurrently; returns the counts."""
    while time.monotonic() < start_at:  # all workers start together
        time.sleep(0.005)
    cpu0 = os.times()
    began = time.perf_counter()
    deadline = time.monotonic() + limit_s
    sel = selectors.DefaultSelector()
    buffer = memoryview(bytearray(1 << 20))
    latencies: list[float] = []
    body_bytes = reconnects = 0
    errors: list[str] = []
    active = []
    for plan in plans:
        conn = _Conn(plan, port)
        _connect(conn, sel)
        _send(conn)
        active.append(conn)
    live = len(active)
    while live and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            conn: _Conn = key.data
            request = conn.requests[conn.index]
            try:
                n = conn.sock.recv_into(buffer)
                if n == 0:
                    raise RuntimeError("server closed the connection mid-response")
                if conn.remaining < 0:
                    conn.head += buffer[:n]
                    n = _parse_head(conn, request)
                    if n < 0:
                        continue
                conn.remaining -= n
                body_bytes += n
                if conn.remaining > 0:
                    continue
                if conn.remaining < 0:
                    raise RuntimeError("more bytes than Content-Length")
                latencies.append(time.perf_counter() - conn.sent_at)
            except (OSError, RuntimeError) as exc:
                errors.append(f"{request.raw.split(b' ')[1].decode()}: {exc}")
                conn.close_after = True
            conn.index += 1
            if conn.close_after or conn.index == len(conn.requests):
                sel.unregister(conn.sock)
                conn.sock.close()
                if conn.index == len(conn.requests):
                    live -= 1
                    continue
                _connect(conn, sel)
                reconnects += 1
            _send(conn)
    wall = time.perf_counter() - began
    for conn in active:
        with contextlib.suppress(OSError):
            conn.sock.close()
    cpu1 = os.times()
    return {"latencies": latencies, "bytes": body_bytes, "errors": errors,
            "reconnects": reconnects, "wall": wall, "timed_out": live > 0,
            "cpu_s": (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)}


def run_load(port: int, plans: list[list[Request]], workers: int, limit_s: float) -> dict:
    """Spread the clients over `workers` processes; all start at the same instant."""
    ctx = multiprocessing.get_context("spawn")
    shares = [plans[i::workers] for i in range(workers)]
    with ctx.Pool(workers) as pool:
        start_at = time.monotonic() + 2.0  # time for the spawned workers to import this file
        pending = pool.starmap_async(load_worker, [(port, s, start_at, limit_s) for s in shares])
        parts = pending.get(timeout=limit_s + 60)
    latencies = sorted(x for p in parts for x in p["latencies"])
    wall = max(p["wall"] for p in parts)
    total = sum(p["bytes"] for p in parts)
    errors = [e for p in parts for e in p["errors"]]

    def pct(q: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 1)

    return {
        "requests": len(latencies), "planned": sum(len(p) for p in plans),
        "errors": len(errors), "first_errors": errors[:5], "timed_out": any(
            p["timed_out"] for p in parts), "reconnects": sum(p["reconnects"] for p in parts),
        "mb": round(total / MB, 1), "seconds": round(wall, 2),
        "mb_per_s": round(total / MB / wall, 1), "req_per_s": round(len(latencies) / wall, 1),
        "p50_ms": pct(0.50) if latencies else None, "p99_ms": pct(0.99) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        "client_cpu_s": round(sum(p["cpu_s"] for p in parts), 2),
    }


# --- what the clients ask for ------------------------------------------------------------

@dataclass
class Served:
    """One published document: its app id, blob path and size."""

    doc_id: int
    blob: str  # "ab/cdef…", relative to instance/blobs/
    size: int
    link: str = ""  # a signed range link (/ranges/…), asked before the ranges phase


def _request(path: str, port: int, token: str | None, byte_range: tuple[int, int] | None,
             size: int) -> Request:
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    if byte_range:
        lines.append(f"Range: bytes={byte_range[0]}-{byte_range[1]}")
        return Request(("\r\n".join(lines) + "\r\n\r\n").encode(), 206,
                       byte_range[1] - byte_range[0] + 1)
    return Request(("\r\n".join(lines) + "\r\n\r\n").encode(), 200, size)


def full_plans(docs: list[Served], clients: int, rounds: int, target: str, port: int,
               tokens: list[str]) -> list[list[Request]]:
    """Client i fetches every document `rounds` times, starting at document i (so the
    clients do not all read the same file at once, as delegates open different items)."""
    plans = []
    for c in range(clients):
        order = [docs[(c + k) % len(docs)] for k in range(len(docs) * rounds)]
        plans.append([_request(_path(d, target), port, _token(target, tokens, c), None, d.size)
                      for d in order])
    return plans


def range_plans(docs: list[Served], clients: int, per_client: int, target: str, port: int,
                tokens: list[str], seed: int = 7) -> list[list[Request]]:
    """PDF.js reading pages: aligned 64 KiB ranges at random places of random documents;
    the same sequence for every target."""
    rng = random.Random(seed)
    plans = []
    for c in range(clients):
        plan = []
        for _ in range(per_client):
            d = rng.choice(docs)
            start = rng.randrange(0, d.size, RANGE_BYTES)
            end = min(start + RANGE_BYTES, d.size) - 1
            plan.append(_request(_path(d, target), port, _token(target, tokens, c),
                                 (start, end), d.size))
        plans.append(plan)
    return plans


def _path(doc: Served, target: str) -> str:
    if target == "nginx":
        return "/" + doc.blob
    if target == "signed":
        return doc.link
    return f"/api/v1/documents/{doc.doc_id}/file?version=1"


def _token(target: str, tokens: list[str], client: int) -> str | None:
    return None if target in ("nginx", "signed") else tokens[client % len(tokens)]


def range_link_key(instance: Path) -> str:
    """The derived key nginx is given (`flask range-link-key` prints its `set` line)."""
    printed = subprocess.run([sys.executable, "-m", "flask", "--app", "paperless",
                              "range-link-key"], cwd=ROOT, env=app_env(instance, 0),
                             check=True, capture_output=True, text=True, timeout=120).stdout
    return printed.split('"')[1]


# --- nginx -------------------------------------------------------------------------------

NGINX_CONF = """\
# Generated by bench/bench_documents.py for one run; deleted with its temp dir.
{user}worker_processes {workers};
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;           # Debian's default: the kernel copies page cache to the socket
    tcp_nopush {tcp_nopush};      # off: see the module's docstring
    keepalive_requests 100000;
    default_type application/pdf;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    # The baseline: the blob files straight from disk.
    server {{
        listen 127.0.0.1:{static_port};
        root {blobs};
    }}
    # A deployment: nginx in front of the app, documents by X-Accel-Redirect to /_blobs/.
    upstream app {{
        server 127.0.0.1:{app_port};
        keepalive 128;
    }}
    server {{
        listen 127.0.0.1:{proxy_port};
        client_max_body_size 101m;
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
        }}
        location /_blobs/ {{
            internal;
            alias {blobs}/;
        }}
        # Signed range links checked by nginx itself (as in docs/deploy/nginx.conf).
        set $kyhopso_range_key "{range_key}";
        location ~ "^/ranges/[0-9]{{1,9}}/[0-9]{{1,9}}/([0-9a-f]{{2}})([0-9a-f]{{62}})$" {{
            secure_link $arg_s,$arg_e;
            secure_link_md5 "$secure_link_expires$uri$arg_a $kyhopso_range_key";
            if ($secure_link = "") {{ return 403; }}
            if ($secure_link = "0") {{ return 410; }}
            alias {blobs}/$1/$2;
            add_header Cache-Control "private, no-transform";
        }}
    }}
}}
"""


def start_nginx(tmp: Path, blobs: Path, workers: int, static_port: int, proxy_port: int,
                app_port: int, range_key: str, tcp_nopush: str) -> subprocess.Popen | None:
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                       else None)
    if binary is None:
        print("nginx not found (apt-get install nginx-light): no baseline", file=sys.stderr)
        return None
    conf = tmp / "nginx.conf"
    # Started as root, nginx's workers would drop to "nobody", who cannot read the 0600 blobs.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    conf.write_text(NGINX_CONF.format(user=user, workers=workers, tmp=tmp, blobs=blobs,
                                      static_port=static_port, proxy_port=proxy_port,
                                      app_port=app_port, range_key=range_key,
                                      tcp_nopush=tcp_nopush))
    log = tmp / "nginx.out"
    proc = spawn([binary, "-p", str(tmp), "-e", str(tmp / "nginx-error.log"), "-c", str(conf)],
                 log)
    wait_for_port(static_port, proc, log)
    wait_for_port(proxy_port, proc, log)
    return proc


# --- the app -----------------------------------------------------------------------------

def app_env(instance: Path, port: int, x_accel: bool = False) -> dict:
    env = dict(os.environ, PAPERLESS_INSTANCE_PATH=str(instance), HOST="127.0.0.1",
               PORT=str(port), PAPERLESS_ENV="development")
    env.pop("PAPERLESS_DATABASE_URL", None)  # the temp instance's own SQLite file
    env.pop("PAPERLESS_X_ACCEL_PREFIX", None)
    # Links are asked once before the ranges phase, not renewed as the viewer would.
    env["PAPERLESS_RANGE_LINK_SECONDS"] = "900"
    if x_accel:
        env["PAPERLESS_X_ACCEL_PREFIX"] = "/_blobs/"
    return env


def prepare_instance(instance: Path) -> None:
    env = app_env(instance, 0)
    for args in (["db", "upgrade"], ["demo"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "paperless", *args], cwd=ROOT,
                       env=env, check=True, capture_output=True, timeout=300)


def start_app(instance: Path, port: int, tmp: Path, x_accel: bool = False) -> subprocess.Popen:
    log = tmp / f"app-{port}.log"
    proc = spawn([sys.executable, "-m", "paperless.serve"], log,
                 env=app_env(instance, port, x_accel))
    wait_for_port(port, proc, log)
    return proc


# --- the run -----------------------------------------------------------------------------

def measure(label: str, port: int, plans: list[list[Request]], pids, args) -> dict:
    before = proc_stats(pids())
    result = run_load(port, plans, args.workers, args.phase_limit)
    after = proc_stats(pids())
    result.update(server_rss_mb_before=before["rss_mb"], server_rss_mb_after=after["rss_mb"],
                  server_peak_rss_mb=after["peak_rss_mb"],
                  server_cpu_s=round(after["cpu_s"] - before["cpu_s"], 2))
    flag = " TIME LIMIT HIT" if result["timed_out"] else ""
    flag += f" {result['errors']} ERRORS {result['first_errors']}" if result["errors"] else ""
    print(f"  {label:<28} {result['mb_per_s']:>9.1f} MB/s {result['req_per_s']:>8.1f} req/s "
          f"p50 {result['p50_ms']} ms p99 {result['p99_ms']} ms{flag}", flush=True)
    return result


METRICS = [("mb_per_s", "MB/s", True), ("req_per_s", "requests/s", True),
           ("p50_ms", "p50 latency ms", False), ("p99_ms", "p99 latency ms", False),
           ("mean_ms", "mean latency ms", False),
           ("server_cpu_s", "server CPU s", False), ("server_rss_mb_after", "server RSS MB", False)]


COMPARED = {"app": "ratio_app_nginx", "nginx_x_accel": "ratio_x_accel_nginx",
            "app_signed": "ratio_app_signed_nginx",
            "nginx_secure_link": "ratio_secure_link_nginx"}


def compare(runs: dict[str, dict]) -> dict:
    """Each figure beside its nginx baseline, with the ratio of every other way to it."""
    table = {}
    for key, _, _ in METRICS:
        row = {name: run[key] for name, run in runs.items()}
        if runs.get("nginx") and row.get("nginx"):
            for name, ratio in COMPARED.items():
                if row.get(name) is not None:
                    row[ratio] = round(row[name] / row["nginx"], 3)
        table[key] = row
    return table


def print_table(title: str, table: dict) -> None:
    print(f"\n{title}  (each way, then its ratio to nginx serving the files)")
    print(f"  {'':<16} {'nginx (disk)':>13}" + "".join(f" {name:>18} {'/nginx':>7}"
                                                   for name in COMPARED))
    for key, label, _ in METRICS:
        row = table[key]
        print(f"  {label:<16} {row.get('nginx', '-')!s:>13}" + "".join(
            f" {row.get(name, '-')!s:>18} {row.get(ratio, '-')!s:>7}"
            for name, ratio in COMPARED.items()))


def run(args: argparse.Namespace) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="bench-documents-"))
    _temp_dirs.append(tmp)
    instance = tmp / "instance"
    print(f"Preparing instance in {tmp} (db upgrade, demo) …", flush=True)
    prepare_instance(instance)
    t0 = time.perf_counter()
    docs = make_documents(args.docs, args.total_mb)
    print(f"Generated {len(docs)} PDFs, {sum(map(len, docs)) / MB:.1f} MB, "
          f"in {time.perf_counter() - t0:.1f} s", flush=True)

    app_port, x_port, static_port, proxy_port = (free_port() for _ in range(4))
    app = start_app(instance, app_port, tmp)
    rss_idle = proc_stats([app.pid])["rss_mb"]
    print(f"App on :{app_port} (pid {app.pid}, {rss_idle} MB RSS); publishing …", flush=True)
    publish, uploaded = publish_meeting(app_port, docs)
    print(f"  published {publish['documents']} documents ({publish['total_mb']} MB) in "
          f"{publish['seconds']} s = {publish['mb_per_s']} MB/s", flush=True)
    del docs
    served = [Served(d["id"], f"{d['current']['sha256'][:2]}/{d['current']['sha256'][2:]}",
                     d["current"]["size"]) for d in uploaded]
    blobs = instance / "blobs"
    for d in served:  # warm the page cache alike for every server
        assert (blobs / d.blob).stat().st_size == d.size
        (blobs / d.blob).read_bytes()
    tokens = [login(app_port, f"daibieu{n:02d}") for n in range(1, 31)]

    nginx = x_app = None
    if not args.no_nginx:
        x_app = start_app(instance, x_port, tmp, x_accel=True)
        nginx = start_nginx(tmp, blobs, args.nginx_workers, static_port, proxy_port, x_port,
                            range_link_key(instance), args.tcp_nopush)
    # (port, the server's processes, path style). Looked up when measured: nginx forks its
    # workers after it starts listening.
    targets = {"app": (app_port, lambda: [app.pid], "app")}
    if nginx:
        targets["nginx"] = (static_port, lambda: process_tree(nginx.pid), "nginx")
        # The server CPU of a proxied request is nginx's plus the app's.
        targets["nginx_x_accel"] = (proxy_port, lambda: [*process_tree(nginx.pid), x_app.pid],
                                    "app")

    results = {"publish": publish, "app_rss_mb_idle": rss_idle}
    if not args.ranges_only:
        print(f"\nFull downloads: {args.clients} clients x {args.docs} documents x "
              f"{args.rounds} round(s), {args.workers} client processes", flush=True)
        full = {name: measure(name, port, full_plans(served, args.clients, args.rounds, kind,
                                                     port, tokens), pids, args)
                for name, (port, pids, kind) in targets.items()}
        results["full_downloads"] = {"runs": full, "compare": compare(full)}
    # Signed range links, one per document (the audience does not change the cost).
    for d in served:
        d.link = api(app_port, "GET", f"/api/v1/documents/{d.doc_id}/range-link?version=1",
                     token=tokens[0])["url"]
    targets["app_signed"] = (app_port, lambda: [app.pid], "signed")
    if nginx:
        targets["nginx_secure_link"] = (proxy_port, lambda: process_tree(nginx.pid), "signed")
    print(f"\nByte ranges: {args.clients} clients x {args.ranges} ranges of 64 KiB", flush=True)
    # A few seconds per way for nginx: on a shared machine one busy moment moves a ratio by
    # half. So every way runs --range-rounds times, interleaved, and keeps its best round.
    ranges: dict[str, dict] = {}
    for round_number in range(args.range_rounds):
        if args.range_rounds > 1:
            print(f" round {round_number + 1}/{args.range_rounds}", flush=True)
        for name, (port, pids, kind) in targets.items():
            run_ = measure(name, port, range_plans(served, args.clients, args.ranges, kind,
                                                   port, tokens), pids, args)
            run_["rounds"] = [*ranges.get(name, {}).get("rounds", []), run_["req_per_s"]]
            if name not in ranges or run_["req_per_s"] > ranges[name]["req_per_s"]:
                ranges[name] = run_
            else:
                ranges[name]["rounds"] = run_["rounds"]
    results["byte_ranges"] = {"runs": ranges, "compare": compare(ranges)}
    return results


def environment(args: argparse.Namespace) -> dict:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    version = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr.strip() \
        if Path(nginx).exists() else None
    return {"cores": os.cpu_count(), "python": platform.python_version(),
            "kernel": platform.release(), "nginx": version,
            "nginx_worker_processes": args.nginx_workers, "app": "python -m paperless.serve "
            "(one process, gevent pywsgi)", "clients": args.clients, "documents": args.docs,
            "rounds": args.rounds, "ranges_per_client": args.ranges,
            "nginx_tcp_nopush": args.tcp_nopush, "range_rounds_best_of": args.range_rounds,
            "client_processes": args.workers, "phase_limit_s": args.phase_limit,
            "mb": "10^6 bytes",
            # The machine may be shared: a busy one lowers every figure, less so the ratios.
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=50)
    parser.add_argument("--total-mb", type=float, default=200)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=1, help="times each client reads all")
    parser.add_argument("--ranges", type=int, default=50, help="64 KiB ranges per client")
    parser.add_argument("--workers", type=int, default=2, help="client processes")
    parser.add_argument("--nginx-workers", type=int, default=1,
                        help="1 = one process, like the app (default)")
    parser.add_argument("--phase-limit", type=float, default=120, help="seconds per phase")
    parser.add_argument("--no-nginx", action="store_true")
    parser.add_argument("--tcp-nopush", choices=("on", "off"), default="off",
                        help="nginx's tcp_nopush (on: Debian's default, stalls 64 KiB ranges)")
    parser.add_argument("--ranges-only", action="store_true", help="skip the full downloads")
    parser.add_argument("--range-rounds", type=int, default=3,
                        help="ranges phase rounds, interleaved; each way keeps its best")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        results = {"environment": environment(args), **run(args)}
    finally:
        cleanup()
    for title, key in (("Full downloads (GET whole PDF)", "full_downloads"),
                       ("Byte ranges (PDF.js, 64 KiB)", "byte_ranges")):
        if key in results:
            print_table(title, results[key]["compare"])
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nWrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")
    failed = any(r["errors"] or r["timed_out"] for section in ("full_downloads", "byte_ranges")
                 for r in results.get(section, {}).get("runs", {}).values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
