"""Real PostgreSQL and Redis servers on loopback, and app processes, for tests and bench/.

Everything runs from a temporary folder on free ports; nothing touches a system-wide
cluster or service. PostgreSQL refuses to run as root, so when the tests run as root
(CI) its data folder belongs to the `postgres` user and its programs run as that user
through `setpriv`. Missing programs raise `MissingServer` naming the Debian package to
install (.ci/run installs them), so the tests fail loudly rather than skip.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from paperless.prod import gunicorn_command

ROOT = Path(__file__).resolve().parents[2]


class MissingServer(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if not found:
        raise MissingServer("PostgreSQL is not installed: apt-get install postgresql "
                            "(.ci/run installs it)")
    return Path(found[-1]).parent


class Postgres:
    """A throw-away PostgreSQL cluster; `url` is a SQLAlchemy URL (psycopg 3)."""

    def __init__(self, folder: Path, port: int | None = None):
        self.bindir = postgres_bin()
        self.folder = Path(folder)
        self.data = self.folder / "pgdata"
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self.as_root = os.geteuid() == 0

    def _cmd(self, *args: str) -> list[str]:
        # setpriv execs (runuser would fork and keep signals from reaching postgres)
        return (["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", *args]
                if self.as_root else list(args))

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://paperless@127.0.0.1:{self.port}/paperless"

    def init(self) -> Postgres:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            # runuser'd postgres must reach the folder: open the path to it for traversal
            for parent in [self.folder, *self.folder.parents]:
                if parent == Path("/"):
                    break
                if parent.stat().st_mode & 0o011 != 0o011:
                    parent.chmod(parent.stat().st_mode | 0o011)
            self.data.mkdir(mode=0o700)
            shutil.chown(self.data, "postgres", "postgres")
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "paperless", "-A",
                  "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        self.start()
        self._run(str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                  "paperless", "paperless")
        return self

    def _run(self, *args: str) -> None:
        done = subprocess.run(self._cmd(*args), capture_output=True, text=True, cwd=self.folder)
        if done.returncode:
            raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr[-2000:]}")

    def start(self, timeout: float = 30.0) -> None:
        log = open(self.folder / "postgres.log", "ab")  # noqa: SIM115
        # fsync off: a test cluster needs no durability across power cuts, only speed
        self.proc = subprocess.Popen(
            self._cmd(str(self.bindir / "postgres"), "-D", str(self.data), "-p", str(self.port),
                      "-h", "127.0.0.1", "-k", "", "-c", "fsync=off", "-c",
                      "synchronous_commit=off", "-c", "full_page_writes=off",
                      "-c", "max_connections=300"),
            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        try:
            _wait_port(self.port, timeout, self.proc)
        except RuntimeError as exc:
            raise RuntimeError(f"PostgreSQL did not start: {exc}\n"
                               f"{(self.folder / 'postgres.log').read_text()[-2000:]}") from exc
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:  # the port opens before it accepts logins
            if subprocess.run([str(self.bindir / "pg_isready"), "-h", "127.0.0.1", "-p",
                               str(self.port)], capture_output=True).returncode == 0:
                return
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # "fast" shutdown: ends open sessions
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def psql(self, sql: str) -> str:
        return subprocess.run(
            [str(self.bindir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
             "paperless", "-d", "paperless", "-At", "-c", sql],
            check=True, capture_output=True, text=True).stdout.strip()

    def reset(self) -> None:
        """An empty database for the next test (faster than a new cluster)."""
        self.psql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


class Redis:
    def __init__(self, folder: Path, port: int | None = None):
        self.exe = shutil.which("redis-server")
        if not self.exe:
            raise MissingServer("Redis is not installed: apt-get install redis-server "
                                "(.ci/run installs it)")
        self.folder = Path(folder)
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15.0) -> Redis:
        self.folder.mkdir(parents=True, exist_ok=True)
        log = open(self.folder / "redis.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [self.exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder), "--maxclients", "10000"],
            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        _wait_port(self.port, timeout, self.proc)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


class AppProcess:
    """One production app process on PostgreSQL + Redis: the very command `make prod`
    (paperless/prod.py) starts once per port — gunicorn with one gevent worker."""

    def __init__(self, folder: Path, database_url: str, queue_url: str, port: int | None = None,
                 env: dict | None = None):
        self.folder = Path(folder)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PAPERLESS_INSTANCE_PATH": str(self.folder),
                    "PAPERLESS_DATABASE_URL": database_url,
                    "PAPERLESS_SOCKETIO_QUEUE": queue_url, "PAPERLESS_ASYNC_MODE": "gevent",
                    "PYTHONPATH": str(ROOT), **(env or {})}
        self.proc: subprocess.Popen | None = None

    @property
    def log_path(self) -> Path:
        return self.folder / f"app-{self.port}.log"

    def start(self, timeout: float = 60.0) -> AppProcess:
        log = open(self.log_path, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(gunicorn_command(self.port), env=self.env, cwd=ROOT,
                                     stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app exited: {self.log_path.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(self.url + "/login", timeout=2).read()
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"app did not start: {self.log_path.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the whole process group: gunicorn's arbiter and its worker."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]
