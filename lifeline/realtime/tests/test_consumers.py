from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import jwt
import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from lifeline.accounts.enums import UserStatus
from lifeline.accounts.middleware import IDLE_TIMEOUT_KEY, LAST_SEEN_KEY
from lifeline.realtime import groups, presence
from lifeline.realtime.events import Event, apublish
from lifeline.realtime.tests.conftest import (
    ORIGIN,
    access_token,
    close_code,
    communicator,
    session_cookie,
)
from lifeline.realtime.tests.factories import UserFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def user() -> Any:
    return UserFactory()


@pytest.fixture
def other_user() -> Any:
    return UserFactory()


def _event(**data: Any) -> Event:
    return Event(type="notifications.notification_created", data=data or {"n": 1})


async def test_anonymous_is_refused_with_4401() -> None:
    comm = communicator(headers=[(b"origin", ORIGIN)])
    connected, _ = await comm.connect()

    assert connected is True
    assert await close_code(comm) == 4401
    await comm.disconnect()


async def test_jwt_in_authorization_header_is_accepted(user: Any) -> None:
    token = await sync_to_async(access_token)(user)
    comm = communicator(headers=[(b"authorization", f"Bearer {token}".encode())])
    connected, subprotocol = await comm.connect()

    assert connected is True
    assert subprotocol is None
    assert await comm.receive_nothing() is True
    await comm.disconnect()


async def test_jwt_in_query_string_is_accepted(user: Any) -> None:
    token = await sync_to_async(access_token)(user)
    comm = communicator(path=f"/ws/notifications/?token={token}")
    connected, _ = await comm.connect()

    assert connected is True
    assert await comm.receive_nothing() is True
    await comm.disconnect()


async def test_jwt_in_subprotocol_is_accepted_with_bearer_echoed(user: Any) -> None:
    token = await sync_to_async(access_token)(user)
    comm = communicator(subprotocols=["bearer", token])
    connected, subprotocol = await comm.connect()

    assert connected is True
    assert subprotocol == "bearer"
    assert await comm.receive_nothing() is True
    await comm.disconnect()


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c"])
async def test_malformed_token_is_refused(token: str) -> None:
    comm = communicator(headers=[(b"authorization", f"Bearer {token}".encode())])
    await comm.connect()

    assert await close_code(comm) == 4401
    await comm.disconnect()


async def test_expired_token_is_refused(user: Any) -> None:
    token = await sync_to_async(access_token)(user, expired=True)
    comm = communicator(path=f"/ws/notifications/?token={token}")
    await comm.connect()

    assert await close_code(comm) == 4401
    await comm.disconnect()


async def test_token_signed_with_another_key_is_refused(user: Any) -> None:
    payload = AccessToken.for_user(user).payload
    forged = jwt.encode(payload, "another-key-another-key-another-key!", algorithm="HS256")
    comm = communicator(path=f"/ws/notifications/?token={forged}")
    await comm.connect()

    assert await close_code(comm) == 4401
    await comm.disconnect()


async def test_inactive_user_is_refused(user: Any) -> None:
    token = await sync_to_async(access_token)(user)
    user.status = UserStatus.BANNED
    await sync_to_async(user.save)()
    comm = communicator(path=f"/ws/notifications/?token={token}")
    await comm.connect()

    assert await close_code(comm) == 4401
    await comm.disconnect()


async def test_restricted_token_is_refused_with_4403(user: Any) -> None:
    token = await sync_to_async(access_token)(user, restrict=["password_change"])
    comm = communicator(path=f"/ws/notifications/?token={token}")
    await comm.connect()

    assert await close_code(comm) == 4403
    await comm.disconnect()


async def test_bad_token_does_not_fall_back_to_the_session(user: Any) -> None:
    cookie = await sync_to_async(session_cookie)(user)
    comm = communicator(
        path="/ws/notifications/?token=garbage",
        headers=[(b"origin", ORIGIN), (b"cookie", cookie)],
    )
    await comm.connect()

    assert await close_code(comm) == 4401
    await comm.disconnect()


async def test_session_cookie_with_same_host_origin_is_accepted(user: Any) -> None:
    cookie = await sync_to_async(session_cookie)(user)
    comm = communicator(headers=[(b"origin", ORIGIN), (b"cookie", cookie)])
    connected, _ = await comm.connect()

    assert connected is True
    assert await comm.receive_nothing() is True
    await comm.disconnect()


async def test_session_cookie_with_foreign_origin_is_refused_at_handshake(user: Any) -> None:
    cookie = await sync_to_async(session_cookie)(user)
    comm = communicator(headers=[(b"origin", b"https://evil.example"), (b"cookie", cookie)])
    connected, _ = await comm.connect()

    assert connected is False


async def test_session_cookie_with_other_port_origin_is_refused(user: Any) -> None:
    cookie = await sync_to_async(session_cookie)(user)
    comm = communicator(headers=[(b"origin", b"http://testserver:8080"), (b"cookie", cookie)])
    connected, _ = await comm.connect()

    assert connected is False


