"""A request body read in slices, with a turn for the rest of the hall between them.

Under gevent every request and every socket of a process share one loop, and reading a
body yields only when the next bytes have not arrived yet. Behind nginx, or on loopback,
they always have: parsing a 12.9 MB form for the public verify was one 60 ms stretch in
which no tablet was answered (issue #14, bench_hostile's verify phase). Here the body is
handed to the app through a reader that lets every other greenlet run after each
SLICE_BYTES. A WSGI middleware, so gunicorn's gevent worker (production) and
`python -m paperless.serve` (gevent's own server) behave alike; without gevent (threads,
which the OS preempts anyway) it is not installed.
"""

from __future__ import annotations

SLICE_BYTES = 256 * 1024


def _gevent_turn():
    """gevent.sleep(0) when the standard library is patched by gevent, else None."""
    try:
        import gevent
        from gevent import monkey
    except ImportError:
        return None
    return (lambda: gevent.sleep(0)) if monkey.is_module_patched("socket") else None


class SlicedBody:
    """`wsgi.input`, with `turn()` after every SLICE_BYTES read."""

    def __init__(self, stream, turn) -> None:
        self._stream, self._turn, self._since_turn = stream, turn, 0

    def _counted(self, data: bytes) -> bytes:
        self._since_turn += len(data)
        if self._since_turn >= SLICE_BYTES:
            self._since_turn = 0
            self._turn()
        return data

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self._counted(self._stream.read())
        return self._counted(self._stream.read(size))

    def readline(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self._counted(self._stream.readline())
        return self._counted(self._stream.readline(size))

    def __iter__(self):
        while line := self.readline():
            yield line


class SlicedBodies:
    """The WSGI middleware: bodies larger than one slice (or of unknown length) are sliced."""

    def __init__(self, app, turn) -> None:
        self.app = app
        self.turn = turn

    def __call__(self, environ, start_response):
        stream = environ.get("wsgi.input")
        if stream is not None:
            length = environ.get("CONTENT_LENGTH") or ""
            chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
            if chunked or (length.isdigit() and int(length) > SLICE_BYTES):
                environ["wsgi.input"] = SlicedBody(stream, self.turn)
        return self.app(environ, start_response)


def install(app) -> None:
    turn = _gevent_turn()
    if turn is not None:
        app.wsgi_app = SlicedBodies(app.wsgi_app, turn)
