"""A bounded pool of worker processes for CPU- and memory-heavy work.

PDF checks, text extraction, thumbnails, watermarks, Office conversion and signature
validation parse hostile input; inside the server they would freeze the one gevent loop
(every request of the hall waits) and could grow the process without bound. Here each
job runs in a separate Python process (``python -m paperless.workers``) that sets its own
address-space limit (RLIMIT_AS) before the job, and the caller waits for the answer on a
socket with a deadline. Sockets are what gevent patches, so under ``serve.py``/gunicorn a
waiting request yields to the hub; in threading mode (tests) the thread simply blocks.

``run("module:function", *args, **kwargs)`` is the one place that submits a job. A job
over its time limit is killed (with everything it started) and answers ``timeout``; one
that runs out of memory or recursion answers ``too_complex``; when every worker is busy
for longer than the queue limit the caller gets ``busy``. Exceptions the job raises
(PdfRejected, SigningError, …) are raised again in the caller unchanged.

Flask-free: ``configure()`` is called by ``create_app`` with the PAPERLESS_WORKER_* settings.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import logging
import os
import pickle
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from paperless.services.errors import ServiceError

log = logging.getLogger(__name__)
_HEADER = struct.Struct("!Q")
_PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)
# A worker is replaced after this many jobs, so slow leaks of the PDF libraries never add up.
JOBS_PER_WORKER = 200


class WorkerError(ServiceError):
    """A job stopped by a limit; the code is stable (too_complex, timeout, busy)."""

    status = 422
    code = "too_complex"


_MESSAGES = {
    "too_complex": "Tệp quá phức tạp để xử lý (vượt giới hạn bộ nhớ của máy chủ).",
    "timeout": "Xử lý tệp quá thời gian cho phép; máy chủ đã dừng việc này.",
    "busy": "Máy chủ đang bận xử lý các tệp khác; vui lòng thử lại sau ít phút.",
}


def _error(code: str) -> WorkerError:
    error = WorkerError(_MESSAGES[code], code=code)
    if code == "busy":
        error.status = 503
    return error


@dataclass(frozen=True)
class Settings:
    size: int = max(os.cpu_count() or 1, 1)
    timeout_s: float = 60.0
    memory_mb: int = 1024
    queue_timeout_s: float = 120.0
    inline: bool = False  # size 0: run in the caller (debugging only; no limits)


_settings = Settings()
_pool: _Pool | None = None
_pool_lock = threading.Lock()


def configure(*, size: int, timeout_s: float, memory_mb: int,
              queue_timeout_s: float | None = None) -> None:
    """Set the limits (create_app); the workers themselves start on first use."""
    global _settings, _pool
    new = Settings(size=max(size, 1), timeout_s=timeout_s, memory_mb=memory_mb,
                   queue_timeout_s=queue_timeout_s if queue_timeout_s is not None
                   else max(timeout_s * 2, 30.0),
                   inline=size == 0)
    with _pool_lock:
        if _pool is not None and _pool.size != new.size:
            _pool.close()
            _pool = None
        _settings = new


def settings() -> Settings:
    return _settings


def run(target: str, *args, timeout_s: float | None = None, memory_mb: int | None = None,
        env: dict[str, str] | None = None, **kwargs):
    """Run ``module:function(*args, **kwargs)`` in a worker process; return its result.

    ``env``: environment variables the job sees (a passphrase the server holds, a font
    setting), set in the worker for that one job and taken away after it; a worker started
    earlier does not have to be restarted to see them."""
    current = _settings
    if current.inline:
        with _environment(env):
            return _resolve(target)(*args, **kwargs)
    return _get_pool().run(target, args, kwargs,
                           timeout_s or current.timeout_s, memory_mb or current.memory_mb,
                           env)


@contextlib.contextmanager
def _environment(env: dict[str, str] | None):
    if not env:
        yield
        return
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def shutdown() -> None:
    """Stop every worker (tests, and the server's exit)."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.close()
            _pool = None


atexit.register(shutdown)


def worker_pids() -> list[int]:
    pool = _pool
    return pool.pids() if pool is not None else []


def _get_pool() -> _Pool:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = _Pool(_settings.size, _settings.queue_timeout_s)
        return _pool


def _resolve(target: str):
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


# --- the caller's side -----------------------------------------------------------------

_NICE = ["nice", "-n", "10"] if shutil.which("nice") else []


class _Worker:
    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (_PROJECT_ROOT, os.environ.get("PYTHONPATH", "")) if p)}
        env.pop("PAPERLESS_ASYNC_MODE", None)
        if _NICE:
            env["PAPERLESS_WORKER_NICED"] = "1"  # main() does not nice it a second time
        # A session of its own, so a timed-out job is killed with its pdftoppm/soffice.
        # Niced from its first instruction (coreutils' nice execs the interpreter: same pid):
        # importing the job modules is a second of CPU that must not compete with the hall.
        self.proc = subprocess.Popen([*_NICE, sys.executable, "-m", "paperless.workers"],
                                     stdin=theirs.fileno(), env=env, cwd=_PROJECT_ROOT,
                                     start_new_session=True, close_fds=True)
        theirs.close()
        self.sock = ours
        self.jobs = 0

    def call(self, message: bytes, deadline: float) -> bytes:
        _send(self.sock, message, deadline)
        return _recv(self.sock, deadline)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.sock.close()
        with contextlib.suppress(subprocess.TimeoutExpired):  # SIGKILL does not hang
            self.proc.wait(10)

    def close(self) -> None:
        self.sock.close()  # EOF: an idle worker exits by itself
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.kill()


