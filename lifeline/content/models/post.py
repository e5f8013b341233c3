"""Posts and their likes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lifeline.content.enums import ContentStatus
from lifeline.content.models.channel import Channel
from lifeline.core.models import TimestampedModel, UUIDModel


class Post(UUIDModel):
    """A member's post. `body` is HTML already sanitised by the post service (nh3).

    Counters are changed only by the services, in the database (F expressions), and can be
    rebuilt with `manage.py content_rebuild_counters`.
    """

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="posts", verbose_name=_("channel")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="content_posts"
    )
    title = models.CharField(max_length=200, verbose_name=_("title"))
    body = models.TextField(max_length=40000)
    is_pinned = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16,
        choices=ContentStatus.choices,
        default=ContentStatus.VISIBLE,
        verbose_name=_("status"),
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    like_count = models.PositiveIntegerField(default=0, verbose_name=_("likes"))
    comment_count = models.PositiveIntegerField(default=0, verbose_name=_("comments"))
    # Views de-duplicated per user (or IP) and window in the cache: no row per view.
    view_count = models.PositiveBigIntegerField(default=0, verbose_name=_("views"))
    # Sum of the weights of the open flags on it.
    flag_score = models.PositiveIntegerField(default=0, verbose_name=_("flag score"))

    class Meta:
        ordering = ("-is_pinned", "-created_at", "-id")
        indexes = [
            models.Index(fields=["channel", "status", "-is_pinned", "-created_at"]),
            # Unread counts: a channel's visible posts after a time, as one range.
            models.Index(
                fields=["channel", "status", "created_at"], name="content_post_unread_idx"
            ),
        ]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return self.title


class PostLike(TimestampedModel):
    """One user's like of one post (at most one: the unique constraint makes liking
    idempotent under concurrency)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("post like")
        verbose_name_plural = _("post likes")
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="content_post_like_unique")
        ]


class PostImage(UUIDModel):
    """A picture of a post: a files-service upload (re-encoded, metadata stripped), served by
    the content image view to whoever may read the post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "created_at")
        verbose_name = _("post image")
        verbose_name_plural = _("post images")


class Reader(TimestampedModel):
    """What a user has read across channels (one row per user, not per view): the
    activity part of their trust level."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="content_reader"
    )
    posts_read = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reader")
        verbose_name_plural = _("readers")


class ReadingDay(TimestampedModel):
    """Seconds a user spent reading one channel's posts on one day: one row per user,
    channel and day however often the page reports (every 30 s while visible), the
    reading-time part of trust levels."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="content_reading_days"
    )
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="reading_days")
    day = models.DateField()
    seconds = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reading day")
        verbose_name_plural = _("reading days")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel", "day"], name="content_reading_day_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.seconds} s"
