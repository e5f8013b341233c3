from __future__ import annotations

import pytest

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.content.demo import seed
from lifeline.content.models import Channel, ChannelMembership, Comment, Post
from lifeline.content.permissions import can_moderate, can_read_channel
from lifeline.core.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_demo_has_channels_a_thread_three_levels_deep_and_a_moderator() -> None:
    market = OrganizationFactory(kind=OrganizationKind.MARKETPLACE)
    users = {
        role: user_with_role(role, market) for role in (Role.SELLER, Role.BUYER, Role.MODERATOR)
    }
    ctx = DemoContext(
        organizations={OrganizationKind.MARKETPLACE: market}, users=users, write=lambda _: None
    )
    seed(ctx)
    seed(ctx)  # idempotent
    assert sorted(Channel.objects.values_list("slug", "visibility")) == [
        ("demo-otzyvy", "public"),
        ("demo-sellers-lounge", "private"),
    ]
    public = Channel.objects.get(slug="demo-otzyvy")
    roles = dict(ChannelMembership.objects.filter(channel=public).values_list("user_id", "role"))
    assert roles == {
        users[Role.BUYER].pk: "owner",
        users[Role.SELLER].pk: "member",
        users[Role.MODERATOR].pk: "moderator",
    }
    assert can_moderate(users[Role.MODERATOR], public)
    post = Post.objects.get(channel=public)
    assert (post.comment_count, post.is_pinned, post.images.count()) == (4, True, 1)
    assert public.avatar is not None
    assert public.avatar.content_type == "image/png"
    assert sorted(Comment.objects.filter(post=post).values_list("depth", flat=True)) == [0, 0, 1, 2]
    deepest = Comment.objects.get(depth=2)
    assert deepest.path.startswith(deepest.root.path)
    lounge = Channel.objects.get(slug="demo-sellers-lounge")
    assert not can_read_channel(users[Role.BUYER], lounge)
    assert can_read_channel(users[Role.SELLER], lounge)
