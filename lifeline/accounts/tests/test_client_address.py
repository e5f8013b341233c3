"""Credential endpoints count the client address the platform trusts, never a forged one.

Issue 15, finding 1: `X-Forwarded-For` let a client reset the login lockout and the auth rate
limit at will, and put a forged address into login history and the new-device e-mail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client, override_settings
from rest_framework.test import APIClient

from lifeline.accounts.models import KnownDevice, LoginEvent, UserSession
from lifeline.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from lifeline.audit.models import AuditEvent
from lifeline.core.testing import (
    REAL_CLIENT,
    assert_refuses_spoofed_client_address,
    client_meta,
    spoofed_address,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/auth/"
START = dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC)
AUTH_BUDGET = 10  # LIFELINE_THROTTLE_AUTH's default, 10 a minute per address


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    # The auth budget is a per-minute window; a rollover mid-test would refill it.
    time_machine.move_to(START, tick=False)


def _reset_limits() -> None:
    from django.core.cache import caches

    caches["default"].clear()
    AccessAttempt.objects.all().delete()


# --- the reusable check, on every unauthenticated rate-limited credential endpoint ------

API_ENDPOINTS = {
    "api login": lambda n: (
        f"{BASE}login/",
        {"email": f"nobody{n}@example.test", "password": "wrong"},
    ),
    "api register": lambda n: (
        f"{BASE}register/",
        {"email": f"new{n}@example.test", "password": "x"},  # refused as weak: still counted
    ),
    "api password reset": lambda n: (f"{BASE}password/reset/", {"email": f"n{n}@example.test"}),
}
WEB_ENDPOINTS = {
    "web sign-in": lambda n: (
        "/login/",
        {"identifier": f"nobody{n}@example.test", "password": "x"},
    ),
    "web register": lambda n: ("/register/", {"email": f"new{n}@example.test"}),
    "web password reset": lambda n: ("/password/reset/", {"identifier": f"n{n}@example.test"}),
}


@pytest.mark.parametrize("endpoint", API_ENDPOINTS)
def test_api_credential_endpoint_refuses_a_spoofed_client_address(endpoint: str) -> None:
    client = APIClient()

    def send(meta: dict[str, str], attempt: int) -> Any:
        path, body = API_ENDPOINTS[endpoint](attempt)
        return client.post(path, body, format="json", **meta)

    assert_refuses_spoofed_client_address(send, allowed=AUTH_BUDGET, reset=_reset_limits)


@pytest.mark.parametrize("endpoint", WEB_ENDPOINTS)
def test_web_credential_form_refuses_a_spoofed_client_address(endpoint: str) -> None:
    client = Client()

    def send(meta: dict[str, str], attempt: int) -> Any:
        path, body = WEB_ENDPOINTS[endpoint](attempt)
        return client.post(path, body, **meta)

    assert_refuses_spoofed_client_address(send, allowed=AUTH_BUDGET, reset=_reset_limits)


# --- the account lockout ----------------------------------------------------------------


@pytest.mark.parametrize("proxy_count", [0, 1])
def test_lockout_holds_when_each_attempt_forges_a_new_address(proxy_count: int) -> None:
    user = UserFactory()
    client = APIClient()

    def attempt(n: int, password: str) -> Any:
        meta = client_meta(proxy_count=proxy_count, spoofed=spoofed_address(n))
        return client.post(f"{BASE}login/", {"email": user.email, "password": password}, **meta)

    with override_settings(LIFELINE_PROXY_COUNT=proxy_count):
        statuses = [attempt(n, "wrong").status_code for n in range(5)]
        right = attempt(5, DEFAULT_PASSWORD)

    assert statuses == [401, 401, 401, 401, 429]
    assert (right.status_code, right.json()["code"]) == (429, "auth.locked_out")
    assert UserSession.objects.count() == 0
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {REAL_CLIENT}


def test_lockout_is_per_account_whatever_the_real_address() -> None:
    user = UserFactory()
    client = APIClient()
    body = {"email": user.email, "password": "wrong"}

    statuses = [
        client.post(f"{BASE}login/", body, REMOTE_ADDR=f"192.0.2.{n + 1}").status_code
        for n in range(5)
    ]
    right = client.post(
        f"{BASE}login/",
        {"email": user.email, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="192.0.2.200",
    )

    assert statuses == [401, 401, 401, 401, 429]
    assert (right.status_code, right.json()["code"]) == (429, "auth.locked_out")
    assert UserSession.objects.count() == 0


# --- what is recorded about the sign-in ---------------------------------------------------


@pytest.mark.parametrize("proxy_count", [0, 1])
def test_history_session_audit_and_new_device_mail_show_the_real_address(
    proxy_count: int, django_capture_on_commit_callbacks: Any
) -> None:
    user = UserFactory()
    KnownDevice.objects.create(
        user=user, fingerprint="an-earlier-device", first_seen_at=START, last_seen_at=START
    )
    meta = client_meta(proxy_count=proxy_count, spoofed="10.9.9.9")

    with (
        override_settings(LIFELINE_PROXY_COUNT=proxy_count),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = APIClient().post(
            f"{BASE}login/", {"email": user.email, "password": DEFAULT_PASSWORD}, **meta
        )

    assert response.status_code == 200
    assert list(LoginEvent.objects.values_list("ip_address", flat=True)) == [REAL_CLIENT]
    assert list(UserSession.objects.values_list("ip_address", flat=True)) == [REAL_CLIENT]
    assert list(
        AuditEvent.objects.filter(action="accounts.login_succeeded").values_list(
            "ip_address", flat=True
        )
    ) == [REAL_CLIENT]
    [alert] = mail.outbox
    assert f"Address: {REAL_CLIENT}\n" in alert.body
    assert "10.9.9.9" not in alert.body
