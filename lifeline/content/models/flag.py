"""Flags raised on posts and comments: the moderation queue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lifeline.content.enums import FlagReason, FlagStatus
from lifeline.content.models.channel import Channel
from lifeline.content.models.comment import Comment
from lifeline.content.models.post import Post
from lifeline.core.models import TimestampedModel


class Flag(TimestampedModel):
    """One member's flag on a post or a comment (exactly one of the two), with the weight
    it carried (trusted members' flags weigh more)."""

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="flags", verbose_name=_("channel")
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="content_flags"
    )
    reason = models.CharField(
        max_length=16, choices=FlagReason.choices, verbose_name=pgettext_lazy("content", "reason")
    )
    note = models.CharField(max_length=500, blank=True)
    weight = models.PositiveSmallIntegerField(default=1, verbose_name=_("weight"))
    status = models.CharField(
        max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN, verbose_name=_("status")
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["channel", "status", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(post__isnull=False) & Q(comment__isnull=True))
                | (Q(post__isnull=True) & Q(comment__isnull=False)),
                name="content_flag_one_target",
            ),
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(comment__isnull=True),
                name="content_flag_post_once",
            ),
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=Q(post__isnull=True),
                name="content_flag_comment_once",
            ),
        ]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")

    def __str__(self) -> str:
        return f"flag {self.pk} ({self.reason})"
