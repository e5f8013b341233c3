"""Issue 15, item 11 against a real Redis that goes down and comes back.

A private redis-server on its own port (never the machine's shared one, which other tests
use) serves the cache and the channel layer. It is shut down with SHUTDOWN SAVE and started
again from the same directory, as a production Redis with persistence restarts, so that the
receiving channel's group membership survives and what the test observes is the publish.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers
from channels_redis.core import RedisChannelLayer
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from lifeline.chat import events as chat_events
from lifeline.chat.models import Conversation, Message
from lifeline.realtime import events as realtime_events

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"
PORT = 6391
URL = f"redis://127.0.0.1:{PORT}/0"
RECEIVER = "test-outage-receiver"


class PrivateRedis:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def start(self) -> None:
        subprocess.run(  # noqa: S603
            [
                REDIS_SERVER, "--port", str(PORT), "--bind", "127.0.0.1",
                "--dir", str(self.directory), "--dbfilename", "outage.rdb",
                "--save", "", "--appendonly", "no", "--daemonize", "yes",
            ],
            check=True,
        )  # fmt: skip
        self._wait(up=True)

    def stop(self) -> None:
        subprocess.run(  # noqa: S603
            [REDIS_CLI, "-p", str(PORT), "shutdown", "save"], check=False, capture_output=True
        )
        self._wait(up=False)

    def _wait(self, *, up: bool) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            pong = subprocess.run(  # noqa: S603
                [REDIS_CLI, "-p", str(PORT), "ping"], capture_output=True, text=True
            ).stdout.strip()
            if (pong == "PONG") == up:
                return
            time.sleep(0.05)
        raise AssertionError(f"private redis-server did not come {'up' if up else 'down'}")


@pytest.fixture
def private_redis(tmp_path: Path, settings: Any) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    caches, layers = settings.CACHES, settings.CHANNEL_LAYERS
    settings.CACHES = {"default": {"BACKEND": "lifeline.core.cache.RedisCache", "LOCATION": URL}}
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [URL]}}
    }
    channel_layers.backends.clear()
    try:
        yield server
    finally:
        settings.CACHES, settings.CHANNEL_LAYERS = caches, layers
        channel_layers.backends.clear()
        server.stop()


async def _join(group: str) -> None:
    layer = RedisChannelLayer(hosts=[URL])
    await layer.group_add(group, RECEIVER)
    await layer.close_pools()


async def _receive() -> dict[str, Any]:
    layer = RedisChannelLayer(hosts=[URL])
    try:
        return await asyncio.wait_for(layer.receive(RECEIVER), timeout=15)
    finally:
        await layer.close_pools()


def test_chat_send_during_a_redis_outage_is_stored_and_published_after_it(
    team: SimpleNamespace,
    conversation: Conversation,
    private_redis: PrivateRedis,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(realtime_events, "RETRY_MAX_SECONDS", 0.5)
    async_to_sync(_join)(chat_events.conversation_group(conversation.pk))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(team.patient_user)}")
    private_redis.stop()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/chat/conversations/{conversation.pk}/messages/", {"text": "still there?"}
        )

    assert response.status_code == 201, response.content
    message = Message.objects.get()
    assert message.text == "still there?"
    assert realtime_events._publisher.pending() >= 1

    private_redis.start()
    received = async_to_sync(_receive)()

    assert received["event"]["type"] == "chat.message_created"
    assert received["event"]["data"]["id"] == str(message.pk)
    deadline = time.monotonic() + 15
    while realtime_events._publisher.pending() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert realtime_events._publisher.pending() == 0
