"""Baseline of bench_live.py: a bare python-socketio server doing the same broadcast.

Same stack as `python -m paperless.serve` minus the app: gevent monkey-patching,
socketio.Server(async_mode="gevent") with the app's ping settings, served by gevent's pywsgi
(what Flask-SocketIO's `run` uses when gevent-websocket is absent; WebSocket comes from
simple-websocket in both). No Flask, no authentication, no database: a client calls `join`
to enter the one room; the "chair" calls `next`, and everyone in the room receives the same
`event` {name: "live.item", payload: {seq, current_item, server_time}} the app sends, with
an agenda item of the demo's shape and length.

Run: `python bench/_live_bare_server.py PORT [REDIS_URL]` (loopback only). With a Redis
URL, emits go through python-socketio's RedisManager, as the app's do with
PAPERLESS_SOCKETIO_QUEUE (the baseline of bench_multiprocess.py).
"""

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

import socketio  # noqa: E402
from gevent import pywsgi  # noqa: E402

ROOM = "hall"
ITEM = {"presenter": "Trưởng phòng Kinh tế", "kind": "vote", "depth": 0, "planned_minutes": 20}
TITLE = "Xem xét, thông qua Nghị quyết số {} về kế hoạch đầu tư công năm 2027"  # as _live_setup.py

QUEUE = sys.argv[2] if len(sys.argv) > 2 else None
sio = socketio.Server(async_mode="gevent", ping_interval=10, ping_timeout=10,
                      cors_allowed_origins=[],
                      client_manager=socketio.RedisManager(QUEUE) if QUEUE else None)
state = {"seq": 0}


@sio.on("join")
def join(sid, _data=None):
    sio.enter_room(sid, ROOM)
    return {"ok": True}


@sio.on("next")
def next_item(_sid, _data=None):
    state["seq"] += 1
    number = state["seq"] + 1
    item = {"id": 100 + number, "number": str(number), "title": TITLE.format(number), **ITEM}
    payload = {"current_item": item, "seq": state["seq"],
               "server_time": datetime.now(UTC).isoformat()}
    sio.emit("event", {"name": "live.item", "payload": payload}, to=ROOM)
    return {"ok": True, "result": payload}


def main() -> None:
    port = int(sys.argv[1])
    app = socketio.WSGIApp(sio)
    print(f"bare python-socketio on 127.0.0.1:{port} ({sio.async_mode})", flush=True)
    pywsgi.WSGIServer(("127.0.0.1", port), app, log=None).serve_forever()


if __name__ == "__main__":
    main()
