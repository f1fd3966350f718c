"""Field types and refusals shared by the declared shapes: API bodies and queries
(`paperless/schemas/`) and socket payloads (`paperless/realtime/payloads.py`).

A field may carry `Says(message, code)`: the answer when that field is refused (`{name}` is
put in). Without it, `refusal` answers with the wording the API has always used for the
kind of mistake (missing, not a string, not an integer, not a date…), so a client sees the
same code and Vietnamese message it saw when the fields were read by hand.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, Field, PlainValidator, ValidationError, WithJsonSchema
from pydantic_core import PydanticCustomError

from paperless import db
from paperless.services.errors import Invalid


class Says:
    """Field metadata: the answer when the field is refused (`{name}`: the field's name)."""

    def __init__(self, message: str, code: str = "validation_error", *, of_type: bool = False):
        # of_type: the wording of a type (Id, Text…), not of this field: a missing field
        # is then told as missing.
        self.message, self.code, self.of_type = message, code, of_type


class AsTyped:
    """Field metadata: a page's form reader keeps the value exactly as typed (not stripped,
    "" kept) — a password with a trailing space is that password."""


def _metadata(annotation) -> list:
    """Metadata of the Annotated members of an optional type (`Id | None`)."""
    found = []
    for member in get_args(annotation):
        if get_origin(member) is Annotated:
            found += list(member.__metadata__)
    return found


def kept_as_typed(model: type[BaseModel], field: str) -> bool:
    info = model.model_fields[field]
    return any(isinstance(m, AsTyped) for m in [*info.metadata, *_metadata(info.annotation)])


def says(model: type[BaseModel], field: str) -> Says | None:
    info = model.model_fields.get(field)
    if info is None:  # the field may be known by its alias
        info = next((f for f in model.model_fields.values() if f.alias == field), None)
    if info is None:
        return None
    found = [m for m in [*info.metadata, *_metadata(info.annotation)] if isinstance(m, Says)]
    return found[0] if found else None


def literal(values):
    return Literal[tuple(sorted(values))]


def _iso_date(value: Any) -> date:
    # A date is a "YYYY-MM-DD" string; pydantic's lax mode would also take a timestamp.
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("date_type", "not a date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_parsing", "not a date") from None


Id = Annotated[int, Field(ge=0, le=db.ID_MAX),
               Says("Trường “{name}” phải là số nguyên.", of_type=True)]
Ids = Annotated[list[Annotated[int, Field(ge=0, le=db.ID_MAX)]], Field(max_length=1000),
                Says("Trường “{name}” phải là danh sách số.", of_type=True)]
Flag = Annotated[bool, Says("Trường “{name}” phải là true/false.", of_type=True)]
IsoDate = Annotated[date, PlainValidator(_iso_date),
                    WithJsonSchema({"type": "string", "format": "date"})]
Secret = Annotated[str, Field(max_length=1000), AsTyped(),
                   Says("Trường “{name}” phải là chuỗi, tối đa 1000 ký tự.", of_type=True)]
Strings = Annotated[list[Annotated[str, Field(max_length=5000)]], Field(max_length=1000),
                    Says("Trường “{name}” phải là danh sách chuỗi.", of_type=True)]


def Text(limit: int, *, min_length: int = 0, null: bool = False):  # noqa: N802 — a type
    """A string of at most `limit` characters; `null`: it may also be null (absent)."""
    bounds = Field(max_length=limit, min_length=min_length) if min_length else \
        Field(max_length=limit)
    return Annotated[str | None if null else str, bounds,
                     Says(f"Trường “{{name}}” phải là chuỗi, tối đa {limit} ký tự.",
                          of_type=True)]


# The wording for a refusal without `Says`, by pydantic's error type: (message, detail).
_WORDING = {
    "missing": ("Thiếu trường “{name}”.", "required"),
    "string_type": ("Trường “{name}” phải là chuỗi.", "type"),
    "int_type": ("Trường “{name}” phải là số nguyên.", "type"),
    "int_parsing": ("Trường “{name}” phải là số nguyên.", "type"),
    "int_from_float": ("Trường “{name}” phải là số nguyên.", "type"),
    "bool_type": ("Trường “{name}” phải là true/false.", "type"),
    "bool_parsing": ("Trường “{name}” phải là true/false.", "type"),
    "float_type": ("Trường “{name}” phải là số.", "type"),
    "list_type": ("Trường “{name}” phải là danh sách.", "type"),
    "dict_type": ("Trường “{name}” phải là một đối tượng.", "type"),
    "date_type": ("Trường “{name}” phải là ngày YYYY-MM-DD.", "type"),
    "date_parsing": ("Trường “{name}” phải là ngày YYYY-MM-DD.", "format"),
    "literal_error": ("Trường “{name}” phải là một trong: {expected}.", "choice"),
    "string_too_long": ("Trường “{name}” tối đa {max_length} ký tự.", "too_long"),
    "string_too_short": ("Trường “{name}” không được để trống.", "too_short"),
    "too_long": ("Trường “{name}” có quá nhiều phần tử.", "too_long"),
    "too_short": ("Trường “{name}” thiếu phần tử.", "too_short"),
    "greater_than_equal": ("Trường “{name}” phải từ {ge} trở lên.", "range"),
    "greater_than": ("Trường “{name}” phải lớn hơn {gt}.", "range"),
    "less_than_equal": ("Trường “{name}” tối đa {le}.", "range"),
    "less_than": ("Trường “{name}” phải nhỏ hơn {lt}.", "range"),
    "string_pattern_mismatch": ("Trường “{name}” không đúng định dạng.", "format"),
    "extra_forbidden": ("Không có trường “{name}”.", "unknown_field"),
    "file_type": ("Trường “{name}” phải là một tệp.", "type"),
}


class Refusal(ValueError):
    """The first refused field of a shape: `field` (None: the whole value), `template` (the
    message before the name is put in), `code`, `detail` (what kind of mistake)."""

    def __init__(self, template: str, code: str, field: str | None, detail: str,
                 values: dict | None = None, *, shown: str | None = None):
        self.template, self.code, self.field, self.detail = template, code, field, detail
        self.message = template.format(name=shown or field or "", **(values or {}))
        super().__init__(self.message)


def label(model: type[BaseModel], field: str) -> str:
    """What a page calls the field: its declared title (e.g. "Ngày khai mạc"), else its name."""
    info = model.model_fields.get(field)
    return info.title if info is not None and info.title else field


def refusal(model: type[BaseModel], exc: ValidationError, *, labels: bool = False) -> Refusal:
    """The first refused field; `labels`: named by its title, as a page's form shows it."""
    error = exc.errors(include_url=False)[0]
    loc = error["loc"]
    field = str(loc[0]) if loc else None
    kind = error["type"]
    rule = says(model, field) if field else None
    shown = label(model, field) if labels and field else field
    if rule is not None and not (rule.of_type and kind in ("missing", "string_too_short")):
        return Refusal(rule.message, rule.code, field, _WORDING.get(kind, ("", kind))[1],
                       shown=shown)
    template, detail = _WORDING.get(kind, ("Trường “{name}” không hợp lệ.", kind))
    # A model may keep the code its route always answered for an unknown key.
    code = getattr(model, "unknown_field_code", "unknown_field") \
        if kind == "extra_forbidden" else "validation_error"
    values = {k: ", ".join(map(str, v)) if isinstance(v, list | tuple) else v
              for k, v in (error.get("ctx") or {}).items()}
    if kind == "literal_error":
        values["expected"] = values.get("expected", "").replace("'", "")
    try:
        return Refusal(template, code, field, detail, values, shown=shown)
    except (KeyError, IndexError):  # a wording whose figure pydantic did not give
        return Refusal("Trường “{name}” không hợp lệ.", code, field, detail, shown=shown)


def checked(model: type[BaseModel], data: object, *, labels: bool = False,
            strict: bool | None = None):
    """`data` as `model`; the first refused field as `Invalid` (422, the field's code and
    message, details `{field: kind}`). `labels`: named as a page's form names it."""
    try:
        return model.model_validate(data, strict=strict)
    except ValidationError as exc:
        refused = refusal(model, exc, labels=labels)
        details = {refused.field: refused.detail} if refused.field else None
        raise Invalid(refused.message, code=refused.code, details=details) from None
