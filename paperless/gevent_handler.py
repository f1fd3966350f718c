"""gevent's request handler, without reading a refused body to its end.

After every response gevent reads whatever the application left of the request body, so
the connection can serve the next request (keep-alive). For a refused upload that is the
whole body: a 99 MB JSON list refused with a 413 from its Content-Length was still read,
16 KiB at a time, in the serving loop, and a script sending it again and again held every
tablet's round trip at 10× (issue #14, bench_hostile's json phase). Here a remainder of
more than DISCARD_LIMIT bytes (or of unknown length: chunked) is not read; the connection
is closed after the response instead. A small remainder is still read, as gevent does,
so ordinary keep-alive requests are unchanged.

Files (send_file: a blob, a per-reader watermarked copy) go out in FILE_BLOCK pieces, not
Werkzeug's default 8 KiB (gevent's server offers no `wsgi.file_wrapper`; gunicorn has its
own, with sendfile): a 0.9 MB copy was 110 socket writes. 64 KiB is what PDF.js asks for
in one range, so ranges read no more than before.

Closing a socket with unread data makes the kernel answer with a reset, which can destroy
the 413 before the client has read it (a person's browser would show "connection reset"
instead of the message). So the connection first says it is done writing (FIN after the
response), waits LINGER_SECONDS without reading (the client's sending stops when the
kernel's receive window fills: no work for the loop), and only then closes.
"""

from __future__ import annotations

import socket

import gevent
from gevent import pywsgi
from werkzeug.wsgi import FileWrapper

DISCARD_LIMIT = 64 * 1024
FILE_BLOCK = 64 * 1024
LINGER_SECONDS = 2.0


class _Input(pywsgi.Input):
    __slots__ = ("left_unread",)

    @classmethod
    def wrapping(cls, given: pywsgi.Input) -> _Input:
        """The same stream, at the same position."""
        bounded = cls.__new__(cls)
        for name in pywsgi.Input.__slots__:
            setattr(bounded, name, getattr(given, name))
        bounded.left_unread = False
        return bounded

    def _discard(self):
        self.left_unread = False
        if self._chunked_input_error:
            return  # gevent closes the connection itself
        remaining = (self.content_length or 0) - self.position
        if self.chunked_input or remaining > DISCARD_LIMIT:
            self.left_unread = True
            return
        super()._discard()


def _file_wrapper(file, buffer_size: int = 8192) -> FileWrapper:
    return FileWrapper(file, max(buffer_size, FILE_BLOCK))


class Handler(pywsgi.WSGIHandler):
    """`pywsgi.WSGIServer(..., handler_class=Handler)`."""

    def get_environ(self):
        environ = super().get_environ()
        environ["wsgi.input"] = self.wsgi_input = _Input.wrapping(self.wsgi_input)
        environ["wsgi.file_wrapper"] = _file_wrapper
        return environ

    def handle_one_response(self):
        super().handle_one_response()
        if getattr(self.wsgi_input, "left_unread", False):
            self.close_connection = True  # the unread body must not be taken for a request
            try:
                self.socket.shutdown(socket.SHUT_WR)
            except OSError:
                return  # the client has gone already
            gevent.sleep(LINGER_SECONDS)  # this connection's greenlet only
