"""Read the NOTIFICATIONS settings block, with the embedded defaults when a key is missing."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "FCM": {"ENABLED": False, "PROJECT_ID": "", "CREDENTIALS_FILE": ""},
    "WEBPUSH": {
        "ENABLED": False,
        "VAPID_PUBLIC_KEY": "",
        "VAPID_PRIVATE_KEY": "",
        "VAPID_SUBJECT": "mailto:admin@lifeline.local",
        "TTL_SECONDS": 24 * 3600,
        # The server POSTs to subscription endpoints, so only known push services are
        # accepted (a host equal to, or a subdomain of, one of these).
        "ALLOWED_ENDPOINT_HOSTS": [
            "fcm.googleapis.com",
            "push.services.mozilla.com",
            "notify.windows.com",
            "push.apple.com",
        ],
    },
    "SMS": {"ENABLED": False, "HTTP_URL": "", "HTTP_TOKEN": "", "SENDER": "Lifeline"},
    "HTTP_TIMEOUT_SECONDS": 10.0,
}


def vendor(name: str) -> dict[str, Any]:
    """Settings of one vendor (`FCM`, `WEBPUSH`, `SMS`), defaults filled in."""
    configured = getattr(settings, "NOTIFICATIONS", {}).get(name, {})
    return {**DEFAULTS[name], **configured}


def http_timeout() -> float:
    value = getattr(settings, "NOTIFICATIONS", {}).get("HTTP_TIMEOUT_SECONDS")
    return float(value if value is not None else DEFAULTS["HTTP_TIMEOUT_SECONDS"])
