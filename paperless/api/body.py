"""Reading JSON request bodies field by field; a bad field raises Invalid naming it."""

from __future__ import annotations

from datetime import date

from flask import request

from paperless.services.errors import Invalid


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("Nội dung phải là một đối tượng JSON.", code="invalid_json")
    return data


def string(data: dict, name: str, *, required: bool = True, default: str = "") -> str:
    value = data.get(name)
    if value is None:
        if required:
            raise Invalid(f"Thiếu trường “{name}”.", details={name: "required"})
        return default
    if not isinstance(value, str):
        raise Invalid(f"Trường “{name}” phải là chuỗi.", details={name: "type"})
    return value


def integer(data: dict, name: str, *, required: bool = False) -> int | None:
    value = data.get(name)
    if value is None:
        if required:
            raise Invalid(f"Thiếu trường “{name}”.", details={name: "required"})
        return None
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 2**31 - 1:
        raise Invalid(f"Trường “{name}” phải là số nguyên.", details={name: "type"})
    return value


def iso_date(data: dict, name: str, *, required: bool = True) -> date | None:
    value = data.get(name)
    if value is None:
        if required:
            raise Invalid(f"Thiếu trường “{name}”.", details={name: "required"})
        return None
    if not isinstance(value, str):
        raise Invalid(f"Trường “{name}” phải là ngày YYYY-MM-DD.", details={name: "type"})
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(f"Trường “{name}” phải là ngày YYYY-MM-DD.", details={name: "format"}) from exc


def string_list(data: dict, name: str) -> list[str]:
    value = data.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid(f"Trường “{name}” phải là danh sách chuỗi.", details={name: "type"})
    return value
