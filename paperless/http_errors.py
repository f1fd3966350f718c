"""JSON errors of the API and of pages asked for JSON: {"error": {"code": "...", "message": "..."}}
with a stable code (the API, the pages and the app all answer with them)."""

from __future__ import annotations

from flask import jsonify

_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
               415: "unsupported_media_type", 422: "validation_error",
               429: "too_many_attempts", 500: "server_error"}


def http_code(status: int) -> str:
    return _HTTP_CODES.get(status, "error")


def error_response(status: int, code: str, message: str, details: object = None):
    body: dict = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return jsonify({"error": body}), status
