from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.urls("lifeline.ops.tests.urls")


def test_unknown_api_path_is_problem_json(client):
    response = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Not found",
        "status": 404,
        "detail": "No API endpoint matches this path.",
        "code": "not_found",
    }


def test_unknown_page_is_html(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_api_crash_is_problem_json_with_the_request_id():
    client = Client(raise_request_exception=False)

    response = client.get("/api/test-boom/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body == {
        "type": "about:blank",
        "title": "Server error",
        "status": 500,
        "detail": "The server could not complete the request. It has been logged.",
        "code": "server_error",
        "request_id": response["X-Request-ID"],
    }
    assert "boom" not in response.content.decode()


def test_page_crash_is_html():
    client = Client(raise_request_exception=False)

    response = client.get("/test-boom/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert b"boom" not in response.content
