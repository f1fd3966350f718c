"""The OpenAPI 3.1 document of /api/v1, generated from the routes' declarations (`spec.py`):
paths and methods from the URL map, path parameters from its converters, bodies, queries
and answers from the declared pydantic models (their JSON schemas are the components)."""

from __future__ import annotations

import re

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from paperless.api.spec import Binary, Operation
from paperless.schemas.base import Error

ERROR_TEXTS = {
    400: "Bad request", 401: "Not authenticated", 403: "Role not allowed",
    404: "Not found (or in a council you have no role in)", 409: "Conflict",
    410: "Gone (document_withdrawn)", 413: "Too large", 422: "Invalid field",
    429: "Too many failed logins (too_many_attempts, Retry-After), or requests too fast "
         "(rate_limited: every write is rate-limited per user; nothing was done)",
}
REF = "#/components/schemas/{model}"
_PARAMETER = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")


def operations(app: Flask) -> list[tuple[str, str, Operation]]:
    """(URL rule, method, declaration) of every /api/v1 route; a route without a
    declaration is an error here, so the document cannot leave one out."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        view = app.view_functions[rule.endpoint]
        operation = getattr(view, "api_operation", None)
        if operation is None:
            raise LookupError(f"{rule.rule} has no @declare")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.rule, method.lower(), operation))
    return found


def _path_parameters(rule: str, operation: Operation) -> list[dict]:
    parameters = []
    for match in _PARAMETER.finditer(rule):
        name, converter = match["name"], match["converter"] or "string"
        schema = {"type": "integer", "minimum": 0} if converter == "int" else {"type": "string"}
        if converter == "any":
            schema["enum"] = [v.strip().strip("'\"") for v in match["args"].split(",")]
        schema.update(operation.path.get(name, {}))
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


def _query_parameters(model: type[BaseModel], schemas: dict) -> list[dict]:
    schema = model.model_json_schema(ref_template=REF)
    schemas.update(schema.pop("$defs", {}))
    required = set(schema.get("required", ()))
    return [{"name": name, "in": "query", "required": name in required,
             "schema": {k: v for k, v in prop.items() if k != "title"}}
            for name, prop in schema.get("properties", {}).items()]


def _content(media_type: str, schema: dict | None) -> dict:
    return {media_type: {"schema": schema} if schema is not None else {}}


def _operation(rule: str, operation: Operation, refs: dict, schemas: dict) -> dict:
    answer = operation.answer
    if isinstance(answer, Binary):
        ok = {"description": answer.description,
              "content": {t: {} for t in answer.media_types}}
    elif answer is not None:
        ok = {"description": "OK",
              "content": _content("application/json", refs[answer, "serialization"])}
    else:
        ok = {"description": "No content" if operation.status == 204 else "OK"}
    responses = {str(operation.status): ok}
    responses.update({str(s): {"description": text}
                      for s, text in sorted(operation.other_answers.items())})
    error = {"content": _content("application/json", refs[Error, "serialization"])}
    responses.update({str(s): {"description": ERROR_TEXTS[s], **error}
                      for s in sorted(operation.errors)})
    described = {"summary": operation.summary, "responses": responses}
    parameters = _path_parameters(rule, operation)
    if operation.query is not None:
        parameters += _query_parameters(operation.query, schemas)
    if parameters:
        described["parameters"] = parameters
    content = {}
    if operation.body is not None:
        content.update(_content("application/json", refs[operation.body, "validation"]))
    if operation.form is not None:
        content.update(_content("multipart/form-data", refs[operation.form, "validation"]))
    for media_type in operation.also_accepts:
        content[media_type] = {"schema": {"type": "string", "format": "binary"}}
    if content:
        required = operation.body_required or operation.body is None
        described["requestBody"] = {"required": required, "content": content}
    if operation.public:
        described["security"] = []
    return described


def _models(found) -> list[tuple[type[BaseModel], str]]:
    models = {(Error, "serialization")}
    for _rule, _method, operation in found:
        for model, mode in ((operation.body, "validation"), (operation.form, "validation"),
                            (operation.answer, "serialization")):
            if isinstance(model, type) and issubclass(model, BaseModel):
                models.add((model, mode))
    return sorted(models, key=lambda pair: (pair[0].__name__, pair[1]))


def document(app: Flask) -> dict:
    found = operations(app)
    refs, definitions = models_json_schema(_models(found), ref_template=REF)
    schemas = dict(definitions.get("$defs", {}))
    paths: dict[str, dict] = {}
    for rule, method, operation in found:
        path = _PARAMETER.sub(lambda m: "{" + m["name"] + "}", rule)
        paths.setdefault(path, {})[method] = _operation(rule, operation, refs, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kỳ họp số API", "version": "1",
                 "description": "Paperless sessions for Vietnamese People's Councils. "
                                "Errors: {\"error\": {\"code\", \"message\"}}."},
        "servers": [{"url": "/"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": dict(sorted(schemas.items()))},
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
    }
