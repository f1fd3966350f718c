"""paperless/gevent_handler.py (a large unread remainder left unread: the server tests in
test_hostile_requests.py show the connection closing; files sent in 64 KiB blocks) and
paperless/sliced_body.py (a body read in slices, with a turn for everyone between them)."""

from __future__ import annotations

import io

import gevent
from gevent import pywsgi

from paperless import gevent_handler, sliced_body


def _input(data: bytes) -> gevent_handler._Input:
    return gevent_handler._Input.wrapping(pywsgi.Input(io.BytesIO(data), len(data)))


def test_reading_a_large_body_lets_the_others_run_between_slices():
    seen = {}

    def app(environ, start_response):
        seen["input"] = environ["wsgi.input"]
        return []

    size = 4 * sliced_body.SLICE_BYTES
    environ = {"wsgi.input": io.BytesIO(b"x" * size), "CONTENT_LENGTH": str(size)}
    sliced_body.SlicedBodies(app, lambda: gevent.sleep(0))(environ, None)
    body = seen["input"]
    ticks = []

    def tablet():
        while True:
            ticks.append(1)
            gevent.sleep(0)

    other = gevent.spawn(tablet)
    gevent.sleep(0)
    before = len(ticks)
    while body.read(64 * 1024):  # what Werkzeug's form parser does, all in one greenlet
        pass
    other.kill()
    assert len(ticks) - before >= 3  # about one turn per slice; none without slices


def test_small_bodies_and_servers_without_gevent_are_left_alone():
    seen = []
    app = lambda environ, start_response: seen.append(environ["wsgi.input"]) or []  # noqa: E731
    small = io.BytesIO(b"{}")
    sliced_body.SlicedBodies(app, lambda: None)({"wsgi.input": small, "CONTENT_LENGTH": "2"},
                                                 None)
    assert seen == [small]
    assert sliced_body._gevent_turn() is None  # the test process is not monkey-patched

    class FlaskLike:
        wsgi_app = app

    sliced_body.install(FlaskLike)
    assert FlaskLike.wsgi_app is app


def test_a_small_remainder_is_read_and_a_large_one_left_unread():
    small = _input(b"x" * 1000)
    small._discard()
    assert small.position == 1000 and not small.left_unread
    large = _input(b"x" * (gevent_handler.DISCARD_LIMIT + 1))
    large._discard()
    assert large.position == 0 and large.left_unread


def test_files_go_out_in_blocks_of_at_least_64_kib():
    wrapper = gevent_handler._file_wrapper(io.BytesIO(b"x" * (256 * 1024)))
    assert [len(block) for block in wrapper] == [gevent_handler.FILE_BLOCK] * 4
