from __future__ import annotations

import base64
import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid

from lifeline.notifications.enums import Channel
from lifeline.notifications.integrations import fcm
from lifeline.notifications.topics import register_topic, unregister_topic

FCM_PROJECT = "lifeline-test"
FCM_URL = f"https://fcm.googleapis.com/v1/projects/{FCM_PROJECT}/messages:send"
FCM_ACCESS_TOKEN = "ya29.test-access-token"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _notifications_settings(**vendors: dict[str, Any]) -> dict[str, Any]:
    base: dict[str, Any] = {
        "FCM": {"ENABLED": False},
        "WEBPUSH": {"ENABLED": False},
        "SMS": {"ENABLED": False},
        "HTTP_TIMEOUT_SECONDS": 5.0,
    }
    base.update(vendors)
    return base


@pytest.fixture(autouse=True)
def _vendors_off(settings: Any) -> None:
    settings.NOTIFICATIONS = _notifications_settings()


@pytest.fixture
def http() -> Iterator[responses.RequestsMock]:
    """Every outbound `requests` call goes here; an unexpected URL raises ConnectionError."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def fcm_on(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "FCM": {"ENABLED": True, "PROJECT_ID": FCM_PROJECT, "CREDENTIALS_FILE": "unused.json"},
    }
    monkeypatch.setattr(fcm, "build_token_provider", lambda config: lambda: FCM_ACCESS_TOKEN)


@dataclass
class BrowserSubscription:
    """A browser's side of a Web Push subscription: its keys decrypt what we send."""

    private_key: ec.EllipticCurvePrivateKey
    p256dh: str
    auth_secret: bytes

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)


@pytest.fixture
def browser() -> BrowserSubscription:
    private_key = ec.generate_private_key(ec.SECP256R1())
    point = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return BrowserSubscription(
        private_key=private_key, p256dh=b64url(point), auth_secret=b"0123456789abcdef"
    )


@dataclass
class VapidKeys:
    private_key: str
    public_key: str


@pytest.fixture
def webpush_on(settings: Any) -> VapidKeys:
    vapid = Vapid()
    vapid.generate_keys()
    private_raw = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    public_raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    keys = VapidKeys(private_key=b64url(private_raw), public_key=b64url(public_raw))
    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "WEBPUSH": {
            "ENABLED": True,
            "VAPID_PRIVATE_KEY": keys.private_key,
            "VAPID_SUBJECT": "mailto:ops@lifeline.test",
            "TTL_SECONDS": 3600,
        },
    }
    return keys


@pytest.fixture
def sms_http_on(settings: Any) -> str:
    url = "https://sms.example.test/api/send"
    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "SMS": {"ENABLED": True, "HTTP_URL": url, "HTTP_TOKEN": "sms-secret", "SENDER": "Lifeline"},
    }
    return url


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, list[str]]]:
    """Real-time events the notifications services publish (recorded, not sent)."""
    sent: list[tuple[Any, list[str]]] = []
    monkeypatch.setattr(
        "lifeline.notifications.services.publish_on_commit",
        lambda event, groups: sent.append((event, list(groups))),
    )
    return sent


@pytest.fixture
def sensitive_topic(settings: Any) -> Iterator[str]:
    """A topic whose text must never leave the inbox (templates in tests/templates)."""
    engine = copy.deepcopy(settings.TEMPLATES[0])
    engine["DIRS"] = [*engine["DIRS"], Path(__file__).parent / "templates"]
    settings.TEMPLATES = [engine]
    key = "tests.pain_reported"
    register_topic(
        key, title="Pain reported", default_channels=[Channel.IN_APP, Channel.PUSH], sensitive=True
    )
    yield key
    unregister_topic(key)
