"""Socket.IO tablets for the integration tests: they fail over to another app process.

In production nginx sends a client whose process died to another one; here each client
is given every process's URL and, on an unexpected disconnect, tries them in turn from
the next one (a stand-in for nginx's failover), joins its meeting again and takes the
snapshot, exactly as the browser's `live.js` does after a reconnect.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.request
import uuid

import socketio


def api(url: str, method: str, path: str, token: str | None = None, body=None,
        raw: bytes | None = None, content_type: str | None = None) -> tuple[int, dict]:
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url + path, method=method, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        text = exc.read()
        try:
            return exc.code, json.loads(text)
        except ValueError:
            return exc.code, {"raw": text.decode(errors="replace")[:500]}


def token(url: str, username: str) -> str:
    status, body = api(url, "POST", "/api/v1/auth/token",
                       body={"username": username, "password": "kyhopso"})
    assert status == 201, body
    return body["token"]


def upload(url: str, token_value: str, meeting_id: int, pdf: bytes, title: str) -> dict:
    boundary = uuid.uuid4().hex
    parts = [
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n{title}\r\n",
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
        f"filename=\"tai-lieu.pdf\"\r\nContent-Type: application/pdf\r\n\r\n",
    ]
    raw = parts[0].encode() + parts[1].encode() + pdf + f"\r\n--{boundary}--\r\n".encode()
    status, body = api(url, "POST", f"/api/v1/meetings/{meeting_id}/documents", token_value,
                       raw=raw, content_type=f"multipart/form-data; boundary={boundary}")
    assert status == 201, body
    return body


class Tablet:
    def __init__(self, urls: list[str], token_value: str, meeting_id: int = 1, start: int = 0,
                 failover: bool = True):
        self.urls = urls
        self.token = token_value
        self.meeting_id = meeting_id
        self.index = start
        self.failover = failover
        self.events: list[tuple[str, dict]] = []
        self.snapshots: list[dict] = []
        self.joined = threading.Event()
        self.lock = threading.Lock()
        self.closing = False
        self.reconnects = 0
        self.client = self._new_client()
        self._connect(self.urls[self.index])

    @property
    def url(self) -> str:
        return self.urls[self.index]

    def _new_client(self) -> socketio.Client:
        client = socketio.Client(reconnection=False)

        @client.on("event")
        def _on_event(data):
            with self.lock:
                self.events.append((data.get("name"), data.get("payload")))

        @client.on("connect")
        def _on_connect():
            client.start_background_task(self._join)

        @client.on("disconnect")
        def _on_disconnect(*_args):
            self.joined.clear()
            if not self.closing and self.failover:
                threading.Thread(target=self._fail_over, daemon=True).start()

        return client

    def _connect(self, url: str) -> None:
        self.client.connect(url, auth={"token": self.token}, transports=["websocket"],
                            wait_timeout=10)

    def _join(self) -> None:
        answer = self.client.call("meeting:join", {"meeting_id": self.meeting_id}, timeout=15)
        if answer and answer.get("ok"):
            self.snapshots.append(answer["snapshot"])
            self.joined.set()

    def _fail_over(self) -> None:
        deadline = time.monotonic() + 60
        attempt = 0
        while not self.closing and time.monotonic() < deadline:
            attempt += 1
            self.index = (self.index + 1) % len(self.urls)
            try:
                self.client = self._new_client()
                self._connect(self.urls[self.index])
                self.reconnects += 1
                return
            except Exception:
                time.sleep(min(0.2 * attempt, 1.0))

    def reconnect(self) -> None:
        """Come back after being offline (on the same process)."""
        self.client = self._new_client()
        self._connect(self.url)

    def go_offline(self) -> None:
        self.failover = False
        self.joined.clear()
        self.client.disconnect()
        self.failover = True

    def call(self, name: str, payload: dict | None = None, timeout: float = 15) -> dict:
        return self.client.call(name, payload if payload is not None else
                                {"meeting_id": self.meeting_id}, timeout=timeout)

    def ok(self, name: str, **payload) -> dict:
        answer = self.call(name, {"meeting_id": self.meeting_id, **payload})
        assert answer and answer.get("ok"), (name, answer)
        return answer["result"]

    def named(self, name: str) -> list[dict]:
        with self.lock:
            return [payload for event, payload in self.events if event == name]

    def wait_for(self, name: str, predicate=lambda _p: True, timeout: float = 15) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for payload in self.named(name):
                if predicate(payload):
                    return payload
            time.sleep(0.05)
        raise AssertionError(f"{name} never arrived at the client on {self.url}; "
                             f"got {[e for e, _ in self.events]}")

    def close(self) -> None:
        self.closing = True
        with contextlib.suppress(Exception):
            self.client.disconnect()
