"""One connection's events run one at a time, in order, each taking its turn with everyone's.

python-socketio starts a greenlet per event as soon as the reader has decoded it, and checks
that the sender is connected only then. A script that writes 2,000 events in one go so queues
2,000 handlers ahead of every other tablet's, and dropping its connection stops none of them:
another delegate's `vote:state` waited behind the whole backlog (issue #14). Here each
connection has a queue and one runner that yields after every event, so an event of another
tablet waits for at most one of the flooder's; events of a connection that has gone are dropped
unread; a queue longer than a person could fill (MAX_PENDING) drops the connection.

This replaces `Server._handle_event` (python-socketio 5), the one place events are handed to
handlers; tests/test_socket_fairness.py fails if that method changes shape.
"""

from __future__ import annotations

import collections
import logging
import threading

log = logging.getLogger(__name__)

# A tablet has a handful of events in flight (join, a ballot, a heartbeat); the rate limit
# lets 60 through at once. Four times that is a script.
MAX_PENDING = 256


def install(server) -> None:
    """Make `server` (a python-socketio Server) run each connection's events in turn."""
    if getattr(server, "_paperless_fair", False):
        return
    queues: dict[str, collections.deque] = {}
    dropping: set[str] = set()  # over MAX_PENDING: the rest it sends is not even queued
    lock = threading.Lock()
    run_handler = server._handle_event_internal

    def handle_event(eio_sid, namespace, id, data):
        namespace = namespace or "/"
        sid = server.manager.sid_from_eio_sid(eio_sid, namespace)
        if not server.manager.is_connected(sid, namespace):
            return
        if not server.async_handlers:  # Flask-SocketIO's test client runs events inline
            run_handler(server, sid, eio_sid, data, namespace, id)
            return
        with lock:
            if eio_sid in dropping:
                return
            queue = queues.get(eio_sid)
            start = queue is None
            if start:
                queue = queues[eio_sid] = collections.deque()
            overflow = len(queue) >= MAX_PENDING
            if overflow:
                dropping.add(eio_sid)
                queue.clear()  # a connection being dropped: nothing it sent runs
            else:
                queue.append((sid, namespace, id, data))
        if overflow:
            log.warning("socket %s dropped: more than %d events waiting", sid, MAX_PENDING)
            server.start_background_task(drop, eio_sid, sid, namespace)
        elif start:
            server.start_background_task(drain, eio_sid)

    def drop(eio_sid, sid, namespace):
        try:
            on_flood = (server.get_environ(sid, namespace=namespace) or {}).get(
                "paperless.on_flood")
            if on_flood:  # the app's hook (realtime.on_connect): no quick reconnection
                on_flood()
            server.disconnect(sid, namespace=namespace)
        finally:
            with lock:
                dropping.discard(eio_sid)

    def drain(eio_sid):
        while True:
            with lock:
                queue = queues[eio_sid]
                if not queue:
                    del queues[eio_sid]
                    return
                sid, namespace, id, data = queue.popleft()
            if server.manager.is_connected(sid, namespace):
                try:
                    run_handler(server, sid, eio_sid, data, namespace, id)
                except Exception:  # a handler's failure must not strand the rest of its queue
                    log.exception("socket event of %s failed", sid)
            server.sleep(0)  # the next event of this connection after everyone else's turn

    server._handle_event = handle_event
    server._paperless_fair = True
