"""The response check itself: it catches what the schema does not document."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse, JsonResponse

from tests.openapi_responses import check_response


def _response(status: int, body: object, *, path: str = "/api/v1/auth/me/") -> HttpResponse:
    response = JsonResponse(body, status=status, safe=False)
    response.request = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "QUERY_STRING": ""}
    return response


def test_undocumented_status_code_fails():
    with pytest.raises(AssertionError, match="status code not documented"):
        check_response(_response(418, {}))


def test_body_that_breaks_the_schema_fails():
    with pytest.raises(AssertionError, match="body does not match the schema"):
        check_response(_response(200, {"id": 5}))


def test_undocumented_content_type_fails():
    response = HttpResponse("<p>no</p>", status=401, content_type="text/html")
    response.request = {"PATH_INFO": "/api/v1/auth/me/", "REQUEST_METHOD": "GET"}
    with pytest.raises(AssertionError, match="content type 'text/html'"):
        check_response(response)


def test_documented_problem_passes_and_unknown_paths_are_left_alone():
    problem = {"type": "about:blank", "title": "Not authenticated", "status": 401}
    response = _response(401, problem | {"code": "not_authenticated"})
    response["Content-Type"] = "application/problem+json"

    check_response(response)
    check_response(_response(200, json.loads("[]"), path="/api/v1/no-such-endpoint/"))
