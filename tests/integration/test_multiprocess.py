"""Two production app processes on one PostgreSQL and one Redis: the hall is one hall.

Process A and process B are separate gunicorn/gevent servers (the command `make prod`
runs), so a client on B hears what happens on A only through the Redis queue and sees
what A wrote only through PostgreSQL.
"""

from __future__ import annotations

import io
import os
import random
import signal
import threading
import time
import uuid

import pytest
from reportlab.pdfgen import canvas

from tests.integration.clients import Tablet, api, token, upload

MEETING = 1
pytestmark = pytest.mark.integration


def _pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _open_vote(chair: Tablet, api_url: str) -> int:
    """Open the session, mark all 30 present, go to a vote item and open an open vote."""
    chair.ok("live:phase", action="open")
    for delegate_id in range(1, 31):
        chair.ok("attendance:mark", delegate_id=delegate_id, status="present")
    item = next(i for i in chair.ok("live:snapshot")["agenda"] if i["kind"] == "vote")
    chair.ok("live:goto", item_id=item["id"])
    status, vote = api(api_url, "POST", f"/api/v1/agenda-items/{item['id']}/votes",
                       token(api_url, "thuky"), body={"kind": "open", "title": "Thông qua"})
    assert status == 201, vote
    answer = chair.call("vote:open", {"vote_id": vote["id"]})
    assert answer["ok"], answer
    return vote["id"]


def _tablets(urls, usernames, start: int) -> list[Tablet]:
    tablets = [Tablet(urls, token(urls[start], name), MEETING, start=start) for name in usernames]
    for tablet in tablets:
        assert tablet.joined.wait(15), "a tablet did not join"
    return tablets


def _close(*groups):
    for group in groups:
        for tablet in group:
            tablet.close()


def test_vote_opened_on_a_is_cast_on_b_and_everyone_sees_the_result(hall):
    a, b = hall
    urls = [a.url, b.url]
    chair = _tablets(urls, ["chutoa"], 0)[0]
    guest_a = _tablets(urls, ["khach"], 0)[0]
    screen_b = _tablets(urls, ["manhinh"], 1)[0]
    delegates_b = _tablets(urls, [f"daibieu{n:02d}" for n in range(1, 21)], 1)
    vote_id = _open_vote(chair, a.url)
    for tablet in (screen_b, *delegates_b):
        tablet.wait_for("vote.opened", lambda p: p["vote"]["id"] == vote_id)

    for number, tablet in enumerate(delegates_b, start=1):
        choice = "yes" if number <= 18 else "no"
        answer = tablet.call("vote:cast", {"vote_id": vote_id, "choice": choice,
                                           "idempotency_key": uuid.uuid4().hex})
        assert answer["ok"], answer
        assert answer["result"]["choice"] == choice
    # progress counts cross from B to the chair's console on A
    chair.wait_for("vote.progress", lambda p: p["received"] == 20)

    closed = chair.ok("vote:close", vote_id=vote_id)
    assert closed["result"]["voted"] == 20
    chair.ok("vote:announce", vote_id=vote_id)
    for tablet in (chair, guest_a, screen_b, *delegates_b):
        announced = tablet.wait_for("vote.announced", lambda p: p["vote"]["id"] == vote_id)
        counts = {c["code"]: c["count"] for c in announced["vote"]["result"]["choices"]}
        assert counts["yes"] == 18 and counts["no"] == 2
        assert announced["vote"]["result"]["passed"] is True
    _close([chair, guest_a, screen_b], delegates_b)


def test_document_published_on_a_reaches_tablets_on_b(hall):
    a, b = hall
    urls = [a.url, b.url]
    tablets_b = _tablets(urls, ["daibieu05", "daibieu06", "chutoa"], 1)
    staff = token(a.url, "thuky")
    document = upload(a.url, staff, MEETING, _pdf("Du thao nghi quyet"), "Dự thảo nghị quyết")
    status, body = api(a.url, "POST", f"/api/v1/documents/{document['id']}/publish", staff)
    assert status == 200, body
    for tablet in tablets_b:
        published = tablet.wait_for("documents.published")
        assert document["id"] in [d["id"] for d in published["documents"]]
    # and process B serves the file that A stored
    status, listed = api(b.url, "GET", f"/api/v1/meetings/{MEETING}/documents",
                         token(b.url, "daibieu05"))
    assert status == 200 and document["id"] in [d["id"] for d in listed["documents"]]
    _close(tablets_b)


