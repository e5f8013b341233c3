from __future__ import annotations

import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import redis
from channels.layers import channel_layers
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from lifeline.chat.models import Conversation, Message
from lifeline.notifications.models import Notification
from lifeline.realtime import events as realtime_events
from lifeline.realtime.events import Event

pytestmark = pytest.mark.django_db

BASE = "/api/v1/chat"
# Nothing listens here: every Redis operation fails as it does while Redis is down.
DOWN_URL = "redis://127.0.0.1:6390/0"


@pytest.fixture
def redis_down(settings: Any) -> Iterator[None]:
    caches, layers = settings.CACHES, settings.CHANNEL_LAYERS
    settings.CACHES = {
        "default": {"BACKEND": "lifeline.core.cache.RedisCache", "LOCATION": DOWN_URL}
    }
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [DOWN_URL]},
        }
    }
    channel_layers.backends.clear()
    yield
    settings.CACHES, settings.CHANNEL_LAYERS = caches, layers
    channel_layers.backends.clear()


class FlakyLayer:
    """Stands in for `realtime.events.apublish`: refuses like Redis while `down`."""

    def __init__(self) -> None:
        self.down = True
        self.delivered: list[tuple[str, dict[str, Any], list[str]]] = []

    async def __call__(self, event: Event, groups: list[str]) -> None:
        if self.down:
            raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6390.")
        self.delivered.append((event.type, event.data, list(groups)))


@pytest.fixture
def flaky_layer(redis_down: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[FlakyLayer]:
    layer = FlakyLayer()
    monkeypatch.setattr(realtime_events, "apublish", layer)
    monkeypatch.setattr(realtime_events, "RETRY_FIRST_SECONDS", 0.05)
    monkeypatch.setattr(realtime_events, "RETRY_MAX_SECONDS", 0.1)
    yield layer
    layer.down = False
    wait_until(lambda: realtime_events._publisher.pending() == 0)


def wait_until(condition: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def bearer_client(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def test_chat_send_while_redis_is_down_is_stored_answered_and_published_when_it_is_back(
    team: SimpleNamespace,
    conversation: Conversation,
    flaky_layer: FlakyLayer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = bearer_client(team.patient_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{BASE}/conversations/{conversation.pk}/messages/", {"text": "are you there?"}
        )

    assert response.status_code == 201, response.content
    message = Message.objects.get()
    assert response.json()["id"] == str(message.pk)
    assert message.text == "are you there?"
    assert flaky_layer.delivered == []
    # Presence reads "offline" while Redis is down, so the doctor is notified.
    assert Notification.objects.filter(recipient=team.doctor).count() == 1

    flaky_layer.down = False
    wait_until(lambda: realtime_events._publisher.pending() == 0)

    # In the order they were published: the message, then the doctor's notification.
    notification = Notification.objects.get(recipient=team.doctor)
    assert [(t, g) for t, _d, g in flaky_layer.delivered] == [
        ("chat.message_created", [f"chat.conversation.{conversation.pk}"]),
        ("notifications.notification_created", [f"user.{team.doctor.pk}"]),
    ]
    assert flaky_layer.delivered[0][1]["id"] == str(message.pk)
    assert flaky_layer.delivered[1][1]["id"] == str(notification.pk)


def test_chat_history_reads_while_redis_is_down(
    team: SimpleNamespace, conversation: Conversation, redis_down: None
) -> None:
    response = bearer_client(team.doctor).get(f"{BASE}/conversations/{conversation.pk}/")

    assert response.status_code == 200
    assert response.json()["counterpart"]["online"] is False


def test_chat_message_with_deeply_nested_json_is_refused_and_not_stored(
    team: SimpleNamespace, conversation: Conversation
) -> None:
    client = bearer_client(team.patient_user)
    body = '{"text": ' + "[" * 2000 + "]" * 2000 + "}"

    response = client.post(
        f"{BASE}/conversations/{conversation.pk}/messages/",
        body,
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "json_too_deep"
    assert Message.objects.count() == 0
