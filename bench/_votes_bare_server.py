"""Baseline of bench_votes.py: a bare python-socketio server that acknowledges and broadcasts.

The same stack as `python -m paperless.serve` minus the app (as bench/_live_bare_server.py:
gevent monkey-patching, socketio.Server(async_mode="gevent") with the app's ping settings,
gevent's pywsgi, simple-websocket) — no Flask, no authentication, no database:

- `join`: enter the one room;
- `cast` {vote_id, choice, idempotency_key}: acknowledged at once with an answer of the
  app's shape {ok, result: {vote_id, received, choice, cast_at, idempotency_key}} — the
  "echo-ack" baseline of a ballot (nothing stored, nothing counted, nothing broadcast);
- `broadcast` {name, payload}: the "chair" hands over an event, and everyone in the room
  receives `event` {name, payload} — bench_votes.py passes the app's own `vote.closed` and
  `vote.announced` payloads, so the baseline sends the same bytes.

Run: `python bench/_votes_bare_server.py PORT` (loopback only).
"""

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

import socketio  # noqa: E402
from gevent import pywsgi  # noqa: E402

ROOM = "hall"

sio = socketio.Server(async_mode="gevent", ping_interval=10, ping_timeout=10,
                      cors_allowed_origins=[])


@sio.on("join")
def join(sid, _data=None):
    sio.enter_room(sid, ROOM)
    return {"ok": True}


@sio.on("cast")
def cast(_sid, data=None):
    data = data if isinstance(data, dict) else {}
    return {"ok": True, "result": {"vote_id": data.get("vote_id"), "received": True,
                                   "choice": data.get("choice"),
                                   "cast_at": datetime.now(UTC).isoformat(),
                                   "idempotency_key": data.get("idempotency_key")}}


@sio.on("broadcast")
def broadcast(_sid, data=None):
    sio.emit("event", {"name": data["name"], "payload": data["payload"]}, to=ROOM)
    return {"ok": True, "result": data["payload"]}


def main() -> None:
    port = int(sys.argv[1])
    app = socketio.WSGIApp(sio)
    print(f"bare python-socketio on 127.0.0.1:{port} ({sio.async_mode})", flush=True)
    pywsgi.WSGIServer(("127.0.0.1", port), app, log=None).serve_forever()


if __name__ == "__main__":
    main()
