"""Reading a page's form through the declared shapes (`paperless/schemas/`, the same
pydantic models the API checks its bodies with); a bad field raises Invalid naming it by its
label, and the page flashes it."""

from __future__ import annotations

from typing import Annotated, get_args, get_origin

from flask import request
from pydantic import BaseModel

from paperless.shapes import checked, kept_as_typed


def read(model: type[BaseModel], **given):
    """The form as `model`: text stripped, an empty field absent, types lax (a form sends
    text: "12" is 12, "on" is true), list fields from every value of their name, a `Secret`
    (`shapes.AsTyped`) exactly as typed. `given`
    adds what does not come from the form (e.g. a path id)."""
    data = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if kept_as_typed(model, name):
            if key in request.form:
                data[key] = request.form[key]
        elif _is_list(info.annotation):
            values = [v.strip() for v in request.form.getlist(key) if v.strip()]
            if values:
                data[key] = values
        elif (value := request.form.get(key, "").strip()) != "":
            data[key] = value
    return checked(model, {**data, **given}, labels=True, strict=False)


def _is_list(annotation) -> bool:
    """list[…], Annotated[list[…], …] or either of them | None."""
    if get_origin(annotation) is Annotated:
        return _is_list(get_args(annotation)[0])
    if get_origin(annotation) is list:
        return True
    return any(_is_list(a) for a in get_args(annotation) if a is not type(None))


def back(default: str = "/", anchor: str = "") -> str:
    """Where the form came from, if it is this site; never an outside address."""
    from urllib.parse import urlsplit

    ref = urlsplit(request.referrer or "")
    target = default
    if ref.netloc == request.host and ref.path.startswith("/"):
        target = ref.path + (f"?{ref.query}" if ref.query else "")
    return target + anchor