async def test_session_cookie_without_origin_is_refused(user: Any) -> None:
    cookie = await sync_to_async(session_cookie)(user)
    comm = communicator(headers=[(b"cookie", cookie)])
    await comm.connect()

    assert await close_code(comm) == 4401
    await comm.disconnect()


async def test_session_idle_past_its_limit_is_refused(user: Any) -> None:
    def idle_cookie() -> bytes:
        client = Client()
        client.force_login(user, backend="lifeline.accounts.backends.EmailOrPhoneBackend")
        session = client.session
        session[LAST_SEEN_KEY] = int(time.time()) - 1801
        session[IDLE_TIMEOUT_KEY] = 1800
        session.save()
        return f"sessionid={session.session_key}".encode()

    comm = communicator(
        headers=[(b"origin", ORIGIN), (b"cookie", await sync_to_async(idle_cookie)())]
    )
    await comm.connect()

    assert await close_code(comm) == 4401
    await comm.disconnect()


async def test_configured_origin_is_accepted(user: Any, settings: Any) -> None:
    settings.LIFELINE_WS_ALLOWED_ORIGINS = ["https://app.example.com"]
    cookie = await sync_to_async(session_cookie)(user)
    comm = communicator(headers=[(b"origin", b"https://app.example.com"), (b"cookie", cookie)])
    connected, _ = await comm.connect()

    assert connected is True
    assert await comm.receive_nothing() is True
    await comm.disconnect()


async def test_token_with_foreign_origin_is_refused(user: Any) -> None:
    token = await sync_to_async(access_token)(user)
    comm = communicator(
        path=f"/ws/notifications/?token={token}", headers=[(b"origin", b"https://evil.example")]
    )
    connected, _ = await comm.connect()

    assert connected is False


async def test_unknown_path_is_refused() -> None:
    comm = communicator(path="/ws/nowhere/", headers=[(b"origin", ORIGIN)])
    connected, _ = await comm.connect()

    assert connected is False


async def test_user_receives_own_events_and_not_another_users(user: Any, other_user: Any) -> None:
    mine = communicator(path=f"/ws/notifications/?token={await sync_to_async(access_token)(user)}")
    theirs = communicator(
        path=f"/ws/notifications/?token={await sync_to_async(access_token)(other_user)}"
    )
    await mine.connect()
    await theirs.connect()
    event = _event(notification_id="42")

    await apublish(event, [groups.user(user.pk)])

    assert await mine.receive_json_from(timeout=1) == event.as_dict()
    assert await theirs.receive_nothing() is True
    await mine.disconnect()
    await theirs.disconnect()


async def test_same_event_reaching_a_socket_twice_is_relayed_once(user: Any) -> None:
    comm = communicator(path=f"/ws/notifications/?token={await sync_to_async(access_token)(user)}")
    await comm.connect()
    event = _event()

    await apublish(event, [groups.user(user.pk)])
    await apublish(event, [groups.user(user.pk)])

    assert await comm.receive_json_from(timeout=1) == event.as_dict()
    assert await comm.receive_nothing() is True
    await comm.disconnect()


async def test_ping_gets_pong_and_other_frames_an_error(user: Any) -> None:
    comm = communicator(path=f"/ws/notifications/?token={await sync_to_async(access_token)(user)}")
    await comm.connect()

    await comm.send_json_to({"type": "ping"})
    assert await comm.receive_json_from(timeout=1) == {"type": "pong"}
    await comm.send_to(text_data="not json")
    assert await comm.receive_json_from(timeout=1) == {
        "type": "error",
        "code": "unsupported_message",
    }
    await comm.send_json_to({"type": "mark_read", "id": "1"})
    assert await comm.receive_json_from(timeout=1) == {
        "type": "error",
        "code": "unsupported_message",
    }
    await comm.disconnect()


async def test_connection_marks_user_online_until_disconnect(user: Any) -> None:
    comm = communicator(path=f"/ws/notifications/?token={await sync_to_async(access_token)(user)}")
    await comm.connect()

    assert presence.is_online(user.pk) is True
    await comm.disconnect()
    assert presence.is_online(user.pk) is False


async def test_refused_connection_does_not_mark_online(user: Any) -> None:
    token = await sync_to_async(access_token)(user, expired=True)
    comm = communicator(path=f"/ws/notifications/?token={token}")
    await comm.connect()
    await close_code(comm)

    assert presence.is_online(user.pk) is False


async def test_socket_is_closed_when_its_token_expires(user: Any) -> None:
    def short_lived() -> str:
        token = AccessToken.for_user(user)
        token.set_exp(lifetime=timedelta(seconds=1))
        return str(token)

    comm = communicator(path=f"/ws/notifications/?token={await sync_to_async(short_lived)()}")
    connected, _ = await comm.connect()
    assert connected is True

    message = await comm.receive_output(timeout=3)

    assert message == {"type": "websocket.close", "code": 4401}
    await asyncio.sleep(0)
