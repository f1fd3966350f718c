"""A connection's socket events run in order, one at a time, taking turns with everyone's
(paperless/realtime/fair.py): a flood of one tablet must not queue ahead of the others."""

from __future__ import annotations

import inspect

import gevent
import socketio

from paperless.realtime import fair


class Manager:
    def __init__(self, *sids):
        self.connected = set(sids)

    def sid_from_eio_sid(self, eio_sid, namespace):
        return f"sid-{eio_sid}"

    def is_connected(self, sid, namespace):
        return sid in self.connected


class Server:
    """The part of python-socketio's Server that fair.install uses; tasks run when told."""

    async_handlers = True

    def __init__(self, *eio_sids):
        self.manager = Manager(*(f"sid-{e}" for e in eio_sids))
        self.ran: list[tuple[str, object]] = []
        self.tasks: list = []
        self.disconnected: list[str] = []
        self.environs: dict[str, dict] = {}

    def get_environ(self, sid, namespace=None):
        return self.environs.get(sid)

    def _handle_event_internal(self, server, sid, eio_sid, data, namespace, id):
        self.ran.append((eio_sid, data[1]))

    def start_background_task(self, target, *args, **kwargs):
        self.tasks.append(lambda: target(*args, **kwargs))

    def sleep(self, seconds=0):
        pass

    def disconnect(self, sid, namespace=None):
        self.manager.connected.discard(sid)
        self.disconnected.append(sid)

    def run_tasks(self):
        while self.tasks:
            self.tasks.pop(0)()


def send(server, eio_sid, *values):
    for value in values:
        server._handle_event(eio_sid, "/", None, ["live:snapshot", value])


def test_one_connections_events_run_in_order_from_one_runner():
    server = Server("a")
    fair.install(server)
    send(server, "a", 1, 2, 3)
    assert len(server.tasks) == 1 and server.ran == []
    server.run_tasks()
    assert server.ran == [("a", 1), ("a", 2), ("a", 3)]
    send(server, "a", 4)  # the runner ended with its queue: the next event starts another
    server.run_tasks()
    assert server.ran[-1] == ("a", 4)


def test_events_of_a_connection_that_has_gone_are_dropped_unread():
    server = Server("a")
    fair.install(server)
    send(server, "a", 1, 2, 3)
    server.manager.connected.clear()
    server.run_tasks()
    assert server.ran == []
    send(server, "a", 4)
    assert server.tasks == []


def test_a_queue_longer_than_a_person_fills_drops_the_connection_once():
    server = Server("a", "b")
    fair.install(server)
    send(server, "a", *range(fair.MAX_PENDING + 500))
    send(server, "b", "b1")
    assert len(server.tasks) == 3  # a's runner, one drop of a, b's runner
    server.run_tasks()
    assert server.disconnected == ["sid-a"]
    assert server.ran == [("b", "b1")]  # a's backlog was never run
    assert server.manager.connected == {"sid-b"}


def test_a_connection_dropped_for_its_backlog_calls_the_apps_flood_hook_first():
    server = Server("a", "b")
    told = []
    server.environs["sid-a"] = {"paperless.on_flood": lambda: told.append(
        "sid-a" in server.manager.connected)}
    fair.install(server)
    send(server, "a", *range(fair.MAX_PENDING + 1))
    send(server, "b", *range(3))  # no hook in b's environ: nothing to call
    server.run_tasks()
    assert told == [True]  # once, before the disconnect (realtime: no quick reconnection)
    assert server.disconnected == ["sid-a"]


def test_without_async_handlers_events_run_inline():
    server = Server("a")
    server.async_handlers = False  # what Flask-SocketIO's test client sets
    fair.install(server)
    send(server, "a", 1)
    assert server.ran == [("a", 1)] and server.tasks == []


def test_another_connection_waits_for_at_most_one_event_of_a_flooder():
    server = Server("flooder", "tablet")
    server.start_background_task = lambda target, *a, **kw: gevent.spawn(target, *a, **kw)
    server.sleep = gevent.sleep
    fair.install(server)
    send(server, "flooder", *range(100))
    send(server, "tablet", "vote:state")
    gevent.sleep(0.01)
    gevent.wait(timeout=5)
    assert len(server.ran) == 101
    assert server.ran.index(("tablet", "vote:state")) <= 1


def test_installing_twice_wraps_once():
    server = Server("a")
    fair.install(server)
    installed = server._handle_event
    fair.install(server)
    assert server._handle_event is installed


def test_python_socketio_still_has_the_methods_fair_replaces():
    # fair.install replaces a private method: a python-socketio that renames or reshapes it
    # must fail here, not silently bring back a greenlet per event.
    handle = inspect.signature(socketio.Server._handle_event)
    internal = inspect.signature(socketio.Server._handle_event_internal)
    assert list(handle.parameters) == ["self", "eio_sid", "namespace", "id", "data"]
    assert list(internal.parameters) == ["self", "server", "sid", "eio_sid", "data",
                                         "namespace", "id"]


def test_the_app_installs_it(app):
    from paperless.extensions import socketio as app_socketio

    assert getattr(app_socketio.server, "_paperless_fair", False)
