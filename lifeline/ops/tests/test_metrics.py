from __future__ import annotations

import pytest
from django.test import override_settings
from prometheus_client import REGISTRY

from lifeline.ops import metrics

OUTSIDE = "203.0.113.5"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "::ffff:127.0.0.1"])
def test_metrics_are_served_to_loopback(client, address):
    response = client.get("/metrics", REMOTE_ADDR=address)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "lifeline_auth_logins_total" in text
    assert "lifeline_problems_total" in text
    assert "django_http_requests_before_middlewares_total" in text


def test_metrics_are_refused_to_other_addresses(client):
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE)

    assert response.status_code == 403
    assert b"lifeline_" not in response.content


@override_settings(LIFELINE_METRICS_ALLOWED_CIDRS=["203.0.113.0/24"])
def test_metrics_are_served_to_a_configured_network(client):
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_a_forwarded_request_is_not_local_without_configured_proxies(client):
    # nginx on the same host: REMOTE_ADDR is loopback, the real client is elsewhere.
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=OUTSIDE)

    assert response.status_code == 403


@override_settings(LIFELINE_PROXY_COUNT=1, LIFELINE_METRICS_ALLOWED_CIDRS=["10.0.0.0/8"])
def test_behind_a_trusted_proxy_the_forwarded_client_decides(client):
    allowed = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.2.3")
    refused = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=OUTSIDE)
    # A spoofed first hop does not help: only the hop the proxy appended counts.
    spoofed = client.get(
        "/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.1.2.3, {OUTSIDE}"
    )

    assert allowed.status_code == 200
    assert refused.status_code == 403
    assert spoofed.status_code == 403


@override_settings(LIFELINE_METRICS_TOKEN="scrape-token-123")
def test_metrics_are_served_with_the_bearer_token_from_anywhere(client):
    response = client.get(
        "/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer scrape-token-123"
    )

    assert response.status_code == 200
    assert b"lifeline_problems_total" in response.content


@pytest.mark.parametrize(
    "authorization", ["Bearer wrong-token", "Basic scrape-token-123", "Bearer ", ""]
)
@override_settings(LIFELINE_METRICS_TOKEN="scrape-token-123")
def test_metrics_are_refused_with_a_wrong_token(client, authorization):
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=authorization)

    assert response.status_code == 403


def test_no_token_configured_means_no_token_accepted(client):
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer ")

    assert response.status_code == 403


def test_login_attempt_counts_by_result_and_folds_unknown_results():
    success = sample("lifeline_auth_logins_total", result="success")
    other = sample("lifeline_auth_logins_total", result="other")

    metrics.login_attempt("success")
    metrics.login_attempt("user@example.org")

    assert sample("lifeline_auth_logins_total", result="success") == success + 1
    assert sample("lifeline_auth_logins_total", result="other") == other + 1
    assert (
        REGISTRY.get_sample_value("lifeline_auth_logins_total", {"result": "user@example.org"})
        is None
    )


def test_audit_event_counts_by_result():
    before = sample("lifeline_audit_events_total", result="failed")

    metrics.audit_event("failed")

    assert sample("lifeline_audit_events_total", result="failed") == before + 1


def test_problem_codes_that_are_not_stable_codes_are_folded():
    before = sample("lifeline_problems_total", code="other")

    metrics.problem_returned("Alert 9b2e was closed")

    assert sample("lifeline_problems_total", code="other") == before + 1


def test_every_api_problem_response_is_counted_by_code(client):
    before = sample("lifeline_problems_total", code="not_found")

    response = client.get("/api/v1/no-such-endpoint/")

    assert response.status_code == 404
    assert sample("lifeline_problems_total", code="not_found") == before + 1
