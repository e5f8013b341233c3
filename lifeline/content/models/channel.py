"""Channels and their memberships."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lifeline.content.enums import ChannelRole, MembershipStatus, Visibility
from lifeline.core.models import TimestampedModel, UUIDModel


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
    name = models.CharField(max_length=100)
    # Made once from the name (transliterated), so links survive a rename.
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(max_length=2000, blank=True)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    member_count = models.PositiveIntegerField(default=0)

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

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="content_memberships"
    )
    role = models.CharField(max_length=16, choices=ChannelRole.choices, default=ChannelRole.MEMBER)
    status = models.CharField(
        max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    muted_until = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
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

    def __str__(self) -> str:
        return f"{self.user_id} in {self.channel_id} ({self.role})"
