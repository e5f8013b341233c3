from __future__ import annotations

import io
import json
import logging
import uuid

import pytest

from lifeline.ops.logging import RedactSecretsFilter, redact
from lifeline.ops.tests.factories import UserFactory


@pytest.fixture
def json_lines():
    """Capture records through the handler pipeline configured in settings.LOGGING."""
    configured = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecretsFilter) for f in h.filters)
    )
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(configured.formatter)
    for log_filter in configured.filters:
        handler.addFilter(log_filter)
    loggers = [logging.getLogger("lifeline.ops.access"), logging.getLogger("lifeline.ops.tests")]
    previous = [(lg, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.INFO)

    def read() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield read
    for lg, level in previous:
        lg.removeHandler(handler)
        lg.setLevel(level)


def test_access_line_has_request_id_and_no_query_string(client, json_lines):
    request_id = uuid.uuid4().hex

    response = client.get(
        "/api/health/?token=abc123&email=a@example.org", HTTP_X_REQUEST_ID=request_id
    )

    [line] = json_lines()
    assert response["X-Request-ID"] == request_id
    assert line["request_id"] == request_id
    assert line["name"] == "lifeline.ops.access"
    assert line["level"] == "INFO"
    assert line["message"] == "http.request"
    assert line["method"] == "GET"
    assert line["path"] == "/api/health/"
    assert line["route"] == "api/health/"
    assert line["status"] == 200
    assert line["user_id"] is None
    assert isinstance(line["duration_ms"], float)
    assert "abc123" not in json.dumps(line)
    assert "a@example.org" not in json.dumps(line)


def test_every_request_gets_its_own_request_id(client, json_lines):
    client.get("/api/health/")
    client.get("/api/health/")

    first, second = json_lines()
    assert first["request_id"]
    assert second["request_id"]
    assert first["request_id"] != second["request_id"]


@pytest.mark.django_db
def test_access_line_has_the_user_id(client, json_lines):
    user = UserFactory()
    client.force_login(user)

    client.get("/api/health/")

    [line] = json_lines()
    assert line["user_id"] == str(user.pk)


@pytest.mark.urls("lifeline.ops.tests.urls")
def test_access_line_masks_secret_url_parameters(client, json_lines):
    client.get("/test-secret-link/reset-5f9c2a/")

    [line] = json_lines()
    assert line["path"] == "/test-secret-link/[redacted]/"
    assert line["route"] == "test-secret-link/<str:token>/"


def test_a_line_outside_a_request_still_carries_request_id(json_lines):
    logging.getLogger("lifeline.ops.tests").info("ops.background_job_ran")

    [line] = json_lines()
    assert "request_id" in line
    assert line["request_id"] is None


def test_secrets_in_message_extra_and_traceback_are_redacted(json_lines):
    logger = logging.getLogger("lifeline.ops.tests")

    logger.info("login with password=%s", "hunter2")
    logger.info(
        "ops.call",
        extra={"token": "tok-1", "code": "493817", "note": "Authorization: Bearer eyJ.abc.def"},
    )
    try:
        raise ValueError("refresh=eyJ.secret.sig")
    except ValueError:
        logger.exception("ops.failed")

    first, second, third = json_lines()
    assert first["message"] == "login with password=[redacted]"
    assert second["token"] == "[redacted]"
    assert second["code"] == "[redacted]"
    assert second["note"] == "Authorization: Bearer [redacted]"
    assert "ValueError: refresh=[redacted]" in third["exc_info"]
    assert "eyJ" not in json.dumps([first, second, third])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"password": "p4ss"}', '{"password": "[redacted]"}'),
        ("GET /cb?code=123456&state=x", "GET /cb?code=[redacted]&state=x"),
        ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer [redacted]"),
        ("status 404 for /api/v1/orgs/", "status 404 for /api/v1/orgs/"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected
