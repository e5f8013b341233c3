from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from lifeline.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

UNAVAILABLE = {
    "type": "about:blank",
    "title": "Service unavailable",
    "status": 503,
    "detail": "The service is temporarily unavailable. Try again shortly.",
    "code": "service_unavailable",
}


@contextmanager
def database_down() -> Iterator[None]:
    """Every new cursor fails as the driver fails when the server is gone; Django wraps the
    driver's error into django.db.OperationalError, as it does in production."""
    error = connection.Database.OperationalError("server closed the connection unexpectedly")

    def refuse(*args: object, **kwargs: object) -> None:
        raise error

    original = connection.create_cursor
    connection.create_cursor = refuse
    try:
        yield
    finally:
        connection.create_cursor = original


def signed_in_api_client() -> APIClient:
    user = UserFactory()
    client = APIClient()
    tokens = client.post(
        "/api/v1/auth/login/", {"email": user.email, "password": DEFAULT_PASSWORD}
    ).json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    return client


def test_api_read_while_the_database_is_down_is_a_503_problem_then_recovers():
    client = signed_in_api_client()

    with database_down():
        response = client.get("/api/v1/auth/me/", HTTP_ACCEPT_LANGUAGE="en")
    recovered = client.get("/api/v1/auth/me/")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    assert response.json() == UNAVAILABLE
    assert recovered.status_code == 200


def test_anonymous_api_write_while_the_database_is_down_is_a_503_problem():
    with database_down():
        response = APIClient().post(
            "/api/v1/auth/login/",
            {"email": "someone@example.test", "password": "whatever-it-is"},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == UNAVAILABLE


def test_page_while_the_database_is_down_is_a_503_page_then_recovers():
    user = UserFactory()
    client = Client(raise_request_exception=False)
    client.force_login(user, backend="lifeline.accounts.backends.EmailOrPhoneBackend")

    with database_down():
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    recovered = client.get("/")

    assert response.status_code == 503
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Retry-After"] == "5"
    assert b"Service unavailable" in response.content
    assert recovered.status_code == 200


def test_a_crash_that_is_not_the_database_stays_a_500():
    client = Client(raise_request_exception=False)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("lifeline.ops.views.health.run_checks", _boom)
        response = client.get("/api/health/ready/")

    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "Retry-After" not in response


def _boom() -> None:
    raise RuntimeError("boom")


@contextmanager
def postgresql_refusing_connections() -> Iterator[None]:
    """The real driver error: the connection is dropped and the next one goes to a port where
    no PostgreSQL listens (the machine's shared server is never stopped)."""
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "5499"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_refusing_connections_is_503_and_recovery_is_immediate():
    client = signed_in_api_client()
    page_client = Client(raise_request_exception=False)
    page_client.force_login(UserFactory(), backend="lifeline.accounts.backends.EmailOrPhoneBackend")

    with postgresql_refusing_connections():
        api = client.get("/api/v1/auth/me/", HTTP_ACCEPT_LANGUAGE="en")
        page = page_client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    recovered_api = client.get("/api/v1/auth/me/")
    recovered_page = page_client.get("/")

    assert (api.status_code, api["Retry-After"], api.json()) == (503, "5", UNAVAILABLE)
    assert (page.status_code, page["Retry-After"]) == (503, "5")
    assert (recovered_api.status_code, recovered_page.status_code) == (200, 200)
