"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import re

from paperless import create_app
from paperless.domain.limits import Rate
from paperless.ratelimit import DEFAULT_RATES

# Tests fire hundreds of requests and events in a second; the rate-limit tests set their own.
ROOMY = {kind: Rate(capacity=1e9, per_second=1e9) for kind in DEFAULT_RATES}


def make_app(database_url: str, **overrides):
    config = {"DATABASE_URL": database_url, "SOCKETIO_ASYNC_MODE": "threading",
              "WTF_CSRF_ENABLED": False, "TESTING": True, "RATE_LIMITS": ROOMY}
    config.update(overrides)
    return create_app(config)


def login(client, username: str, password: str = "kyhopso"):
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def token_for(client, username: str, password: str = "kyhopso") -> dict:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)


class ServerProcess:
    """`python -m paperless.serve` (gevent, as in production) in a subprocess on loopback."""

    def __init__(self, instance, port: int | None = None):
        import socket

        self.instance = instance
        if port is None:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.proc = None

    def start(self, timeout: float = 30.0) -> ServerProcess:
        import os
        import subprocess
        import sys
        import time
        import urllib.request

        env = {**os.environ, "PAPERLESS_INSTANCE_PATH": str(self.instance),
               "HOST": "127.0.0.1", "PORT": str(self.port), "PAPERLESS_ASYNC_MODE": "gevent"}
        env.pop("PAPERLESS_DATABASE_URL", None)
        self.log = open(self.instance / f"server-{self.port}.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen([sys.executable, "-m", "paperless.serve"], env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {(self.instance / f'server-{self.port}.log').read_text()[-2000:]}")
            try:
                urllib.request.urlopen(self.url + "/login", timeout=1).read()
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        import signal

        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except Exception:
                self.kill()
        if getattr(self, "log", None):
            self.log.close()

    def token(self, username: str, password: str = "kyhopso") -> str:
        import json
        import urllib.request

        request = urllib.request.Request(
            self.url + "/api/v1/auth/token", method="POST",
            data=json.dumps({"username": username, "password": password}).encode(),
            headers={"Content-Type": "application/json"})
        return json.loads(urllib.request.urlopen(request, timeout=10).read())["token"]
