"""Signed, short-lived byte-range links to a document version's blob (issue #18).

Serving a 64 KiB range through Flask cost six ORM queries (token, user, roles, document,
meeting, versions): 46 % of the CPU of a hall reading. A range link is checked without
Flask or the database: the authenticated API (`GET /api/v1/documents/<id>/range-link`)
applies every rule once and hands the viewer

    /ranges/<document>/<version>/<sha256>?e=<expires, unix s>&a=<user>.<s|t><id>&s=<token>

answered by `RangeLinkServer` (below, a plain WSGI middleware reading the blob with pread)
or by nginx's `secure_link` on the same URL (docs/deploy/nginx.conf). Only documents that
are not watermarked ever get one: a confidential copy is made per reader and logged.

The token is what stock nginx can check: base64url(MD5("<e><path><a> <key>")), the key being
derived from the app's secret key for this one purpose (`derive_key`), so the value nginx
holds opens nothing else (not the session cookies, not the ballot key). MD5 with the key as
a suffix is safe here: every signed string is chosen by the server (a length-extension
attack needs the key in front, a collision attack needs the attacker to choose the bytes
the server signs, and a blob's name is a SHA-256 output), and a forgery needs a 2^128
search. A link lives `PAPERLESS_RANGE_LINK_SECONDS` (60 s); the viewer asks for a new one
when it is refused, and that request goes through every check again.

What an issued link means after a change (docs/deploy.md, "Range links"):
- a revoked session or token, a disabled user, a withdrawn document or one whose access
  level changed: refused at once by the process that made the change (`Revocations`, the
  one place that forgets links, fed by the services' announcements); on other processes
  and through nginx the link still works until it expires, at most 60 s after issue;
- a role removed or a delegate set inactive: the link works until it expires; the next
  renewal is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PREFIX = "/ranges/"
_PATH = re.compile(r"^/ranges/(\d{1,9})/(\d{1,9})/([0-9a-f]{64})$")
_EXPIRES = re.compile(r"^\d{1,12}$")
_AUDIENCE = re.compile(r"^(\d{1,9})\.([st]\d{1,9})$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")
_RANGE = re.compile(r"^bytes=(\d{0,19})-(\d{0,19})$")
CHUNK = 256 * 1024  # a whole-file answer is read and sent in pieces of this size


def derive_key(secret_key: str | bytes) -> str:
    """The key of range links alone (what nginx is given), derived from the app's secret."""
    secret = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return hmac.new(secret, b"kyhopso range links v1", hashlib.sha256).hexdigest()


def audience(user_id: int, *, session_id: int | None = None,
             token_id: int | None = None) -> str:
    """Whose link it is: the user and the login session (s) or API token (t) it was asked
    with, so revoking that session or token revokes its links."""
    if session_id is not None:
        return f"{user_id}.s{session_id}"
    if token_id is not None:
        return f"{user_id}.t{token_id}"
    raise ValueError("a range link belongs to a login session or an API token")


def path_of(document_id: int, version: int, sha256: str) -> str:
    return f"{PREFIX}{document_id}/{version}/{sha256}"


