"""WebSocket consumers: authenticate, join the allowed groups, relay events. Nothing else.

Consumers never write to the database: client commands go through the HTTP API, so there
is one write path. The only state a consumer touches is presence, in the cache.

Client protocol (JSON text frames):

* server → client: event envelopes `{type, id, occurred_at, version, data}`
  (`lifeline.realtime.events.Event.as_dict`), and `{"type": "pong"}`;
* client → server: `{"type": "ping"}` every `LIFELINE_PRESENCE_TTL / 2` seconds or so
  (refreshes presence); anything else gets `{"type": "error", "code": "unsupported_message"}`.

Close codes: 4401 not authenticated (or the token expired, or the session it was opened with
ended: sign in or get a new token, then reconnect), 4403 authenticated but not allowed here
(do not retry), 4000 the user's access changed (reconnect now).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from typing import Any

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied

from lifeline.accounts.auth_cache import user_for_token
from lifeline.core.cache import REDIS_UNAVAILABLE
from lifeline.realtime import auth, events, groups, presence, sockets

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
# RFC 6455 "try again later": Redis (channel layer) unreachable during the handshake.
CLOSE_TRY_AGAIN_LATER = 1013

_MAX_CLIENT_FRAME = 1024
_RECENT_EVENT_IDS = 256


class EventsConsumer(AsyncJsonWebsocketConsumer):
    """Base consumer: a subclass per audience overrides `groups_for`.

    `groups_for(user)` runs in a database thread, may read (never write), asks `access`
    (or the module's `can_*` predicates) what the user may see, and raises
    `PermissionDenied` to refuse with 4403. URL parameters are in
    `self.scope["url_route"]["kwargs"]`; a module's route goes in `<app>/routing.py`.
    """

    user: Any = None
    control_groups: list[str]  # this socket's groups in lifeline.realtime.sockets

    def groups_for(self, user: Any) -> list[str]:
        """Return the group names this user may join on this endpoint."""
        raise NotImplementedError

    async def connect(self) -> None:
        self.groups = []
        self._recent_ids: deque[str] = deque(maxlen=_RECENT_EVENT_IDS)
        self._expiry: asyncio.TimerHandle | None = None
        self._expiry_task: asyncio.Task[None] | None = None
        subprotocol = self.scope.get(auth.SUBPROTOCOL)
        user = self.scope.get("user")
        if self.scope.get(auth.AUTH_ERROR) == auth.ERROR_TOKEN_RESTRICTED:
            await self._refuse(CLOSE_FORBIDDEN, subprotocol)
            return
        if user is None or not user.is_authenticated:
            await self._refuse(CLOSE_UNAUTHENTICATED, subprotocol)
            return
        # Join the control groups first: a session that ends from here on closes this
        # socket; one that ended since the handshake was authenticated is caught below.
        # They stay out of `self.groups` (the audience, which subclasses read); `disconnect`
        # leaves them.
        self.control_groups = self._control_groups(user)
        for name in self.control_groups:
            await self.channel_layer.group_add(name, self.channel_name)
        try:
            names, still_open = await database_sync_to_async(self._groups_and_check)(user)
        except PermissionDenied:
            await self._refuse(CLOSE_FORBIDDEN, subprotocol)
            return
        if not still_open:
            await self._refuse(CLOSE_UNAUTHENTICATED, subprotocol)
            return
        names = [groups.validate(n) for n in dict.fromkeys(names)]
        for name in names:
            await self.channel_layer.group_add(name, self.channel_name)
        # The base class discards these groups on disconnect.
        self.groups = names
        self.user = user
        await presence.amark_online(user.pk, self.channel_name)
        await self.accept(subprotocol=subprotocol)
        self._close_when_token_expires()

    def _control_groups(self, user: Any) -> list[str]:
        names = [groups.socket_user(user.pk)]
        session_id = self.scope.get(auth.AUTH_SESSION_ID)
        if session_id:
            names.append(groups.socket_session(session_id))
        session_key = self._web_session_key()
        if session_key:
            names.append(groups.socket_web_session(session_key))
        return names

    def _web_session_key(self) -> str | None:
        if self.scope.get(auth.AUTH_METHOD) != "session":
            return None
        session = self.scope.get("session")
        return getattr(session, "session_key", None) or None

    def _groups_and_check(self, user: Any) -> tuple[list[str], bool]:
        """(groups_for(user), whether the session is still open), in one database hop."""
        names = self.groups_for(user)
        return names, self._session_still_open(user)

    def _session_still_open(self, user: Any) -> bool:
        session_id = self.scope.get(auth.AUTH_SESSION_ID)
        if session_id:
            current = user_for_token(user_id=user.pk, session_id=session_id)
            return current is not None and current.is_active
        session_key = self._web_session_key()
        if session_key:
            return bool(self.scope["session"].exists(session_key))
        return True

    async def _refuse(self, code: int, subprotocol: str | None) -> None:
        # Accept, then close: a browser only sees a close code on an opened socket, and the
        # code tells the client whether to re-authenticate (4401) or give up (4403).
        await self.accept(subprotocol=subprotocol)
        await self.close(code=code)

    def _close_when_token_expires(self) -> None:
        expires_at = self.scope.get(auth.AUTH_EXPIRES_AT)
        if expires_at is None:
            return
        delay = max(0.0, float(expires_at) - time.time())
        loop = asyncio.get_running_loop()

        def close_expired() -> None:
            self._expiry_task = loop.create_task(self.close(code=CLOSE_UNAUTHENTICATED))

        self._expiry = loop.call_later(delay, close_expired)

    async def disconnect(self, code: int) -> None:
        expiry = getattr(self, "_expiry", None)
        if expiry is not None:
            expiry.cancel()
        for name in getattr(self, "control_groups", ()):
            await self.channel_layer.group_discard(name, self.channel_name)
        if self.user is not None:
            await presence.amark_offline(self.user.pk, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.user is None:
            return
        if text_data is None or len(text_data) > _MAX_CLIENT_FRAME:
            await self.send_json({"type": "error", "code": "unsupported_message"})
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            content = None
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await presence.amark_online(self.user.pk, self.channel_name)
            await self.send_json({"type": "pong"})
            return
        await self.send_json({"type": "error", "code": "unsupported_message"})

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels runs close_old_connections() in the database thread before every handler:
        # one thread hop per socket per event, serialized, which made a 1,000-socket fan-out
        # several times slower. Relaying an event never touches the database, so skip it.
        if message.get("type") == events.MESSAGE_TYPE:
            await self.realtime_event(message)
            return
        if message.get("type") == sockets.CLOSE_MESSAGE_TYPE:
            await self.close(code=int(message["code"]))
            return
        await super().dispatch(message)

    async def realtime_event(self, message: dict[str, Any]) -> None:
        """Relay one envelope (channel-layer type `realtime.event`) to the client, once."""
        event = message["event"]
        event_id = event.get("id")
        if event_id in self._recent_ids:
            return  # the same event reached us through two of our groups
        self._recent_ids.append(event_id)
        await self.send_json(event)

    # --- Redis outages ---------------------------------------------------------------------
    # A socket lives on the channel layer (its groups) and writes presence to the cache, both
    # Redis in production. While Redis is unreachable the handshake closes with 1013 instead
    # of failing with a 500, and the client's backoff reconnects once Redis is back.

    _accepted = False

    async def accept(self, subprotocol: str | None = None, headers: Any = None) -> None:
        self._accepted = True
        await super().accept(subprotocol=subprotocol, headers=headers)

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        try:
            await super().websocket_connect(message)
        except REDIS_UNAVAILABLE as exc:
            logger.warning("realtime.connect_unavailable", extra={"error": type(exc).__name__})
            self.user = None  # nothing to undo in presence on disconnect
            if not self._accepted:
                # Accept first: a browser sees the close code only on an opened socket.
                await self.accept(subprotocol=self.scope.get(auth.SUBPROTOCOL))
            await self.close(code=CLOSE_TRY_AGAIN_LATER)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        try:
            await super().websocket_disconnect(message)
        except REDIS_UNAVAILABLE as exc:
            # Leaving the groups failed; Redis expires them (group_expiry) on its own.
            logger.warning("realtime.disconnect_unavailable", extra={"error": type(exc).__name__})
            raise StopConsumer() from None


class NotificationsConsumer(EventsConsumer):
    """`/ws/notifications/`: every signed-in user hears what is addressed to them."""

    def groups_for(self, user: Any) -> list[str]:
        return [groups.user(user.pk)]
