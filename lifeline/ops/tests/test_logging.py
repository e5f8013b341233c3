from __future__ import annotations

import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect as ws_connect

from lifeline import cli
from lifeline.ops.logging import RedactSecretsFilter, redact, redact_all_handlers
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


# --- Issue 15, finding 13: no access token in any log line, uvicorn's included ------------

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwidXNlcl9pZCI6IngifQ"
    ".c2lnbmF0dXJlLW5vdC12YWxpZA"
)


def test_a_handler_installed_by_a_server_redacts_a_query_token():
    # What uvicorn does before Django starts: its own handler on its own logger.
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("lifeline.ops.tests.server")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        assert redact_all_handlers() >= 1
        logger.warning(
            '%s - "WebSocket %s" [accepted]', "127.0.0.1:5555", f"/ws/chat/?token={JWT}&x=1"
        )
    finally:
        logger.removeHandler(handler)
        logger.propagate = True

    assert stream.getvalue() == (
        '127.0.0.1:5555 - "WebSocket /ws/chat/?token=[redacted]&x=1" [accepted]\n'
    )
    assert redact_all_handlers() == 0  # idempotent: one filter per handler


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_websocket_server_logs_no_token(tmp_path):
    """`lifeline run ws` for real: uvicorn at INFO logs every handshake's path and query."""
    port = _free_port()
    argv, overrides = cli.build_command(
        "ws", ["--log-level", "info"], environ={"LIFELINE_WS_PORT": str(port)}
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
        and not k.startswith(("DJANGO_", "PYTEST_"))
    }
    env |= overrides | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LIFELINE_EMBEDDED": "true",
        "LIFELINE_VAR_DIR": str(tmp_path / "var"),
        "LOG_FORMAT": "text",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "ws.log"
    executable = str(Path(sys.executable).parent / argv[0])
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603 - our own server, loopback only
            [executable, *argv[1:]], cwd=cli.ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"uvicorn exited with {proc.returncode}:\n{log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"uvicorn did not listen:\n{log.read_text()}")
                time.sleep(0.2)
        url = f"ws://127.0.0.1:{port}/ws/notifications/?token={JWT}"
        with ws_connect(url) as ws, pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4401  # refused: the signature is not ours
        deadline = time.monotonic() + 10
        while "[accepted]" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=20)

    output = log.read_text()
    assert '"WebSocket /ws/notifications/?token=[redacted]" [accepted]' in output
    assert "c2lnbmF0dXJl" not in output
    assert "eyJ" not in output
