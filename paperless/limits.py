"""Body limits per kind of route, and JSON that cannot nest without end.

Every route gets the small body limit (PAPERLESS_MAX_BODY_KB: JSON and forms without
files) unless its view is marked with :func:`accepts_upload`, which names the config key
of its own limit (documents: MAX_DOCUMENT_BYTES, the public verify: MAX_VERIFY_BYTES).
The limit is set before anything reads the body, so a 99 MB JSON list is a 413 from its
Content-Length, and a chunked body is cut off at the limit (Werkzeug's LimitedStream).
"""

from __future__ import annotations

import json

from flask import Flask, current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import RequestEntityTooLarge

from paperless.services.errors import Invalid

# Deeper than any body this API takes (a few levels); far below Python's recursion limit.
MAX_JSON_DEPTH = 32
FORM_OVERHEAD = 1024 * 1024  # multipart boundaries and the other fields beside the file


def accepts_upload(config_key: str):
    """Mark a view as taking a file up to ``app.config[config_key]`` bytes."""
    def mark(view):
        view.body_limit = config_key
        return view

    return mark


def body_limit() -> int:
    app = current_app
    view = app.view_functions.get(request.endpoint or "")
    key = getattr(view, "body_limit", None)
    limit = app.config[key] + FORM_OVERHEAD if key else app.config["MAX_BODY_BYTES"]
    ceiling = app.config.get("MAX_CONTENT_LENGTH")
    return min(limit, ceiling) if ceiling else limit


def _apply_body_limit() -> None:
    limit = body_limit()
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()


def _too_deep() -> Invalid:
    error = Invalid(f"Nội dung JSON lồng nhau quá sâu (tối đa {MAX_JSON_DEPTH} cấp).",
                    code="json_too_deep")
    error.status = 400
    return error


def _depth_within(value, limit: int) -> bool:
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > limit:
            return False
        if isinstance(item, dict):
            pending.extend((v, depth + 1) for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            pending.extend((v, depth + 1) for v in item if isinstance(v, dict | list))
    return True


class BoundedJSONProvider(DefaultJSONProvider):
    """Request JSON deeper than MAX_JSON_DEPTH is a 400 json_too_deep, never a
    RecursionError (500) from the parser."""

    def loads(self, s, **kwargs):
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise _too_deep() from None
        if isinstance(value, dict | list) and not _depth_within(value, MAX_JSON_DEPTH):
            raise _too_deep()
        return value


def register(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)
    # First of all before_request hooks: CSRF protection reads the form of every POST.
    app.before_request_funcs.setdefault(None, []).insert(0, _apply_body_limit)
