"""OpenAPI generation: every operation documents the problem details it can answer.

`AutoSchema` (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS) adds the error responses the platform's
one exception handler (`lifeline.core.api.errors`) produces, from what the view declares, so
no view has to list them:

- 400 for writes and for operations with query parameters (validation, malformed bodies);
- 401 and 403 when the view authenticates (a bad token is refused even where anonymous
  callers are allowed; restricted tokens, CSRF and role checks answer 403);
- 404 for operations with path parameters or a request body (an object they name is outside
  the caller's scope) and for cursor-paginated lists (an invalid cursor);
- 409 for writes (services raise `Conflict` for state that refuses the change);
- 413 and 415 for operations with a request body (size limit, unparsable media type);
- 429 with `Retry-After` when the view is throttled;
- 503 with `Retry-After` for every operation (the database is unreachable).

A string field that may be blank (`allow_blank`, or a model field with `blank=True` behind an
output field) is documented without a `format`: "" is neither an e-mail address nor a URI.

Each is `application/problem+json` with the `Problem` component (RFC 9457 plus `code`, and
`errors` on 400s). A response a view declares itself keeps its description; one declared
without a body gets the problem body.

Lists that a view paginates declare the paginator as the view's `pagination_class` (read by
`core.api.pagination.paginate()`), which drf-spectacular turns into the paginated envelope
and its query parameters.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers
from rest_framework.fields import Field
from rest_framework.permissions import AllowAny

from lifeline.core.api.errors import PROBLEM_CONTENT_TYPE

PROBLEM_COMPONENT = "Problem"

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "RFC 9457 problem details. `code` is stable and machine-readable; `errors` (400 only) "
        "maps each invalid field to its messages. Some problems add members of their own."
    ),
    "properties": {
        "type": {"type": "string", "description": "Always `about:blank`."},
        "title": {"type": "string", "description": "Short, human-readable summary."},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "What went wrong in this occurrence."},
        "code": {"type": "string", "description": "Stable machine-readable problem code."},
        "errors": {
            "type": "object",
            "additionalProperties": {},
            "description": "400 only: field name to a list of messages (nested for objects).",
        },
    },
    "required": ["type", "title", "status", "code"],
    "additionalProperties": {},
}

_DESCRIPTIONS = {
    "400": "Invalid input (`errors` lists the fields).",
    "401": "Not authenticated, or the credentials are not valid.",
    "403": "Authenticated but not allowed.",
    "404": "Not found, or outside the caller's scope.",
    "409": "The resource's current state refuses the request.",
    "410": "Gone: the resource expired.",
    "413": "The request body is too large.",
    "415": "Unsupported media type.",
    "429": "Too many requests; retry after `Retry-After` seconds.",
    "503": "A backing service is unavailable; retry after `Retry-After` seconds.",
}

_RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before retrying.",
    }
}

_WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema plus the problem-details responses of every operation."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        codes = self._problem_status_codes(operation)
        # A view may declare another refusal itself (`responses={404: OpenApiResponse(...)}`):
        # a 4xx/5xx it names without a body is a problem-details response too.
        codes += [
            code
            for code, response in operation["responses"].items()
            if code[0] in "45" and code not in codes and not response.get("content")
        ]
        if codes:
            self._add_problem_responses(operation["responses"], codes)
        return operation

    def _insert_field_validators(self, field: Field[Any, Any, Any, Any], schema: Any) -> None:
        # Where drf-spectacular turns an EmailValidator or URLValidator into `format`.
        super()._insert_field_validators(field, schema)
        if schema.get("type") == "string" and "format" in schema and _may_be_blank(field):
            del schema["format"]  # "" is not an e-mail address or a URI

    def _problem_status_codes(self, operation: dict[str, Any]) -> list[str]:
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        writes = self.method in _WRITE_METHODS
        authenticates = bool(self.view.get_authenticators())
        guarded = any(not isinstance(p, AllowAny) for p in self.view.get_permissions())
        codes = []
        if writes or has_body or any(p.get("in") == "query" for p in parameters):
            codes.append("400")
        if authenticates:
            codes.append("401")
        if authenticates or guarded:
            codes.append("403")
        if (
            any(p.get("in") == "path" for p in parameters)
            or has_body
            or any(p.get("in") == "query" and p.get("name") == "cursor" for p in parameters)
        ):
            codes.append("404")
        if writes:
            codes.append("409")
        if has_body:
            codes += ["413", "415"]
        if self.view.get_throttles():
            codes.append("429")
        codes.append("503")
        return codes

    def _add_problem_responses(self, responses: dict[str, Any], codes: list[str]) -> None:
        component = ResolvedComponent(
            name=PROBLEM_COMPONENT,
            type=ResolvedComponent.SCHEMA,
            schema=PROBLEM_SCHEMA,
            object=PROBLEM_COMPONENT,
        )
        self.registry.register_on_missing(component)
        content = {PROBLEM_CONTENT_TYPE: {"schema": component.ref}}
        for code in codes:
            response = responses.setdefault(code, {"description": _DESCRIPTIONS[code]})
            if not response.get("content"):
                response["content"] = content
            if not response.get("description"):
                response["description"] = _DESCRIPTIONS[code]
            if code in ("429", "503"):
                response.setdefault("headers", {}).update(_RETRY_AFTER)
        for code, response in responses.items():
            if code >= "400" and not response.get("content"):
                response["content"] = content  # declared by the view without a body
        # drf-spectacular lists responses in the order they were declared; keep them by code.
        ordered = dict(sorted(responses.items()))
        responses.clear()
        responses.update(ordered)


def _may_be_blank(field: Field[Any, Any, Any, Any]) -> bool:
    """Whether the field accepts or returns "": `allow_blank`, or (for output fields built from
    a model, which drop the argument) a model field with `blank=True`."""
    if not isinstance(field, serializers.CharField):  # e-mail, URL, slug...: not dates, UUIDs
        return False
    if field.allow_blank:
        return True
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    if not isinstance(parent, serializers.ModelSerializer) or model is None:
        return False
    try:
        model_field = model._meta.get_field(field.source)
    except (FieldDoesNotExist, TypeError):
        return False
    return bool(getattr(model_field, "blank", False))
