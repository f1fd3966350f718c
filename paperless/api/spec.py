"""Each /api/v1 route declares what it takes and what it answers, once, beside its view:

    @bp.post("/councils")
    @authenticated
    @declare("Create a council", status=201, body=CouncilInput, answer=Council,
             errors=(400, 401, 403, 404, 422))
    def create_council(body: CouncilInput): ...

`declare` checks the JSON body (`body=`), the query string (`query=`) and the form fields of
a multipart upload (`form=`) against their pydantic models and hands the view the typed
value (`body`, `query`, `form`); a refused field is `Invalid` (422 with the field's code and
Vietnamese message), and nothing has been done. The models live in `paperless/schemas/`
(below the API, so the pages read their forms with them too: `web/forms.read`). `/api/v1/openapi.json` is generated from
these declarations (`openapi.py`); a route without one fails the document's test.

`@declare` goes below `@authenticated`, so a caller without credentials hears 401 first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import request
from pydantic import BaseModel

from paperless.services.errors import Invalid
from paperless.shapes import checked


@dataclass(frozen=True)
class Binary:
    """A response that is a file: its media types (e.g. "application/pdf")."""
    media_types: tuple[str, ...]
    description: str = "The file"

    def __init__(self, *media_types: str, description: str = "The file"):
        object.__setattr__(self, "media_types", media_types)
        object.__setattr__(self, "description", description)


PDF = Binary("application/pdf", description="The PDF")
# What a PDF served with conditional GET and byte ranges (storage.send_range) also answers.
PDF_RANGES = {206: "A byte range of the PDF", 304: "Not modified (If-None-Match matched the ETag)",
              416: "Range not satisfiable"}


@dataclass(frozen=True)
class Operation:
    summary: str
    status: int = 200
    body: type[BaseModel] | None = None
    body_required: bool = True
    query: type[BaseModel] | None = None
    form: type[BaseModel] | None = None
    also_accepts: tuple[str, ...] = ()  # raw request bodies, e.g. "image/png"
    answer: type[BaseModel] | Binary | None = None
    errors: tuple[int, ...] = ()
    public: bool = False
    path: dict[str, dict] = field(default_factory=dict)  # path parameters beyond their type
    other_answers: dict[int, str] = field(default_factory=dict)  # e.g. {206: "A byte range"}


NOT_AN_OBJECT = "Nội dung phải là một đối tượng JSON."


def declare(summary: str, **facts: Any):
    operation = Operation(summary, **facts)

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if operation.body is not None and _takes_json(operation):
                kwargs["body"] = read_body(operation.body, required=operation.body_required)
            elif operation.body is not None:
                kwargs["body"] = None
            if operation.form is not None:
                kwargs["form"] = read_form(operation.form) if _is_form() else None
            if operation.query is not None:
                kwargs["query"] = read_query(operation.query)
            return view(*args, **kwargs)

        checked.api_operation = operation
        return checked

    return decorate


def _is_form() -> bool:
    return request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded")


def _takes_json(operation: Operation) -> bool:
    # A route that takes a form too reads JSON only when JSON is what came.
    return operation.form is None or not _is_form()


def read_body(model: type[BaseModel], *, required: bool = True):
    if not required and not request.get_data(cache=True):
        return model()
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid(NOT_AN_OBJECT, code="invalid_json")
    return checked(model, data)


def _text_fields(values) -> dict:
    return {name: value for name, value in values.items() if value.strip() != ""}


def read_query(model: type[BaseModel]):
    return checked(model, _text_fields(request.args))


def read_form(model: type[BaseModel]):
    """The form's text fields and its files (`File` fields: werkzeug's FileStorage)."""
    return checked(model, {**_text_fields(request.form), **request.files.to_dict()})
