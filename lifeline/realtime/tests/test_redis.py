from __future__ import annotations

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
