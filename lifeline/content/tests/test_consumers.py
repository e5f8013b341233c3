from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from lifeline.accounts.tests.factories import UserFactory
from lifeline.content.enums import ChannelRole, Visibility
from lifeline.content.services.channels import channel_create
from lifeline.content.services.comments import comment_create, comment_hide
from lifeline.content.services.posts import post_create
from lifeline.content.tests.factories import member
from lifeline.realtime.tests.conftest import (  # noqa: F401 - fixture
    _in_memory_channel_layer,
    access_token,
    close_code,
    communicator,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def _setup() -> dict[str, Any]:
    owner = UserFactory()
    channel = channel_create(actor=owner, name="Live")
    secret = channel_create(actor=owner, name="Hidden", visibility=Visibility.PRIVATE)
    return {
        "owner": owner,
        "channel": channel,
        "reader": member(channel),
        "moderator": member(channel, ChannelRole.MODERATOR),
        "post": post_create(actor=owner, channel=channel, title="T", body="b"),
        "secret_post": post_create(actor=owner, channel=secret, title="S", body="b"),
        "stranger": UserFactory(),
    }


async def _socket(user: Any, post: Any) -> Any:
    token = await sync_to_async(access_token)(user)
    return communicator(
        path=f"/ws/content/posts/{post.pk}/",
        headers=[(b"authorization", f"Bearer {token}".encode())],
    )


async def test_readers_see_a_new_comment_and_a_hidden_one_live() -> None:
    data = await sync_to_async(_setup)()
    socket = await _socket(data["reader"], data["post"])
    assert (await socket.connect())[0] is True
    comment = await sync_to_async(comment_create)(
        actor=data["owner"], post=data["post"], body="hello"
    )
    frame = await socket.receive_json_from(timeout=2)
    assert frame["type"] == "content.comment_created"
    assert frame["data"] == {
        "post_id": str(data["post"].pk),
        "comment_id": comment.pk,
        "parent_id": None,
    }
    await sync_to_async(comment_hide)(actor=data["moderator"], comment=comment)
    frame = await socket.receive_json_from(timeout=2)
    assert (frame["type"], frame["data"]["comment_id"]) == ("content.comment_hidden", comment.pk)
    await socket.disconnect()


async def test_a_stranger_cannot_listen_to_a_private_post() -> None:
    data = await sync_to_async(_setup)()
    socket = await _socket(data["stranger"], data["secret_post"])
    await socket.connect()
    assert await close_code(socket) == 4403


async def _channel_socket(user: Any, slug: str) -> Any:
    token = await sync_to_async(access_token)(user)
    return communicator(
        path=f"/ws/content/channels/{slug}/",
        headers=[(b"authorization", f"Bearer {token}".encode())],
    )


async def test_channel_readers_hear_of_a_new_post_and_outsiders_cannot_listen() -> None:
    data = await sync_to_async(_setup)()
    socket = await _channel_socket(data["reader"], data["channel"].slug)
    assert (await socket.connect())[0] is True
    post = await sync_to_async(post_create)(
        actor=data["owner"], channel=data["channel"], title="New", body="b"
    )
    frame = await socket.receive_json_from(timeout=2)
    assert (frame["type"], frame["data"]) == (
        "content.post_created",
        {"channel_id": str(data["channel"].pk), "post_id": str(post.pk)},
    )
    await socket.disconnect()
    outsider = await _channel_socket(data["stranger"], "hidden")
    await outsider.connect()
    assert await close_code(outsider) == 4403
