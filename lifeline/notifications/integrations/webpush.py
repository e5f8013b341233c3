"""Web Push to browsers (RFC 8030/8291/8292) through pywebpush, signed with our VAPID key."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any, cast

import requests
from py_vapid import Vapid
from py_vapid.utils import b64urlencode
from pywebpush import WebPushException, webpush

from lifeline.notifications import conf
from lifeline.notifications.exceptions import PermanentError, RecoverableError, StaleDevice
from lifeline.notifications.integrations.base import ProviderResult, http_response_summary


@functools.lru_cache(maxsize=4)
def _vapid(private_key: str) -> Vapid:
    return Vapid.from_string(private_key=private_key)


def public_key_from_private(private_key: str) -> str:
    """The applicationServerKey browsers need: the uncompressed P-256 point, base64url."""
    from cryptography.hazmat.primitives import serialization

    point = _vapid(private_key).public_key.public_bytes(
        encoding=serialization.Encoding.X962,
        format=serialization.PublicFormat.UncompressedPoint,
    )
    return str(b64urlencode(point))


class WebPushClient:
    def __init__(self, *, private_key: str, subject: str, ttl_seconds: int, timeout: float):
        self.private_key = private_key
        self.subject = subject
        self.ttl_seconds = ttl_seconds
        self.timeout = timeout

    def send(
        self, *, endpoint: str, p256dh: str, auth: str, payload: Mapping[str, Any], critical: bool
    ) -> ProviderResult:
        headers = {"Urgency": "high"} if critical else {"Urgency": "normal"}
        try:
            response = webpush(
                subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
                data=json.dumps(payload, separators=(",", ":"), sort_keys=True),
                vapid_private_key=_vapid(self.private_key),
                vapid_claims={"sub": self.subject},
                ttl=self.ttl_seconds,
                headers=headers,
                timeout=self.timeout,
            )
        except WebPushException as exc:
            raise _classify_error(exc) from exc
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise RecoverableError(
                "webpush.unavailable", response={"exception": type(exc).__name__}
            ) from exc
        response = cast(requests.Response, response)  # a str only in curl mode, never used
        return ProviderResult(
            message_id=response.headers.get("Location", ""),
            response=http_response_summary(response.status_code, response.text),
        )


def _classify_error(exc: WebPushException) -> Exception:
    response = exc.response
    code = getattr(response, "status_code", None)
    summary = http_response_summary(code, getattr(response, "text", ""))
    if code in (404, 410):
        return StaleDevice("webpush.gone", response=summary)
    if code is None or code == 429 or code >= 500:
        return RecoverableError("webpush.unavailable", response=summary)
    return PermanentError("webpush.rejected", response=summary)


def public_key() -> str:
    """The VAPID public key browsers subscribe with, or "" when Web Push is off."""
    config = conf.vendor("WEBPUSH")
    if not config["ENABLED"] or not config["VAPID_PRIVATE_KEY"]:
        return ""
    return str(config["VAPID_PUBLIC_KEY"] or public_key_from_private(config["VAPID_PRIVATE_KEY"]))


def get_client() -> WebPushClient | None:
    """The configured client, or None when WEBPUSH_ENABLED is off."""
    config = conf.vendor("WEBPUSH")
    if not config["ENABLED"]:
        return None
    if not config["VAPID_PRIVATE_KEY"]:
        raise PermanentError("webpush.not_configured")
    return WebPushClient(
        private_key=config["VAPID_PRIVATE_KEY"],
        subject=config["VAPID_SUBJECT"],
        ttl_seconds=int(config["TTL_SECONDS"]),
        timeout=conf.http_timeout(),
    )
