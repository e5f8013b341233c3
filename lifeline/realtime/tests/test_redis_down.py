from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from asgiref.sync import sync_to_async
from channels.layers import channel_layers

from lifeline.realtime import events, presence
from lifeline.realtime.events import Event, publish_now
from lifeline.realtime.tests.conftest import access_token, close_code, communicator
from lifeline.realtime.tests.factories import UserFactory

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
    """Stands in for `events.apublish`: refuses like an unreachable Redis while `down`."""

    def __init__(self) -> None:
        self.down = True
        self.attempts = 0
        self.delivered: list[tuple[dict[str, Any], list[str]]] = []

    async def __call__(self, event: Event, groups: list[str]) -> None:
        self.attempts += 1
        if self.down:
            raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6390.")
        self.delivered.append((event.data, list(groups)))


@pytest.fixture
def flaky_layer(redis_down: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[FlakyLayer]:
    layer = FlakyLayer()
    monkeypatch.setattr(events, "apublish", layer)
    monkeypatch.setattr(events, "RETRY_FIRST_SECONDS", 0.05)
    monkeypatch.setattr(events, "RETRY_MAX_SECONDS", 0.1)
    yield layer
    layer.down = False
    wait_until(lambda: events._publisher.pending() == 0)


def wait_until(condition: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_presence_reads_offline_and_writes_nothing_while_redis_is_down(redis_down: None) -> None:
    presence.mark_online("u1", "c1")
    presence.mark_offline("u1", "c1")

    assert presence.is_online("u1") is False
    assert presence.online_among(["u1", "u2"]) == set()


def test_publish_while_the_layer_is_down_returns_and_is_delivered_when_it_is_back(
    flaky_layer: FlakyLayer,
) -> None:
    first = Event(type="chat.message_created", data={"n": 1})
    second = Event(type="chat.message_created", data={"n": 2})

    publish_now(first, ["chat.conversation.a"])
    publish_now(second, ["chat.conversation.a"])

    assert flaky_layer.delivered == []
    assert events._publisher.pending() == 2
    wait_until(lambda: flaky_layer.attempts >= 3)  # the retries go on while it is down
    assert flaky_layer.delivered == []

    flaky_layer.down = False
    wait_until(lambda: events._publisher.pending() == 0)

    assert flaky_layer.delivered == [
        ({"n": 1}, ["chat.conversation.a"]),
        ({"n": 2}, ["chat.conversation.a"]),
    ]


def test_an_event_held_past_the_retry_period_is_dropped(
    flaky_layer: FlakyLayer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(events, "RETRY_FOR_SECONDS", 0.2)

    publish_now(Event(type="chat.message_created", data={"n": 1}), ["chat.conversation.a"])
    wait_until(lambda: events._publisher.pending() == 0)
    flaky_layer.down = False
    publish_now(Event(type="chat.message_created", data={"n": 2}), ["chat.conversation.a"])

    assert flaky_layer.delivered == [({"n": 2}, ["chat.conversation.a"])]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_handshake_while_redis_is_down_closes_with_try_again_later(
    redis_down: None,
) -> None:
    user = await sync_to_async(UserFactory)()
    socket = communicator(
        path=f"/ws/notifications/?token={await sync_to_async(access_token)(user)}"
    )

    connected, _subprotocol = await socket.connect(timeout=10)

    assert connected is True
    assert await close_code(socket) == 1013
    await asyncio.sleep(0)
