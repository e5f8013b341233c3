"""The moderation queue: open flags in the channels the actor moderates."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from lifeline.access.permissions import is_platform_admin
from lifeline.content.enums import ChannelRole, FlagStatus, MembershipStatus, Visibility
from lifeline.content.models import Channel, Flag
from lifeline.content.permissions import marketplace_moderator_organization_ids


def moderated_channels(*, actor: Any) -> QuerySet[Channel]:
    """Channels `actor` moderates: as their owner, admin or moderator, or, for public
    channels, as a moderator of their marketplace (platform admins: every public one)."""
    if not getattr(actor, "is_authenticated", False):
        return Channel.objects.none()
    staff = Q(
        memberships__user=actor,
        memberships__status=MembershipStatus.ACTIVE,
        memberships__role__in=[ChannelRole.OWNER, ChannelRole.ADMIN, ChannelRole.MODERATOR],
    )
    if is_platform_admin(actor):
        site = Q(visibility=Visibility.PUBLIC)
    else:
        site = Q(
            visibility=Visibility.PUBLIC,
            organization_id__in=marketplace_moderator_organization_ids(actor),
        )
    return Channel.objects.filter(deleted_at__isnull=True).filter(staff | site).distinct()


def flag_queue_for(*, actor: Any, status: str = FlagStatus.OPEN) -> QuerySet[Flag]:
    channel_ids = moderated_channels(actor=actor).values("pk")
    return (
        Flag.objects.filter(channel_id__in=channel_ids, status=status)
        .select_related(
            "channel", "reporter", "post", "comment__post", "comment__author", "post__author"
        )
        .order_by("-created_at", "-id")
    )
