"""Scoped reads of channels and memberships. A channel the actor may not see is NotFound.

Unread counts (`unread_expression`) are computed per membership from one column,
`ChannelMembership.last_read_at`: no row per post or view per user.
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from lifeline.content.enums import (
    COUNTS_REPLIES,
    ContentStatus,
    MembershipStatus,
    NotificationLevel,
    Visibility,
)
from lifeline.content.models import Channel, ChannelMembership, Comment, Post
from lifeline.content.permissions import can_see_channel, remember_membership
from lifeline.core.exceptions import NotFound


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def channel_list_for(*, actor: Any, mine: bool = False) -> QuerySet[Channel]:
    """Public channels and the private ones `actor` is an active member of (with `mine`,
    only the channels `actor` belongs to). Each channel carries the actor's membership, with
    its `unread` count, in `my_memberships` (one prefetch query for the page)."""
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
            "memberships", queryset=memberships_with_unread(actor=actor), to_attr="my_memberships"
        )
    )


def _count(queryset: QuerySet[Any], group: str) -> Any:
    """COUNT(*) of a correlated subquery (0 when no row matches)."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def unread_expression(actor: Any) -> Any:
    """The unread count of each of `actor`'s memberships (annotate a queryset of their
    `ChannelMembership` rows that has `read_since`), None when there is no count to show.

    Counted: visible posts of others published in the channel after `read_since` (the last
    read, else the joining); for `tracking` and `watching` also visible comments of others,
    after `read_since`, on visible posts of the channel that the member wrote or commented on
    ("my discussions"). Muted members, requests and invitations: None.
    """
    since = OuterRef("read_since")
    posts = Post.objects.filter(
        channel=OuterRef("channel_id"), status=ContentStatus.VISIBLE, created_at__gt=since
    ).exclude(author=actor)
    mine = Q(post__author=actor) | Exists(
        Comment.objects.filter(post=OuterRef("post_id"), author=actor)
    )
    replies = (
        Comment.objects.filter(
            post__channel=OuterRef("channel_id"),
            post__status=ContentStatus.VISIBLE,
            status=ContentStatus.VISIBLE,
            created_at__gt=since,
        )
        .exclude(author=actor)
        .filter(mine)
    )
    return Case(
        When(
            ~Q(status=MembershipStatus.ACTIVE) | Q(notification_level=NotificationLevel.MUTED),
            then=Value(None),
        ),
        When(
            notification_level__in=list(COUNTS_REPLIES),
            then=_count(posts, "channel") + _count(replies, "post__channel"),
        ),
        default=_count(posts, "channel"),
        output_field=IntegerField(),
    )


def memberships_with_unread(*, actor: Any) -> QuerySet[ChannelMembership]:
    """`actor`'s memberships (any status), each with `unread` (see `unread_expression`)."""
    if not _authenticated(actor):
        return ChannelMembership.objects.none()
    return (
        ChannelMembership.objects.filter(user=actor)
        .annotate(read_since=Coalesce("last_read_at", "created_at"))
        .annotate(unread=unread_expression(actor))
    )


def my_membership_with_unread(*, actor: Any, channel: Channel) -> ChannelMembership | None:
    """`actor`'s membership of `channel` with its `unread` count (one query), remembered for
    the permission checks that follow."""
    if not _authenticated(actor):
        return None
    membership = memberships_with_unread(actor=actor).filter(channel=channel).first()
    remember_membership(channel, actor, membership)
    return membership


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
