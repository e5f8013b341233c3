from __future__ import annotations

import re

import pytest
from django.test import override_settings

ALLOWED_ORIGIN = "https://app.example.org"


@pytest.mark.urls("lifeline.ops.tests.urls")
def test_page_carries_csp_with_the_nonce_the_template_used(client):
    response = client.get("/test-nonce/")

    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    csp = response["Content-Security-Policy"]
    assert f"script-src 'self' 'nonce-{nonce}'" in csp
    assert f"style-src 'self' 'nonce-{nonce}'" in csp
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp


@pytest.mark.urls("lifeline.ops.tests.urls")
def test_each_response_gets_a_fresh_nonce(client):
    first = client.get("/test-nonce/")["Content-Security-Policy"]
    second = client.get("/test-nonce/")["Content-Security-Policy"]

    assert first != second


@pytest.mark.django_db
def test_page_without_inline_code_has_no_nonce_placeholder(client):
    response = client.get("/login/")

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'nonce'" not in csp
    assert "Nonce" not in csp


def test_security_headers_on_a_response(client):
    response = client.get("/api/health/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_only_over_https(client):
    plain = client.get("/api/health/")
    secure = client.get("/api/health/", secure=True)

    assert "Strict-Transport-Security" not in plain
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@override_settings(CORS_ALLOWED_ORIGINS=[ALLOWED_ORIGIN])
def test_cors_allows_a_configured_origin_on_the_api(client):
    response = client.get("/api/health/", HTTP_ORIGIN=ALLOWED_ORIGIN)

    assert response["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "X-Request-ID" in response["Access-Control-Expose-Headers"]
    assert "RateLimit-Remaining" in response["Access-Control-Expose-Headers"]


@override_settings(CORS_ALLOWED_ORIGINS=[ALLOWED_ORIGIN])
def test_cors_preflight_from_a_configured_origin(client):
    response = client.options(
        "/api/health/",
        HTTP_ORIGIN=ALLOWED_ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "authorization" in response["Access-Control-Allow-Headers"]


@override_settings(CORS_ALLOWED_ORIGINS=[ALLOWED_ORIGIN])
def test_cors_ignores_other_origins(client):
    response = client.get("/api/health/", HTTP_ORIGIN="https://evil.example.net")

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


@override_settings(CORS_ALLOWED_ORIGINS=[ALLOWED_ORIGIN])
@pytest.mark.django_db
def test_cors_applies_to_the_api_only(client):
    response = client.get("/login/", HTTP_ORIGIN=ALLOWED_ORIGIN)

    assert "Access-Control-Allow-Origin" not in response
