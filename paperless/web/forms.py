"""Reading form fields with Vietnamese messages; a bad field raises Invalid."""

from __future__ import annotations

from datetime import date

from flask import request

from paperless.services.errors import Invalid


def text(name: str, default: str = "") -> str:
    return request.form.get(name, default).strip()


def optional_int(name: str, label: str) -> int | None:
    raw = request.form.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise Invalid(f"{label}: phải là số nguyên.") from exc


def required_date(name: str, label: str) -> date:
    value = optional_date(name, label)
    if value is None:
        raise Invalid(f"{label}: bắt buộc nhập.")
    return value


def optional_date(name: str, label: str) -> date | None:
    raw = request.form.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise Invalid(f"{label}: ngày không hợp lệ.") from exc


def back(default: str = "/", anchor: str = "") -> str:
    """Where the form came from, if it is this site; never an outside address."""
    from urllib.parse import urlsplit

    ref = urlsplit(request.referrer or "")
    target = default
    if ref.netloc == request.host and ref.path.startswith("/"):
        target = ref.path + (f"?{ref.query}" if ref.query else "")
    return target + anchor