class _Pool:
    def __init__(self, size: int, queue_timeout_s: float) -> None:
        self.size = size
        self.queue_timeout_s = queue_timeout_s
        # Created after gevent's monkey-patching (configure runs in create_app), so these
        # are gevent's cooperative primitives in the server and real ones in threading mode.
        self.slots = threading.BoundedSemaphore(size)
        self.lock = threading.Lock()
        self.idle: list[_Worker] = []
        self.all: set[_Worker] = set()
        self.closed = False

    def pids(self) -> list[int]:
        with self.lock:
            return [w.proc.pid for w in self.all]

    def run(self, target: str, args: tuple, kwargs: dict, timeout_s: float, memory_mb: int,
            env: dict[str, str] | None = None):
        message = pickle.dumps((target, args, kwargs, memory_mb << 20, env or {}),
                               protocol=pickle.HIGHEST_PROTOCOL)
        if not self.slots.acquire(timeout=self.queue_timeout_s):
            raise _error("busy")
        worker = None
        try:
            worker = self._take()
            deadline = time.monotonic() + timeout_s
            try:
                reply = worker.call(message, deadline)
            except TimeoutError:
                log.warning("worker job %s stopped after %.0f s", target, timeout_s)
                self._discard(worker, kill=True)
                worker = None
                raise _error("timeout") from None
            except (ConnectionError, EOFError, OSError):
                # The process died under the job (the kernel's OOM killer, a crash in C).
                log.warning("worker died running %s", target)
                self._discard(worker, kill=True)
                worker = None
                raise _error("too_complex") from None
            status, value, retire = pickle.loads(reply)
            worker.jobs += 1
            if retire or worker.jobs >= JOBS_PER_WORKER:
                self._discard(worker, kill=False)
                worker = None
            if status == "ok":
                return value
            if status == "limit":
                raise _error(value)
            raise value
        finally:
            if worker is not None:
                self._give_back(worker)
            self.slots.release()

    def _take(self) -> _Worker:
        while True:
            with self.lock:
                worker = self.idle.pop() if self.idle else None
            if worker is None:
                break
            if worker.proc.poll() is None:
                return worker
            self._discard(worker, kill=True)  # died while idle (the OOM killer, an admin)
        worker = _Worker()
        with self.lock:
            self.all.add(worker)
        return worker

    def _give_back(self, worker: _Worker) -> None:
        with self.lock:
            if not self.closed:
                self.idle.append(worker)
                return
        worker.close()

    def _discard(self, worker: _Worker, *, kill: bool) -> None:
        with self.lock:
            self.all.discard(worker)
        worker.kill() if kill else worker.close()

    def close(self) -> None:
        with self.lock:
            self.closed = True
            idle, self.idle = self.idle, []
        for worker in idle:
            self._discard(worker, kill=False)


def _send(sock: socket.socket, data: bytes, deadline: float | None) -> None:
    payload = memoryview(_HEADER.pack(len(data)) + data)
    while payload:
        _set_timeout(sock, deadline)
        sent = sock.send(payload[:1 << 20])
        payload = payload[sent:]


def _recv(sock: socket.socket, deadline: float | None) -> bytes:
    header = _recv_exact(sock, _HEADER.size, deadline)
    return bytes(_recv_exact(sock, _HEADER.unpack(header)[0], deadline))


def _recv_exact(sock: socket.socket, size: int, deadline: float | None) -> bytearray:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        _set_timeout(sock, deadline)
        n = sock.recv_into(view[got:], min(size - got, 1 << 20))
        if n == 0:
            raise EOFError("worker closed the connection")
        got += n
    return buffer


def _set_timeout(sock: socket.socket, deadline: float | None) -> None:
    if deadline is None:
        sock.settimeout(None)
        return
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    sock.settimeout(remaining)


# --- the worker's side -----------------------------------------------------------------

def _serve(sock: socket.socket) -> None:
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    while True:
        try:
            target, args, kwargs, memory_bytes, env = pickle.loads(_recv(sock, None))
        except (EOFError, ConnectionError):
            return  # the server closed the pool or went away
        retire = False
        if hard != resource.RLIM_INFINITY:
            memory_bytes = min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))
        try:
            with _environment(env):
                reply = ("ok", _resolve(target)(*args, **kwargs))
        except (MemoryError, RecursionError):
            reply, retire = ("limit", "too_complex"), True  # start afresh: the heap is a mess
        except Exception as exc:  # handed to the caller as it is
            reply = ("raised", exc)
        finally:
            resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
        try:
            message = pickle.dumps((*reply, retire), protocol=pickle.HIGHEST_PROTOCOL)
            pickle.loads(message) if reply[0] == "raised" else None
        except Exception as exc:  # an exception that cannot travel: say what it was
            message = pickle.dumps(("raised", RuntimeError(f"{type(reply[1]).__name__}: "
                                                           f"{reply[1]}"[:500]), retire))
            log.debug("unpicklable result: %s", exc)
        _send(sock, message, None)
        if retire:
            return


def main() -> None:
    # Below the server in the scheduler: on a small machine the serving loop keeps its CPU
    # share while jobs run, so heavy work waits rather than the hall. The worker leads a
    # session of its own, and with autogroup scheduling (Debian's default) each session is a
    # group of its own whose share does not depend on its processes' nice: that group's
    # nice is set too, or two workers would each get as much CPU as the server.
    if not os.environ.get("PAPERLESS_WORKER_NICED"):  # started without coreutils' nice
        with contextlib.suppress(OSError):
            os.nice(10)
    with contextlib.suppress(OSError):
        Path("/proc/self/autogroup").write_text("10")
    sock = socket.socket(fileno=0)  # the pool's end of the socket pair is our stdin
    try:
        _serve(sock)
    finally:
        sock.close()


if __name__ == "__main__":
    main()
