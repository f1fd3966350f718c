"""The kinds of declared shape: a JSON body, a query string or form, an answer, a file."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainValidator, WithJsonSchema, create_model
from pydantic_core import PydanticCustomError
from werkzeug.datastructures import FileStorage


class Body(BaseModel):
    """A JSON body: strict types (`true` is no number, `"5"` no integer); unknown keys are
    ignored, as they always were."""
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class Query(BaseModel):
    """A query string, or the text fields of a form: values arrive as text, so types are lax
    ("12" is 12); an empty value is an absent one."""
    model_config = ConfigDict(extra="ignore", frozen=True)


class Answer(BaseModel):
    """A response shape. Only described, never used to build the response (the services'
    `serialize` does that); schemathesis checks that what the routes send conforms."""
    model_config = ConfigDict(extra="allow")


class ErrorDetail(Answer):
    code: str
    message: str
    details: Any = None


class Error(Answer):
    """Every refusal: `{"error": {"code", "message", "details"?}}`; the code is stable."""
    error: ErrorDetail


class AnyObject(Answer):
    """An object whose keys are described in the summary."""


NO_FILE = "Thiếu tệp (trường “file”)."


def _uploaded(value: Any) -> FileStorage:
    # A text field named like the file field is no file (the view would call .read() on it).
    if not isinstance(value, FileStorage):
        raise PydanticCustomError("file_type", "not a file")
    return value


# A file field of a multipart form: werkzeug's FileStorage.
File = Annotated[Any, PlainValidator(_uploaded),
                 WithJsonSchema({"type": "string", "format": "binary"})]


_LISTINGS: dict[tuple[str, type], type[BaseModel]] = {}


def listing(key: str, item: type[BaseModel]) -> type[BaseModel]:
    """`{key: [item, …]}`, the shape of every list the API answers."""
    if (key, item) not in _LISTINGS:
        name = "".join(part.title() for part in key.split("_")) + "List"
        if any(model.__name__ == name for model in _LISTINGS.values()):  # another item's list
            name = f"{item.__name__}{name}"
        _LISTINGS[key, item] = create_model(name, __base__=Answer, **{key: (list[item], ...)})
    return _LISTINGS[key, item]
