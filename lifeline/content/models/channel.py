"""Channels and their memberships."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lifeline.content.enums import ChannelRole, MembershipStatus, NotificationLevel, Visibility
from lifeline.core.models import TimestampedModel, UUIDModel
from lifeline.core.slugs import slug_base


class Channel(UUIDModel):
    """A community space. Its owner is the membership with role `owner` (exactly one).

    `organization` is the MARKETPLACE organization its creator belonged to (null when they
    belonged to none): that organization's moderators moderate its public channels.
    """

    organization = models.ForeignKey(
        "access.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="content_channels",
    )
    name = models.CharField(max_length=100, verbose_name=pgettext_lazy("content", "name"))
    # Made once from the name (transliterated), so links survive a rename.
    slug = models.SlugField(max_length=80, unique=True, verbose_name=_("slug"))
    description = models.TextField(max_length=2000, blank=True)
    visibility = models.CharField(
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        verbose_name=_("visibility"),
    )
    deleted_at = models.DateTimeField(
        null=True, blank=True, verbose_name=pgettext_lazy("content", "deleted at")
    )
    member_count = models.PositiveIntegerField(default=0, verbose_name=_("members"))
    # A picture from the files service (re-encoded on upload), served by the channel's own
    # view, so it is as private as the channel.
    avatar = models.ForeignKey(
        "files.StoredFile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("avatar"),
    )

    class Meta:
        ordering = ("name", "id")
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return self.name

    @property
    def is_private(self) -> bool:
        return self.visibility == Visibility.PRIVATE


class ChannelMembership(TimestampedModel):
    """A user's place in a channel: an active member with a role, a request to join a
    private channel, or an invitation to it."""

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("channel")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="content_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(
        max_length=16,
        choices=ChannelRole.choices,
        default=ChannelRole.MEMBER,
        verbose_name=_("role"),
    )
    status = models.CharField(
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
        verbose_name=_("status"),
    )
    muted_until = models.DateTimeField(null=True, blank=True, verbose_name=_("muted until"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notification_level = models.CharField(
        max_length=16,
        choices=NotificationLevel.choices,
        default=NotificationLevel.NORMAL,
        verbose_name=_("notifications"),
    )
    # When the member last opened the channel (or marked everything read): the unread count
    # counts what was published after it (after joining while it is empty). One column, no
    # row per post or view.
    last_read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last read at"))
    # The name others @mention in this channel: made from the display name at joining,
    # unique in the channel (`-2`, `-3` on clashes).
    handle = models.SlugField(max_length=64, blank=True, verbose_name=_("handle"))

    class Meta:
        verbose_name = _("channel membership")
        verbose_name_plural = _("channel memberships")
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(fields=["channel", "user"], name="content_membership_unique"),
            models.UniqueConstraint(
                fields=["channel"],
                condition=Q(role="owner"),
                name="content_membership_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(role="member") | Q(status="active"),
                name="content_membership_staff_active",
            ),
        ]
        indexes = [models.Index(fields=["channel", "handle"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.handle:
            self.handle = membership_handle(self.channel_id, self.user)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.user_id} in {self.channel_id} ({self.role})"


def membership_handle(channel_id: Any, user: Any) -> str:
    """A free `@handle` in the channel for `user`: the slug of their name, then `-2`, `-3`."""
    # Never made from the e-mail or phone number: handles are shown to other members.
    base = slug_base(user.composed_full_name, max_length=40, fallback="member")
    taken = set(
        ChannelMembership.objects.filter(channel_id=channel_id, handle__startswith=base)
        .exclude(user=user)
        .values_list("handle", flat=True)
    )
    handle, n = base, 1
    while handle in taken:
        n += 1
        handle = f"{base}-{n}"
    return handle
