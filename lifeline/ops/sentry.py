"""Sentry hooks: nothing personal or secret leaves for a third party.

`send_default_pii=False` already keeps user ids and IPs out; `before_send` also drops request
bodies, cookies, query strings and credential headers, and redacts messages, exception values
and breadcrumbs the way the log filter does.
"""

from __future__ import annotations

from typing import Any

from lifeline.ops.logging import REDACTED, redact, redact_value

SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "x-csrftoken",
        "x-device-token",
        "idempotency-key",
    }
)

Event = dict[str, Any]


def _scrub_request(request: dict[str, Any]) -> None:
    request.pop("data", None)
    request.pop("cookies", None)
    if request.get("query_string"):
        request["query_string"] = REDACTED
    if isinstance(request.get("url"), str):
        request["url"] = request["url"].split("?", 1)[0]
    headers = request.get("headers")
    if isinstance(headers, dict):
        request["headers"] = {
            name: (REDACTED if name.lower() in SENSITIVE_HEADERS else value)
            for name, value in headers.items()
        }
    request.pop("env", None)  # REMOTE_ADDR and friends


def before_send(event: Event, hint: dict[str, Any] | None = None) -> Event:
    """Strip bodies, cookies and credentials from an event before it is sent."""
    if isinstance(event.get("request"), dict):
        _scrub_request(event["request"])
    for value in (event.get("exception") or {}).get("values") or []:
        if isinstance(value.get("value"), str):
            value["value"] = redact(value["value"])
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        for key in ("message", "formatted"):
            if isinstance(logentry.get(key), str):
                logentry[key] = redact(logentry[key])
        logentry.pop("params", None)
    if isinstance(event.get("message"), str):
        event["message"] = redact(event["message"])
    breadcrumbs = event.get("breadcrumbs")
    crumbs = breadcrumbs.get("values") if isinstance(breadcrumbs, dict) else breadcrumbs
    for crumb in crumbs or []:
        if isinstance(crumb.get("message"), str):
            crumb["message"] = redact(crumb["message"])
        if isinstance(crumb.get("data"), dict):
            crumb["data"] = {k: redact_value(str(k), v) for k, v in crumb["data"].items()}
    if isinstance(event.get("extra"), dict):
        event["extra"] = {k: redact_value(str(k), v) for k, v in event["extra"].items()}
    return event
