"""Scoped reads of channels and memberships. A channel the actor may not see is NotFound."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from lifeline.content.enums import MembershipStatus, Visibility
from lifeline.content.models import Channel, ChannelMembership
from lifeline.content.permissions import can_see_channel, remember_membership
from lifeline.core.exceptions import NotFound


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def channel_list_for(*, actor: Any, mine: bool = False) -> QuerySet[Channel]:
    """Public channels and the private ones `actor` is an active member of (with `mine`,
    only the channels `actor` belongs to). Each channel carries the actor's membership in
    `my_memberships` (one prefetch query)."""
    channels = Channel.objects.filter(deleted_at__isnull=True)
    if not _authenticated(actor):
        return channels.filter(visibility=Visibility.PUBLIC)
    joined = Q(memberships__user=actor, memberships__status=MembershipStatus.ACTIVE)
    channels = (
        channels.filter(joined)
        if mine
        else channels.filter(Q(visibility=Visibility.PUBLIC) | joined)
    )
    return channels.distinct().prefetch_related(
        Prefetch(
            "memberships",
            queryset=ChannelMembership.objects.filter(user=actor),
            to_attr="my_memberships",
        )
    )


def remember_prefetched(channels: Any, actor: Any) -> None:
    """Seed the permission cache of each channel from its prefetched `my_memberships`."""
    for channel in channels:
        found = getattr(channel, "my_memberships", None)
        if found is not None:
            remember_membership(channel, actor, found[0] if found else None)


def channel_get_for(*, actor: Any, slug: str) -> Channel:
    channel = Channel.objects.filter(slug=slug, deleted_at__isnull=True).first()
    if channel is None or not can_see_channel(actor, channel):
        raise NotFound()
    return channel


def member_list(
    *, channel: Channel, status: str = MembershipStatus.ACTIVE
) -> QuerySet[ChannelMembership]:
    """The channel's memberships of one status, staff first (caller checked the reader)."""
    return (
        ChannelMembership.objects.filter(channel=channel, status=status)
        .select_related("user")
        .order_by("created_at", "id")
    )


def membership_get(*, channel: Channel, user_id: Any) -> ChannelMembership:
    membership = (
        ChannelMembership.objects.filter(channel=channel, user_id=user_id)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise NotFound()
    return membership


def channel_get_for_joining(*, actor: Any, slug: str) -> Channel:
    """Any live channel, public or private: whoever knows a private channel's address may
    ask to join it (the request reveals nothing of its posts)."""
    channel = Channel.objects.filter(slug=slug, deleted_at__isnull=True).first()
    if channel is None or not _authenticated(actor):
        raise NotFound()
    return channel
