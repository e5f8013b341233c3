from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from lifeline.accounts.models import LoginEvent
from lifeline.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from lifeline.core.api.parsers import MAX_DEPTH, nesting_exceeds

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"


def nested(levels: int) -> str:
    """A JSON body whose arrays nest `levels` deep (1 = a flat array)."""
    return "[" * levels + "]" * levels


def post_json(client: APIClient, path: str, body: str) -> object:
    return client.post(path, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("levels", [950, 5000])
def test_anonymous_login_with_deeply_nested_json_is_a_400_problem(levels):
    user = UserFactory()
    client = APIClient()

    response = post_json(client, LOGIN, nested(levels))

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Malformed request",
        "status": 400,
        "detail": f"The JSON body nests deeper than {MAX_DEPTH} levels.",
        "code": "json_too_deep",
    }
    assert LoginEvent.objects.filter(user=user).count() == 0


def test_login_body_nested_deep_inside_an_object_is_refused():
    user = UserFactory()
    body = f'{{"email": "{user.email}", "password": {nested(MAX_DEPTH)}}}'

    response = post_json(APIClient(), LOGIN, body)

    assert response.status_code == 400
    assert response.json()["code"] == "json_too_deep"


def test_nesting_at_the_limit_reaches_the_view():
    user = UserFactory()
    # The object is level 1, so the password array may nest MAX_DEPTH - 1 more.
    body = f'{{"email": "{user.email}", "password": {nested(MAX_DEPTH - 1)}}}'

    response = post_json(APIClient(), LOGIN, body)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"  # the serializer's verdict, not the parser's


def test_ordinary_login_still_parses():
    user = UserFactory()

    response = post_json(
        APIClient(), LOGIN, json.dumps({"email": user.email, "password": DEFAULT_PASSWORD})
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("value", "limit", "expected"),
    [
        ([], 1, False),
        ([[]], 1, True),
        ({"a": [1, {"b": [2]}]}, 4, False),
        ({"a": [1, {"b": [2]}]}, 3, True),
        ([1, "x", None, [2, [3]]], 3, False),
    ],
)
def test_nesting_exceeds_counts_levels_of_lists_and_dicts(value, limit, expected):
    assert nesting_exceeds(value, limit) is expected


def test_body_over_the_size_limit_is_a_413_problem_not_html(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    user = UserFactory()
    body = json.dumps({"email": user.email, "password": "x" * 2048})

    response = post_json(APIClient(), LOGIN, body)

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Request too large",
        "status": 413,
        "detail": "The request body exceeds the size limit.",
        "code": "request_too_large",
    }
    assert LoginEvent.objects.filter(user=user).count() == 0


def test_too_many_form_fields_is_a_400_problem(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"f{i}=1" for i in range(50))

    response = APIClient().post(
        LOGIN,
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "too_many_fields"


def test_page_over_the_size_limit_keeps_djangos_html_400(settings, client):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = client.post("/login/", "x" * 2048, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
