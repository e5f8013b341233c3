from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

HOST = b"testserver"
ORIGIN = b"http://testserver"


@pytest.fixture(autouse=True)
def _in_memory_channel_layer(settings: Any) -> Iterator[None]:
    # Each test gets a fresh in-memory layer (its queues belong to the test's event loop).
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def asgi_application() -> Any:
    from config.asgi import application

    return application


def communicator(
    *,
    path: str = "/ws/notifications/",
    headers: list[tuple[bytes, bytes]] | None = None,
    subprotocols: list[str] | None = None,
) -> WebsocketCommunicator:
    return WebsocketCommunicator(
        asgi_application(),
        path,
        headers=[(b"host", HOST), *(headers or [])],
        subprotocols=subprotocols,
    )


def access_token(user: Any, *, expired: bool = False, **claims: Any) -> str:
    token = AccessToken.for_user(user)
    if expired:
        token.set_exp(from_time=timezone.now() - timedelta(hours=2))
    for name, value in claims.items():
        token[name] = value
    return str(token)


def session_cookie(user: Any) -> bytes:
    client = Client()
    client.force_login(user, backend="lifeline.accounts.backends.EmailOrPhoneBackend")
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def close_code(comm: WebsocketCommunicator) -> int:
    message = await comm.receive_output(timeout=1)
    assert message["type"] == "websocket.close"
    return int(message["code"])
