from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers, get_channel_layer

from lifeline.realtime import groups
from lifeline.realtime.events import Event, apublish
from lifeline.realtime.tests.conftest import access_token, communicator
from lifeline.realtime.tests.factories import UserFactory

REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.redis,
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set"),
]


@pytest.fixture
def redis_layer(settings: Any) -> Any:
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": f"lifeline-test-{uuid.uuid4().hex[:8]}"},
        }
    }
    channel_layers.backends.clear()
    return settings


async def test_event_published_over_redis_reaches_the_users_socket_only(redis_layer: Any) -> None:
    user, other = await sync_to_async(UserFactory)(), await sync_to_async(UserFactory)()
    mine = communicator(path=f"/ws/notifications/?token={await sync_to_async(access_token)(user)}")
    theirs = communicator(
        path=f"/ws/notifications/?token={await sync_to_async(access_token)(other)}"
    )
    assert (await mine.connect())[0] is True
    assert (await theirs.connect())[0] is True
    event = Event(type="notifications.notification_created", data={"notification_id": "7"})

    await apublish(event, [groups.user(user.pk)])

    assert await mine.receive_json_from(timeout=2) == event.as_dict()
    assert await theirs.receive_nothing(timeout=0.3) is True
    await mine.disconnect()
    await theirs.disconnect()
    layer = get_channel_layer()
    assert type(layer).__name__ == "RedisChannelLayer"
    await layer.flush()
    await layer.close_pools()


async def test_publish_from_sync_code_reuses_one_loop_and_its_connection(redis_layer: Any) -> None:
    """`publish_now` (what on-commit publishing runs in a WSGI worker) goes through one
    long-lived loop per process, so the layer's Redis connection is opened once, not per
    event."""
    from lifeline.realtime import events

    layer = get_channel_layer()
    channel = await layer.new_channel()
    group = groups.user(uuid.uuid4())
    await layer.group_add(group, channel)
    first = Event(type="notifications.notification_created", data={"n": 1})
    second = Event(type="notifications.notification_created", data={"n": 2})

    await sync_to_async(events.publish_now, thread_sensitive=False)(first, [group])
    loop = events._publisher._loop
    await sync_to_async(events.publish_now, thread_sensitive=False)(second, [group])

    assert loop is not None
    assert loop.is_running()
    assert events._publisher._loop is loop
    # One loop layer, holding one Redis client, for both publishes.
    assert len(layer._layers[loop]._connections) == 1
    received = [await layer.receive(channel), await layer.receive(channel)]
    assert [m["event"]["data"] for m in received] == [{"n": 1}, {"n": 2}]
    # Each loop closes its own connections (a connection belongs to the loop it was made on).
    await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(layer._layers[loop].flush(), loop))
    await layer._layers[asyncio.get_running_loop()].flush()
