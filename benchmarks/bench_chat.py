"""The bare chat pipeline of `benchmarks/chat_roles.py`: what a send costs with nothing but the
two things it must do (issue 13, section 3).

* `bare_message_send`: a plain Django view (no DRF, no authentication, no permission check,
  no receipt or conversation update, no audit): parse the JSON body, INSERT the message row
  (the messenger's own table, so the same row width and indexes) and, on commit, publish one
  message to the channel layer.
* `BareChatConsumer`: a plain Channels consumer on `/ws/bench/chat/<conversation id>/` that
  joins one group and forwards each published message to its socket.

Both are as cheap as a competent plain implementation gets, so the ratio against them is
honest: the publish goes through one long-lived event loop per process (as
`lifeline.realtime.events` does; `async_to_sync` per call would open a new Redis connection
for every message), and the consumer skips Channels' per-message database-connection
cleanup (as `EventsConsumer` does for relayed events). Served only by the benchmark's
settings (`bench_urls`) and ASGI application (`bench_asgi`), never by production.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

BARE_MESSAGE_TYPE = "bench.message"
BARE_WS_PREFIX = "/ws/bench/chat/"


def bare_group(conversation_id: str) -> str:
    return f"bench-chat.{conversation_id}"


class _Loop:
    """One event loop in a daemon thread per process (started again after a fork)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0

    def get(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, daemon=True).start()
                self._loop, self._pid = loop, os.getpid()
            return self._loop


_loop = _Loop()


def _publish(group: str, text: str) -> None:
    layer = get_channel_layer()
    assert layer is not None
    message = {"type": BARE_MESSAGE_TYPE, "text": text}
    asyncio.run_coroutine_threadsafe(layer.group_send(group, message), _loop.get()).result(5)


@csrf_exempt
@require_POST
def bare_message_send(request: HttpRequest, conversation_id: str) -> HttpResponse:
    from lifeline.chat.models import Message  # noqa: PLC0415 - the app registry is ready

    try:
        body = json.loads(request.body)
        text, sender = str(body["text"]), str(body["sender"])
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest()
    message = Message.objects.create(
        conversation_id=conversation_id, sender_id=sender, kind="text", text=text
    )
    payload = {"id": str(message.pk), "sender": sender, "text": text}
    frame = json.dumps({"type": "bench.message_created", "data": payload})
    group = bare_group(str(conversation_id))
    transaction.on_commit(lambda: _publish(group, frame))
    return JsonResponse(payload, status=201)


class BareChatConsumer(AsyncWebsocketConsumer):
    group = ""

    async def connect(self) -> None:
        conversation_id = self.scope["path"][len(BARE_WS_PREFIX) :].strip("/")
        self.group = bare_group(conversation_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def dispatch(self, message: dict[str, Any]) -> None:
        if message.get("type") == BARE_MESSAGE_TYPE:
            await self.send(text_data=message["text"])
            return
        await super().dispatch(message)
