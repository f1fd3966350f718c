"""`python -m paperless.prod` (what `make prod` runs): several app processes on several ports.

Socket.IO needs sticky sessions, which gunicorn's own balancing cannot give, so this
starts N gunicorn servers with ONE gevent worker each, on ports BASE_PORT … BASE_PORT+N-1,
and nginx (docs/deploy/nginx.conf) spreads clients over them with `ip_hash`. The
processes share PostgreSQL (PAPERLESS_DATABASE_URL) and pass Socket.IO emits to each
other through Redis (PAPERLESS_SOCKETIO_QUEUE). An app process that exits is started
again after a second; SIGTERM or Ctrl-C stops them all.

Settings (environment): PAPERLESS_PROCESSES (default: the number of CPUs),
PAPERLESS_BASE_PORT (8001), HOST (127.0.0.1: only nginx should reach the processes);
the app's own PAPERLESS_* settings are read by each process (docs/deploy.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time


def gunicorn_command(port: int, host: str = "127.0.0.1") -> list[str]:
    """One app process: gunicorn with one gevent worker (paperless/gunicorn_conf.py)."""
    return [sys.executable, "-m", "gunicorn", "--config", "python:paperless.gunicorn_conf",
            "--bind", f"{host}:{port}", "paperless.wsgi:app"]


def check_settings(processes: int, env: dict) -> list[str]:
    """Problems that would make a multi-process deployment misbehave (empty: fine)."""
    problems = []
    if processes > 1 and not env.get("PAPERLESS_SOCKETIO_QUEUE"):
        problems.append("PAPERLESS_SOCKETIO_QUEUE (redis://…) là bắt buộc khi chạy nhiều tiến "
                        "trình / is required with several processes: without it an event "
                        "reaches only the clients of the process that sent it.")
    if processes > 1 and not env.get("PAPERLESS_DATABASE_URL", "").startswith("postgresql"):
        problems.append("PAPERLESS_DATABASE_URL phải là PostgreSQL (postgresql+psycopg://…) "
                        "khi chạy nhiều tiến trình / must be PostgreSQL with several processes.")
    return problems


def ensure_secret_key(env: dict) -> None:
    """Every process must sign sessions with the same key: create the instance's key file
    once here, before N processes start and could each race to write their own."""
    if not env.get("PAPERLESS_SECRET_KEY"):
        from paperless import config

        config._secret_key(config.instance_path())


def main() -> None:
    processes = int(os.environ.get("PAPERLESS_PROCESSES") or os.cpu_count() or 1)
    base_port = int(os.environ.get("PAPERLESS_BASE_PORT", "8001"))
    host = os.environ.get("HOST", "127.0.0.1")
    problems = check_settings(processes, os.environ)
    if problems:
        sys.exit("\n".join(problems))
    from paperless import preflight

    if not preflight.report(lambda text, err=False: print(text, file=sys.stderr, flush=True)):
        sys.exit(1)
    ensure_secret_key(os.environ)
    env = {**os.environ, "PAPERLESS_ASYNC_MODE": "gevent"}
    env.setdefault("PAPERLESS_ENV", "production")
    ports = [base_port + n for n in range(processes)]
    running: dict[int, subprocess.Popen] = {}
    stopping = False

    def start(port: int) -> None:
        running[port] = subprocess.Popen(gunicorn_command(port, host), env=env)

    def stop(_signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for port in ports:
        start(port)
    print(f"Kỳ họp số: {processes} tiến trình / processes on {host}:{ports[0]}–{ports[-1]}",
          flush=True)
    while not stopping:
        time.sleep(1)
        for port, proc in list(running.items()):
            if proc.poll() is not None and not stopping:
                print(f"process on port {port} exited ({proc.returncode}); starting it again",
                      file=sys.stderr, flush=True)
                start(port)
    for proc in running.values():
        if proc.poll() is None:
            proc.terminate()
    for proc in running.values():
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
