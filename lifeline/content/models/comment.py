"""Comments (threaded to any depth) and their likes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lifeline.content.enums import ContentStatus
from lifeline.content.models.post import Post
from lifeline.core.models import TimestampedModel

# Each path segment is the comment's id, zero-padded to this width, plus a dot, so sorting
# by path gives the thread in depth-first order (oldest sibling first).
PATH_SEGMENT_WIDTH = 12


def path_segment(comment_id: int) -> str:
    return f"{comment_id:0{PATH_SEGMENT_WIDTH}d}."


class Comment(TimestampedModel):
    """A comment on a post, or a reply to another comment.

    `path` is the materialised path from the top-level comment down to this one
    (`000000000012.000000000031.`) and `root` the top-level comment of its thread, so a
    whole thread, or a page of threads, loads in one query.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="content_comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    path = models.TextField(blank=True, default="")
    depth = models.PositiveIntegerField(default=0)
    body = models.TextField(max_length=10000)
    status = models.CharField(
        max_length=16, choices=ContentStatus.choices, default=ContentStatus.VISIBLE
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    like_count = models.PositiveIntegerField(default=0)
    flag_score = models.PositiveIntegerField(default=0)
    # Distinct flaggers ever (the negative votes of the "best" sort).
    flag_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("path",)
        indexes = [
            models.Index(fields=["post", "parent", "created_at"]),
            models.Index(fields=["root", "path"]),
        ]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.post_id}"


class CommentLike(TimestampedModel):
    """One user's like of one comment (at most one)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("comment like")
        verbose_name_plural = _("comment likes")
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="content_comment_like_unique")
        ]
