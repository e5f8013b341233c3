"""`/ws/chat/`: the user's conversations in real time. Reads only; never writes the database.

On connect the socket joins `chat.user.<id>` (new conversations are announced there) and
`chat.conversation.<id>` of every conversation the user takes part in, and tells those
conversations the user is online. Client frames besides `ping`:

* `{"type": "subscribe", "conversation_id": "…"}` — join a conversation opened after connect
  (checked against the database, refused silently otherwise);
* `{"type": "typing", "conversation_id": "…"}` — relayed as `chat.typing_started` to the
  conversation (at most one per `TYPING_INTERVAL` seconds per conversation, nothing stored).
"""

from __future__ import annotations

import time
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async

from lifeline.chat import events, selectors
from lifeline.realtime import presence
from lifeline.realtime.consumers import EventsConsumer
from lifeline.realtime.events import apublish

TYPING_INTERVAL = 2.0


class ChatConsumer(EventsConsumer):
    def groups_for(self, user: Any) -> list[str]:
        ids = selectors.conversation_ids_for_participant(user=user)
        return [events.user_group(user.pk), *(events.conversation_group(i) for i in ids)]

    async def connect(self) -> None:
        self._typing_at: dict[str, float] = {}
        await super().connect()
        if self.user is not None:
            await self._announce(online=True)

    async def disconnect(self, code: int) -> None:
        await super().disconnect(code)
        if self.user is not None:
            still_online = await sync_to_async(presence.is_online, thread_sensitive=False)(
                self.user.pk
            )
            if not still_online:
                await self._announce(online=False)

    def _conversation_groups(self) -> list[str]:
        own = events.user_group(self.user.pk)
        return [g for g in self.groups if g != own]

    async def _announce(self, *, online: bool) -> None:
        names = self._conversation_groups()
        if names:
            await apublish(events.presence_changed(user_id=self.user.pk, online=online), names)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "typing":
            await self._typing(str(content.get("conversation_id", "")))
            return
        if kind == "subscribe":
            await self._subscribe(str(content.get("conversation_id", "")))
            return
        await super().receive_json(content, **kwargs)

    async def _typing(self, conversation_id: str) -> None:
        try:
            group = events.conversation_group(conversation_id)
        except ValueError:
            return
        if group not in self.groups:
            return
        now = time.monotonic()
        if now - self._typing_at.get(group, 0.0) < TYPING_INTERVAL:
            return
        self._typing_at[group] = now
        event = events.typing_started(conversation_id=conversation_id, user_id=self.user.pk)
        await apublish(event, [group])

    async def _subscribe(self, conversation_id: str) -> None:
        try:
            group = events.conversation_group(conversation_id)
        except ValueError:
            return
        if group in self.groups:
            return
        allowed = await database_sync_to_async(selectors.is_participant)(
            user=self.user, conversation_id=conversation_id
        )
        if not allowed:
            await self.send_json({"type": "error", "code": "not_found"})
            return
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups.append(group)
        await self.send_json({"type": "subscribed", "conversation_id": conversation_id})