def test_sigkill_of_a_worker_mid_vote_loses_no_acknowledged_ballot(hall, postgres):
    a, b = hall
    urls = [a.url, b.url]
    chair = _tablets(urls, ["chutoa"], 0)[0]
    on_a = _tablets(urls, [f"daibieu{n:02d}" for n in range(1, 13)], 0)
    on_b = _tablets(urls, [f"daibieu{n:02d}" for n in range(13, 25)], 1)
    watcher_b = _tablets(urls, ["manhinh"], 1)[0]
    vote_id = _open_vote(chair, a.url)

    acknowledged: dict[str, dict] = {}
    lock = threading.Lock()
    rng = random.Random(9)

    def cast(tablet: Tablet, name: str, delay: float):
        time.sleep(delay)
        key = uuid.uuid4().hex  # kept across retries: a retry is the same ballot
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if not tablet.joined.wait(1):
                continue
            try:
                answer = tablet.call("vote:cast", {"vote_id": vote_id, "choice": "yes",
                                                   "idempotency_key": key}, timeout=5)
            except Exception:  # the process died under the call: try again on the other
                time.sleep(0.2)
                continue
            if answer and answer.get("ok"):
                with lock:
                    acknowledged[name] = answer["result"]
                return
            time.sleep(0.2)

    threads = [threading.Thread(target=cast, args=(t, f"t{i}", rng.uniform(0, 1.5)))
               for i, t in enumerate(on_a + on_b)]
    for thread in threads:
        thread.start()
    time.sleep(0.6)  # some ballots are acknowledged by A, others are in flight
    workers = a.worker_pids()
    assert len(workers) == 1
    os.kill(workers[0], signal.SIGKILL)
    for thread in threads:
        thread.join(70)

    assert len(acknowledged) == 24, f"only {len(acknowledged)} of 24 ballots acknowledged"
    assert all(t.reconnects >= 1 and t.url == b.url for t in on_a), "clients of A moved to B"
    assert chair.joined.wait(20) and chair.url == b.url
    stored = int(postgres.psql(f"SELECT count(*) FROM open_ballot WHERE vote_id = {vote_id}"))
    assert stored == len(acknowledged)
    closed = chair.ok("vote:close", vote_id=vote_id)
    assert closed["result"]["voted"] == 24
    watcher_b.wait_for("vote.closed", lambda p: p["vote"]["id"] == vote_id)
    _close([chair, watcher_b], on_a, on_b)


def test_broadcasts_resume_after_redis_restarts(hall, redis):
    a, b = hall
    urls = [a.url, b.url]
    chair = _tablets(urls, ["chutoa"], 0)[0]
    tablet_b = _tablets(urls, ["daibieu03"], 1)[0]
    chair.ok("live:phase", action="open")
    tablet_b.wait_for("live.phase", lambda p: p["phase"] == "running")

    redis.stop()
    time.sleep(1)
    redis.start()
    # the queue's listeners reconnect by themselves; the first moves may still be lost
    deadline = time.monotonic() + 30
    arrived = None
    while time.monotonic() < deadline and arrived is None:
        seq = chair.ok("live:goto", offset=1)["seq"]
        try:
            arrived = tablet_b.wait_for("live.item", lambda p, s=seq: p["seq"] == s, timeout=2)
        except AssertionError:
            continue
    assert arrived is not None, "no broadcast reached process B after Redis came back"
    # a tablet that missed events during the outage resyncs from the snapshot
    snapshot = tablet_b.ok("live:snapshot")
    assert snapshot["seq"] == chair.ok("live:snapshot")["seq"]
    _close([chair, tablet_b])


def test_postgres_restart_gives_a_clear_error_then_the_app_recovers(hall, postgres):
    a, b = hall
    staff = token(a.url, "thuky")
    chair = _tablets([a.url], ["chutoa"], 0)[0]
    assert api(a.url, "GET", f"/api/v1/meetings/{MEETING}", staff)[0] == 200

    postgres.stop()
    try:
        status, body = api(a.url, "GET", f"/api/v1/meetings/{MEETING}", staff)
        assert status == 503, body
        assert body["error"]["code"] == "database_unavailable"
        assert "Cơ sở dữ liệu" in body["error"]["message"]
        answer = chair.call("live:snapshot")
        assert answer["ok"] is False and answer["error"]["code"] == "database_unavailable"
        status, body = api(b.url, "POST", "/api/v1/auth/token",
                           body={"username": "thuky", "password": "kyhopso"})
        assert status == 503 and body["error"]["code"] == "database_unavailable"
    finally:
        postgres.start()

    # no restart of A or B: the pool pings, drops dead connections, reconnects
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        status, body = api(a.url, "GET", f"/api/v1/meetings/{MEETING}", staff)
        if status == 200:
            break
        time.sleep(0.5)
    assert status == 200, body
    assert chair.call("live:snapshot")["ok"] is True
    assert api(b.url, "GET", f"/api/v1/meetings/{MEETING}", staff)[0] == 200
    assert a.proc.poll() is None and b.proc.poll() is None
    _close([chair])


def test_tablet_offline_comes_back_to_the_current_state(hall):
    a, b = hall
    urls = [a.url, b.url]
    chair = _tablets(urls, ["chutoa"], 0)[0]
    tablet = _tablets(urls, ["daibieu11"], 1)[0]
    chair.ok("live:phase", action="open")
    tablet.wait_for("live.phase", lambda p: p["phase"] == "running")
    tablet.ok("attendance:check_in")
    seen_seq = tablet.snapshots[-1]["seq"]

    tablet.go_offline()  # Wi-Fi gone; the hall moves on without it
    chair.ok("live:goto", offset=1)
    chair.ok("live:goto", offset=1)
    chair.ok("notice:send", text="Nghỉ giải lao 15 phút", audience="all")
    chair.ok("live:phase", action="pause")
    now = chair.ok("live:snapshot")
    time.sleep(2)

    tablet.reconnect()
    assert tablet.joined.wait(15)
    back = tablet.snapshots[-1]
    assert back["seq"] == now["seq"] > seen_seq
    assert back["phase"] == "paused"
    assert back["current_item"] == now["current_item"]
    assert back["notices"][0]["text"] == "Nghỉ giải lao 15 phút"
    assert back["me"]["checked_in"] is True
    _close([chair, tablet])
