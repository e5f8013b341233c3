"""Every API response the suite produces must be one the committed OpenAPI schema documents.

A pytest plugin (loaded by the root conftest). It wraps Django's test `Client.request` (which
DRF's `APIClient` also goes through): a response to a path under `/api/v1/` is matched to its
operation in `openapi/v1.yaml` and checked: its status code is documented, its content type
is documented for that status, and its body is valid against the documented schema
(schemathesis' validator). A mismatch fails the test that made the request, naming the operation.

A path the schema does not have (a test's made-up URL, say) is not checked: the 404 answer for
an unknown endpoint is covered by its own test. Responses of views that a test mounts on its
own URLconf are not checked either (their path is not under the schema's operations).

`LIFELINE_VALIDATE_RESPONSES=0` turns the check off (to see a test's own failure first).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from django.test.client import Client
from schemathesis.core.failures import FailureGroup
from schemathesis.core.transport import Response

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "openapi" / "v1.yaml"
CHECKED_PREFIX = "/api/v1/"


@cache
def _schema() -> Any:
    return schemathesis.openapi.from_path(SCHEMA_PATH)


def _as_schemathesis_response(response: Any) -> Response:
    environ = response.request
    path = environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    prepared = requests.Request(
        method=environ.get("REQUEST_METHOD", "GET"),
        url=f"http://testserver{path}" + (f"?{query}" if query else ""),
    ).prepare()
    headers: dict[str, list[str]] = {}
    for name, value in response.items():
        headers.setdefault(name.lower(), []).append(value)
    content = b"" if getattr(response, "streaming", False) else response.content
    return Response(
        status_code=response.status_code,
        headers=headers,
        content=content,
        request=prepared,
        elapsed=0.0,
        verify=False,
    )


def check_response(response: Any) -> None:
    """Raise AssertionError if `response` is not one the schema documents for its operation."""
    environ = getattr(response, "request", None) or {}
    path = environ.get("PATH_INFO", "")
    if not path.startswith(CHECKED_PREFIX) or getattr(response, "streaming", False):
        return
    method = environ.get("REQUEST_METHOD", "GET")
    if method == "HEAD":
        return  # GET's headers without a body (RFC 9110); the schema describes the GET
    schema = _schema()
    operation = schema.find_operation_by_path(method, path)
    if operation is None:
        return
    where = f"{method} {path} -> {response.status_code} ({operation.label} in openapi/v1.yaml)"
    definition = operation.responses.find_by_status_code(response.status_code)
    if definition is None:
        raise AssertionError(f"{where}: status code not documented")
    wrapped = _as_schemathesis_response(response)
    documented = schema.get_content_types(operation, wrapped)
    actual = (response.get("Content-Type") or "").split(";")[0].strip()
    if response.content and documented and actual not in documented:
        raise AssertionError(f"{where}: content type {actual!r} not in {documented}")
    try:
        operation.validate_response(wrapped)
    except FailureGroup as group:
        details = "\n".join(f"  - {failure}" for failure in group.exceptions)
        raise AssertionError(f"{where}: body does not match the schema:\n{details}") from None


def enabled() -> bool:
    return os.environ.get("LIFELINE_VALIDATE_RESPONSES", "1") != "0"


@pytest.fixture(autouse=True)
def _responses_match_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    if not enabled():
        return
    original = Client.request

    def request(self: Client, **kwargs: Any) -> Any:
        response = original(self, **kwargs)
        check_response(response)
        return response

    monkeypatch.setattr(Client, "request", request)
