from __future__ import annotations

import json

from lifeline.ops.sentry import before_send


def test_before_send_strips_bodies_cookies_and_credentials():
    event = {
        "request": {
            "url": "https://lifeline.example.org/api/v1/auth/token/?token=abc",
            "method": "POST",
            "query_string": "token=abc",
            "data": {"password": "hunter2", "email": "p@example.org"},
            "cookies": {"sessionid": "s3ss"},
            "headers": {
                "Authorization": "Bearer eyJ.a.b",
                "Cookie": "sessionid=s3ss",
                "X-Device-Token": "dev-1",
                "User-Agent": "okhttp/4",
            },
            "env": {"REMOTE_ADDR": "198.51.100.7"},
        },
        "exception": {"values": [{"type": "ValueError", "value": "bad refresh=eyJ.x.y"}]},
        "logentry": {"message": "login password=%s", "params": ["hunter2"]},
        "breadcrumbs": {
            "values": [
                {"message": "token=tok-9", "data": {"authorization": "Bearer eyJ.q"}},
            ]
        },
        "extra": {"otp": "123456", "attempt": 2},
    }

    result = before_send(event, {})

    assert result["request"] == {
        "url": "https://lifeline.example.org/api/v1/auth/token/",
        "method": "POST",
        "query_string": "[redacted]",
        "headers": {
            "Authorization": "[redacted]",
            "Cookie": "[redacted]",
            "X-Device-Token": "[redacted]",
            "User-Agent": "okhttp/4",
        },
    }
    assert result["exception"]["values"][0]["value"] == "bad refresh=[redacted]"
    assert result["logentry"] == {"message": "login password=[redacted]"}
    assert result["breadcrumbs"]["values"][0] == {
        "message": "token=[redacted]",
        "data": {"authorization": "[redacted]"},
    }
    assert result["extra"] == {"otp": "[redacted]", "attempt": 2}
    dumped = json.dumps(result)
    for secret in ("hunter2", "s3ss", "eyJ", "dev-1", "tok-9", "123456", "198.51.100.7"):
        assert secret not in dumped


def test_before_send_keeps_an_event_without_a_request():
    event = {"message": "worker started", "level": "info"}

    assert before_send(event, {}) == {"message": "worker started", "level": "info"}