def token(path: str, expires: int, audience_id: str, key: str) -> str:
    digest = hashlib.md5(f"{expires}{path}{audience_id} {key}".encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue(document_id: int, version: int, sha256: str, audience_id: str, key: str,
          expires: int) -> str:
    path = path_of(document_id, version, sha256)
    return f"{path}?e={expires}&a={audience_id}&s={token(path, expires, audience_id, key)}"


class Revocations:
    """Links that stop working before they expire, in this process: by audience (a session or
    token), by user (every session: disabled, password changed) and by document (withdrawn,
    access changed). `forget` is the one place that adds to it; an entry is dropped once every
    link issued before it has expired anyway (`lifetime_s` later)."""

    def __init__(self, lifetime_s: int, now: Callable[[], float] = time.time):
        self.lifetime_s = lifetime_s
        self._now = now
        self._lock = threading.Lock()
        self._since: dict[tuple[str, str], float] = {}

    def forget(self, *, audiences=(), users=(), documents=()) -> None:
        at = self._now()
        with self._lock:
            self._prune(at)
            for kind, values in (("a", audiences), ("u", users), ("d", documents)):
                for value in values:
                    self._since[(kind, str(value))] = at

    def refuses(self, audience_id: str, user_id: str, document_id: str,
                issued_before: float) -> str | None:
        """'revoked' or None, for a link issued at `issued_before` (its expiry - lifetime)."""
        with self._lock:
            for key in (("a", audience_id), ("u", user_id), ("d", document_id)):
                since = self._since.get(key)
                if since is not None and issued_before <= since:
                    return "revoked"
        return None

    def _prune(self, at: float) -> None:
        for key in [k for k, since in self._since.items() if since < at - self.lifetime_s - 1]:
            del self._since[key]


@dataclass(frozen=True)
class _Refusal:
    status: str
    code: str
    message: str


_REFUSALS = {
    "not_found": _Refusal("404 Not Found", "not_found", "Không tìm thấy."),
    "method": _Refusal("405 Method Not Allowed", "method_not_allowed",
                       "Phương thức không được hỗ trợ."),
    "invalid": _Refusal("403 Forbidden", "link_invalid",
                        "Liên kết tài liệu không hợp lệ. Hãy mở lại tài liệu."),
    "expired": _Refusal("410 Gone", "link_expired",
                        "Liên kết tài liệu đã hết hạn. Hãy mở lại tài liệu."),
    # A session ended, a user disabled, a document withdrawn or made confidential: the
    # viewer asks for a new link, and that answer says which (401, 410 document_withdrawn…).
    "revoked": _Refusal("403 Forbidden", "link_revoked",
                        "Liên kết tài liệu không còn hiệu lực. Hãy mở lại tài liệu."),
}


class RangeLinkServer:
    """WSGI middleware: answers GET/HEAD of /ranges/… itself (no Flask, no database) and
    passes every other request to the app."""

    def __init__(self, app, blobs_root: str | os.PathLike, key: str, revocations: Revocations,
                 now: Callable[[], float] = time.time):
        self.app = app
        self.blobs_root = str(Path(blobs_root))  # a string: pathlib costs a third of a range
        self.key = key
        self.revocations = revocations
        self._now = now

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX):
            return self.app(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        match = _PATH.match(path)
        if match is None:  # "..", "%2e", a short hash…: never turned into a file name
            return self._refuse(start_response, "not_found")
        if method not in ("GET", "HEAD"):
            return self._refuse(start_response, "method", [("Allow", "GET, HEAD")])
        problem = self._check(path, match.group(1), environ.get("QUERY_STRING", ""))
        if problem:
            return self._refuse(start_response, problem)
        sha = match.group(3)
        try:
            fd = os.open(f"{self.blobs_root}/{sha[:2]}/{sha[2:]}", os.O_RDONLY)
        except OSError:
            return self._refuse(start_response, "not_found")
        try:
            size = os.fstat(fd).st_size
            span = requested_span(environ.get("HTTP_RANGE"), size)
        except BaseException:
            os.close(fd)
            raise
        headers = [("Content-Type", "application/pdf"), ("Accept-Ranges", "bytes"),
                   ("Cache-Control", "private, no-transform"), ("ETag", f'"{sha}"'),
                   ("X-Content-Type-Options", "nosniff"),
                   ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")]
        if span == "unsatisfiable":
            os.close(fd)
            start_response("416 Range Not Satisfiable",
                           [*headers, ("Content-Range", f"bytes */{size}"),
                            ("Content-Length", "0")])
            return [b""]
        if span is None:
            start, end, status = 0, size - 1, "200 OK"
        else:
            (start, end), status = span, "206 Partial Content"
            headers.append(("Content-Range", f"bytes {start}-{end}/{size}"))
        headers.append(("Content-Length", str(end - start + 1)))
        start_response(status, headers)
        if method == "HEAD" or end < start:
            os.close(fd)
            return [b""]
        if end - start < CHUNK:  # a PDF.js range: one pread, one write
            try:
                return [os.pread(fd, end - start + 1, start)]
            finally:
                os.close(fd)
        return _Pieces(fd, start, end)

    def _check(self, path: str, document_id: str, query: str) -> str | None:
        """The raw query, exactly e, a and s once each (nginx signs its raw `$arg_a` too)."""
        fields: dict[str, str] = {}
        for part in query.split("&"):
            name, sep, value = part.partition("=")
            if not sep or name not in ("e", "a", "s") or name in fields:
                return "invalid"
            fields[name] = value
        if len(fields) != 3:
            return "invalid"
        expires, audience_id, given = fields["e"], fields["a"], fields["s"]
        who = _AUDIENCE.match(audience_id)
        if not (_EXPIRES.match(expires) and who and _TOKEN.match(given)):
            return "invalid"
        if not hmac.compare_digest(given, token(path, int(expires), audience_id, self.key)):
            return "invalid"
        if int(expires) < self._now():
            return "expired"
        issued = int(expires) - self.revocations.lifetime_s
        return self.revocations.refuses(audience_id, who.group(1), document_id, issued)

    def _refuse(self, start_response, problem: str, extra=()):
        refusal = _REFUSALS[problem]
        body = json.dumps({"error": {"code": refusal.code, "message": refusal.message}},
                          ensure_ascii=False).encode()
        start_response(refusal.status, [("Content-Type", "application/json"),
                                        ("Content-Length", str(len(body))),
                                        ("Cache-Control", "no-store"), *extra])
        return [body]


def requested_span(header: str | None, size: int):
    """(start, end) of a single `Range: bytes=…`, None for the whole file (no header, or
    one this server does not understand — several ranges, other units — which HTTP lets a
    server ignore), or 'unsatisfiable' (416: starts past the end, an empty suffix)."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if match is None or (not match.group(1) and not match.group(2)):
        return None
    first, last = match.group(1), match.group(2)
    if not first:  # "bytes=-500": the last 500 bytes
        length = int(last)
        if length == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = size - 1 if not last else min(int(last), size - 1)
    if start >= size:
        return "unsatisfiable"
    if end < start:  # "bytes=500-100" is not a valid range: ignored
        return None
    return start, end


class _Pieces:
    """A whole file (or a long range) read with pread piece by piece; closed by the server."""

    def __init__(self, fd: int, start: int, end: int):
        self.fd, self.at, self.end = fd, start, end

    def __iter__(self):
        while self.at <= self.end:
            piece = os.pread(self.fd, min(CHUNK, self.end - self.at + 1), self.at)
            if not piece:
                return
            self.at += len(piece)
            yield piece

    def close(self):
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
