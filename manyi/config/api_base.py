"""The NinjaAPI every /api/v1/ operation runs in: a JSON parser that refuses text no database
can store, one error body (ErrorOut) for every error, and an OpenAPI description that declares
those errors on every operation (so the description is true and schemathesis can check it)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from manyi.common.api_types import ErrorOut
from manyi.common.inputs import unstorable_paths

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
WRITE_METHODS = {"post", "put", "patch", "delete"}


class UnstorableText(ValueError):
    """A JSON string holds a NUL character or a lone surrogate."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class StrictJSONParser(Parser):
    """json.loads, refusing NaN/Infinity and strings with NUL or lone surrogates."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body, parse_constant=_no_constant)
        bad = next(unstorable_paths(data), None)
        if bad is not None:
            raise UnstorableText(bad)
        return data


def error_body(detail: str, errors: dict[str, list[str]] | None = None,
               **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return body


def _field_name(loc: Any) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts and parts[0] in ("query", "path", "header", "cookie", "form", "file"):
        parts = parts[1:]
    return ".".join(parts) or "__all__"


class ManyiAPI(NinjaAPI):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("parser", StrictJSONParser())
        super().__init__(*args, **kwargs)
        self.add_exception_handler(NinjaValidationError, self._invalid_input)
        self.add_exception_handler(HttpError, self._http_error)

    def _invalid_input(self, request: HttpRequest, exc: Any) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(_field_name(error.get("loc", ())), []).append(
                str(error.get("msg", ""))
            )
        detail = _("Some fields are invalid: %(fields)s.") % {"fields": ", ".join(errors)}
        return self.create_response(request, error_body(detail, errors), status=422)

    def _http_error(self, request: HttpRequest, exc: Any) -> HttpResponse:
        cause = exc.__cause__
        if isinstance(cause, UnstorableText):
            message = _("%(field)s: contains a NUL character or text that is not valid UTF-8.") % {
                "field": cause.field
            }
            body = error_body(message, {cause.field: [message]})
        elif exc.status_code == 400 and cause is not None:
            body = error_body(_("The request body is not valid JSON."))
        else:
            body = error_body(str(exc))
        return self.create_response(request, body, status=exc.status_code)

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        declare_error_responses(schema)
        return schema


ERRORS = {
    400: "Bad request: the body is not JSON, or a field holds a NUL character or invalid text",
    401: "Unauthorized: no valid bearer token",
    403: "Forbidden: the user lacks the permission",
    404: "Not found, or not visible to this user",
    409: "Conflict: the record was changed meanwhile (current_version says by whom)",
    422: "Invalid fields: `errors` maps each field to its messages",
    429: "Too many requests with an invalid token from this address",
}


def _has_version(schema: dict[str, Any], operation: dict[str, Any]) -> bool:
    content = operation.get("requestBody", {}).get("content", {})
    for media in content.values():
        body = media.get("schema", {})
        ref = body.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            body = schema["components"]["schemas"].get(ref.rsplit("/", 1)[1], {})
        if "version" in body.get("properties", {}):
            return True
    return False


def declare_error_responses(schema: dict[str, Any]) -> None:
    """Add ErrorOut and the error responses to every operation of an OpenAPI document."""
    schema.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = (
        ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    )
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            codes = [400, 401, 403, 404, 422, 429]
            if method in WRITE_METHODS and _has_version(schema, operation):
                codes.append(409)
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, {
                    "description": ERRORS[code],
                    "content": {"application/json": {"schema": ERROR_REF}},
                })
