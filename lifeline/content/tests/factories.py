"""Factories of the content tests (one per model the tests build directly)."""

from __future__ import annotations

from typing import Any

import factory
from django.db.models import F

from lifeline.accounts.tests.factories import UserFactory
from lifeline.content.enums import ChannelRole, MembershipStatus, Visibility
from lifeline.content.models import Channel, ChannelMembership, Post


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    name = factory.Sequence(lambda n: f"Channel {n}")
    slug = factory.Sequence(lambda n: f"channel-{n}")
    visibility = Visibility.PUBLIC


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChannelMembership

    channel = factory.SubFactory(ChannelFactory)
    user = factory.SubFactory(UserFactory)
    role = ChannelRole.MEMBER
    status = MembershipStatus.ACTIVE


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    channel = factory.SubFactory(ChannelFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Post {n}")
    body = "<p>Hello</p>"


def member(channel: Channel, role: str = ChannelRole.MEMBER, **fields: Any) -> Any:
    """A new user who is an active member of `channel` with `role` (counted in
    `member_count`, as joining would)."""
    membership = MembershipFactory(channel=channel, role=role, **fields)
    if membership.status == MembershipStatus.ACTIVE:
        Channel.objects.filter(pk=channel.pk).update(member_count=F("member_count") + 1)
    return membership.user
