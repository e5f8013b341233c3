"""`can_*` predicates of the content module, shared by the API, the pages and the socket.

Any signed-in user may create a channel and join a public one; anonymous visitors may read
public channels. Inside a channel, roles are the channel's own (owner > admin > moderator >
member, `ChannelMembership`). Besides the channel's staff, the moderators of the MARKETPLACE
organization a public channel belongs to (and platform administrators) act as its
moderators; private channels are moderated by their own staff only.

A user's membership of a channel is looked up once per channel instance and kept on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.permissions import is_platform_admin, memberships_of
from lifeline.content.enums import ROLE_RANK, ChannelRole, ContentStatus, MembershipStatus
from lifeline.content.models import Channel, ChannelMembership, Comment, Post

_CACHE = "_content_membership_cache"
_SITE_CACHE = "_content_site_moderator_cache"


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def membership_of(user: Any, channel: Channel) -> ChannelMembership | None:
    """`user`'s membership row of `channel` (any status), or None."""
    if not _authenticated(user):
        return None
    cache: dict[Any, ChannelMembership | None] = channel.__dict__.setdefault(_CACHE, {})
    if user.pk not in cache:
        cache[user.pk] = ChannelMembership.objects.filter(channel=channel, user=user).first()
    return cache[user.pk]


def remember_membership(channel: Channel, user: Any, membership: ChannelMembership | None) -> None:
    """Seed the cache (selectors that prefetched the membership call this)."""
    if _authenticated(user):
        channel.__dict__.setdefault(_CACHE, {})[user.pk] = membership


def forget_membership(channel: Channel) -> None:
    channel.__dict__.pop(_CACHE, None)
    channel.__dict__.pop(_SITE_CACHE, None)


def active_role(user: Any, channel: Channel) -> str | None:
    """The user's role in the channel if they are an active member, else None."""
    membership = membership_of(user, channel)
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        return None
    return membership.role


def rank(role: str | None) -> int:
    return -1 if role is None else ROLE_RANK[ChannelRole(role)]


def marketplace_moderator_organization_ids(user: Any) -> list[Any]:
    if not _authenticated(user):
        return []
    return list(
        memberships_of(user=user)
        .filter(role=Role.MODERATOR, organization__kind=OrganizationKind.MARKETPLACE)
        .values_list("organization_id", flat=True)
        .order_by("organization_id")
    )


def is_site_moderator(user: Any, channel: Channel) -> bool:
    """A moderator of the platform who may moderate this (public) channel."""
    if not _authenticated(user) or channel.is_private:
        return False
    cache: dict[Any, bool] = channel.__dict__.setdefault(_SITE_CACHE, {})
    if user.pk not in cache:
        cache[user.pk] = is_platform_admin(user) or (
            channel.organization_id is not None
            and channel.organization_id in marketplace_moderator_organization_ids(user)
        )
    return cache[user.pk]


def can_read_channel(user: Any, channel: Channel) -> bool:
    """Read its posts and comments."""
    if channel.deleted_at is not None:
        return False
    return not channel.is_private or active_role(user, channel) is not None


def can_see_channel(user: Any, channel: Channel) -> bool:
    """See that it exists: readers, and people invited to or asking to join it."""
    if channel.deleted_at is not None:
        return False
    return can_read_channel(user, channel) or membership_of(user, channel) is not None


def can_post(user: Any, channel: Channel) -> bool:
    """Write posts and comments: active members who are not muted."""
    membership = membership_of(user, channel)
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        return False
    if channel.deleted_at is not None:
        return False
    return membership.muted_until is None or membership.muted_until <= timezone.now()


def can_moderate(user: Any, channel: Channel) -> bool:
    """Hide, restore and remove posts and comments, pin posts, mute members."""
    if channel.deleted_at is not None:
        return False
    return rank(active_role(user, channel)) >= rank(ChannelRole.MODERATOR) or is_site_moderator(
        user, channel
    )


def can_manage_channel(user: Any, channel: Channel) -> bool:
    """Edit the settings, approve requests, invite, change roles, remove members."""
    return channel.deleted_at is None and rank(active_role(user, channel)) >= rank(
        ChannelRole.ADMIN
    )


def can_own_channel(user: Any, channel: Channel) -> bool:
    """Transfer the ownership or delete the channel."""
    return channel.deleted_at is None and active_role(user, channel) == ChannelRole.OWNER


def can_act_on_member(user: Any, channel: Channel, target: ChannelMembership) -> bool:
    """Staff act only on people of a lower rank than their own, never on themselves."""
    if not _authenticated(user) or target.user_id == user.pk:
        return False
    own = rank(active_role(user, channel))
    if own < rank(ChannelRole.MODERATOR) and is_site_moderator(user, channel):
        own = rank(ChannelRole.MODERATOR)
    return own > rank(target.role if target.status == MembershipStatus.ACTIVE else None)


def can_edit_post(user: Any, post: Post) -> bool:
    return (
        _authenticated(user)
        and post.author_id == user.pk
        and post.status != ContentStatus.DELETED
        and can_post(user, post.channel)
    )


def can_delete_post(user: Any, post: Post) -> bool:
    if post.status == ContentStatus.DELETED or not _authenticated(user):
        return False
    return post.author_id == user.pk or can_moderate(user, post.channel)


def can_delete_comment(user: Any, comment: Comment) -> bool:
    if comment.status == ContentStatus.DELETED or not _authenticated(user):
        return False
    return comment.author_id == user.pk or can_moderate(user, comment.post.channel)


def deletable_comment_ids(user: Any, comments: Iterable[Comment], *, channel: Channel) -> set[Any]:
    """`can_delete_comment` for many comments of one channel, asking for the user's role once
    (a thread page shows hundreds)."""
    if not _authenticated(user):
        return set()
    moderator = can_moderate(user, channel)
    return {
        comment.pk
        for comment in comments
        if comment.status != ContentStatus.DELETED and (moderator or comment.author_id == user.pk)
    }


def can_edit_comment(user: Any, comment: Comment) -> bool:
    return (
        _authenticated(user)
        and comment.author_id == user.pk
        and comment.status != ContentStatus.DELETED
        and can_post(user, comment.post.channel)
    )
