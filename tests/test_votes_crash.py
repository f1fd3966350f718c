"""Acknowledged ballots survive SIGKILL; retries from socket clients are counted once."""

from __future__ import annotations

import threading
import time
import uuid

import socketio as sio

from tests.test_live_restart import Tablet, server  # noqa: F401  (the server fixture)


def test_acknowledged_ballots_survive_a_sigkill(server):  # noqa: F811
    chair = Tablet(server, "chutoa", 1)
    assert chair.joined.wait(10)
    chair.call("live:phase", action="open")
    for delegate_id in range(1, 31):
        chair.call("attendance:mark", delegate_id=delegate_id, status="present")
    item = next(i for i in chair.call("live:snapshot")["agenda"] if i["kind"] == "vote")
    chair.call("live:goto", item_id=item["id"])
    token = server.token("thuky")
    import json
    import urllib.request

    request = urllib.request.Request(
        f"{server.url}/api/v1/agenda-items/{item['id']}/votes", method="POST",
        data=json.dumps({"kind": "open", "title": "Thông qua dự toán"}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    vote_id = json.loads(urllib.request.urlopen(request, timeout=10).read())["id"]
    chair.client.call("vote:open", {"vote_id": vote_id}, timeout=10)

    acks: dict[int, list[dict]] = {}
    failures = []

    def tablet(number: int):
        client = sio.Client(reconnection=False)
        try:
            client.connect(server.url, auth={"token": server.token(f"daibieu{number:02d}")},
                           transports=["websocket"], wait_timeout=10)
            key = uuid.uuid4().hex
            got = []
            # the tablet sends, then retries twice as if the acknowledgement were lost
            for _ in range(3):
                answer = client.call("vote:cast", {"vote_id": vote_id, "choice": "yes",
                                                   "idempotency_key": key}, timeout=15)
                if answer["ok"]:
                    got.append(answer["result"])
                else:
                    failures.append(answer)
            acks[number] = got
        except Exception as exc:  # a tablet that could not connect or cast says why
            failures.append({"tablet": number, "error": repr(exc)})
        finally:
            client.disconnect()

    threads = [threading.Thread(target=tablet, args=(n,)) for n in range(1, 31)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []
    assert sorted(acks) == list(range(1, 31))
    assert all(len(a) == 3 and a[0] == a[1] == a[2] for a in acks.values())

    # cleared before the kill: the console may rejoin before start() returns (a race seen once)
    chair.joined.clear()
    server.kill()  # before the chair closes the vote
    time.sleep(0.5)
    server.start()
    assert chair.joined.wait(20), "the chair's console did not reconnect"
    closed = chair.call("vote:close", vote_id=vote_id)
    assert closed["result"]["voted"] == 30
    assert closed["result"]["choices"][0]["count"] == 30
    assert closed["result"]["passed"] is True
    chair.client.disconnect()
