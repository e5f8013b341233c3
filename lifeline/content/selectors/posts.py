"""Scoped reads of posts and comments.

Readers see visible posts and comments; a channel's moderators also see hidden ones (to
restore them); deleted ones are gone for everyone. A thread page is the page's top-level
comments plus every reply under them, in one query for the replies (`root__in`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Sqrt

from lifeline.content.enums import CommentSort, ContentStatus
from lifeline.content.models import Comment, CommentLike, Post, PostImage, PostLike
from lifeline.content.permissions import can_moderate, can_read_channel
from lifeline.core.exceptions import NotFound

# 95% confidence (Reddit's "best" sort).
WILSON_Z = 1.96
# Replies deeper than this (0-based depth) are shown collapsed on the page.
COLLAPSE_DEPTH = 5


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def wilson_lower_bound(likes: int, flags: int, z: float = WILSON_Z) -> float:
    """Lower bound of the Wilson score interval of likes among likes + flags (0 without
    votes). The database expression below computes the same value."""
    n = likes + flags
    if n == 0:
        return 0.0
    return (likes + z * z / 2 - z * math.sqrt(likes * flags / n + z * z / 4)) / (n + z * z)


def wilson_expression(z: float = WILSON_Z) -> Any:
    likes = Cast(F("like_count"), FloatField())
    flags = Cast(F("flag_count"), FloatField())
    n = likes + flags
    z2 = Value(z * z)
    bound = (likes + z2 / Value(2.0) - Value(z) * Sqrt(likes * flags / n + z2 / Value(4.0))) / (
        n + z2
    )
    return Case(
        When(Q(like_count=0) & Q(flag_count=0), then=Value(0.0)),
        default=ExpressionWrapper(bound, output_field=FloatField()),
        output_field=FloatField(),
    )


def _visible_statuses(actor: Any, channel: Any) -> list[str]:
    if can_moderate(actor, channel):
        return [ContentStatus.VISIBLE, ContentStatus.HIDDEN]
    return [ContentStatus.VISIBLE]


def post_list_for(*, actor: Any, channel: Any) -> QuerySet[Post]:
    """The channel's posts, pinned first then newest (caller loaded the channel through
    `channel_get_for`); a private channel's posts only for its members."""
    if not can_read_channel(actor, channel):
        raise NotFound()
    return (
        Post.objects.filter(channel=channel, status__in=_visible_statuses(actor, channel))
        .select_related("author", "channel")
        .prefetch_related("images")
        .order_by("-is_pinned", "-created_at", "-id")
    )


def post_get_for(*, actor: Any, post_id: Any) -> Post:
    post = (
        Post.objects.filter(pk=post_id)
        .exclude(status=ContentStatus.DELETED)
        .select_related("channel", "author")
        .first()
    )
    if post is None or not can_read_channel(actor, post.channel):
        raise NotFound()
    if post.status == ContentStatus.HIDDEN and not (
        can_moderate(actor, post.channel) or (_authenticated(actor) and post.author_id == actor.pk)
    ):
        raise NotFound()
    return post


def comment_get_for(*, actor: Any, comment_id: Any) -> Comment:
    comment = (
        Comment.objects.filter(pk=comment_id)
        .exclude(status=ContentStatus.DELETED)
        .select_related("post__channel", "author")
        .first()
    )
    if comment is None:
        raise NotFound()
    post = post_get_for(actor=actor, post_id=comment.post_id)
    comment.post = post
    if comment.status == ContentStatus.HIDDEN and not (
        can_moderate(actor, post.channel)
        or (_authenticated(actor) and comment.author_id == actor.pk)
    ):
        raise NotFound()
    return comment


@dataclass
class ThreadPage:
    """A page of top-level comments, each followed by its replies in thread order."""

    comments: list[Comment] = field(default_factory=list)  # flat, thread order, with .depth
    roots: list[Comment] = field(default_factory=list)
    total_roots: int = 0


def _sibling_key(sort: str) -> Any:
    if sort == CommentSort.NEWEST:
        return lambda c: (-c.created_at.timestamp(), -c.pk)
    if sort == CommentSort.OLDEST:
        return lambda c: (c.created_at.timestamp(), c.pk)
    return lambda c: (-wilson_lower_bound(c.like_count, c.flag_count), c.pk)


def root_comments_for(*, actor: Any, post: Post, sort: str = CommentSort.BEST) -> QuerySet[Comment]:
    """The post's top-level comments in `sort` order (caller loaded the post through
    `post_get_for`)."""
    roots = Comment.objects.filter(
        post=post, parent__isnull=True, status__in=_visible_statuses(actor, post.channel)
    ).select_related("author")
    if sort == CommentSort.NEWEST:
        return roots.order_by("-created_at", "-id")
    if sort == CommentSort.OLDEST:
        return roots.order_by("created_at", "id")
    return roots.annotate(best=wilson_expression()).order_by("-best", "id")


def thread_for(*, actor: Any, post: Post, roots: Sequence[Comment], sort: str) -> list[Comment]:
    """`roots` and all their replies (one query), flattened in thread order: each comment
    is followed by its replies, siblings in `sort` order. A hidden or deleted comment's
    replies are left out with it (readers cannot reach them)."""
    if not roots:
        return []
    statuses = _visible_statuses(actor, post.channel)
    replies = list(
        Comment.objects.filter(root_id__in=[r.pk for r in roots], parent__isnull=False)
        .select_related("author")
        .order_by("path")
    )
    children: dict[int, list[Comment]] = {}
    for reply in replies:
        children.setdefault(reply.parent_id or 0, []).append(reply)
    key = _sibling_key(sort)
    out: list[Comment] = []
    stack = list(reversed(list(roots)))
    while stack:
        comment = stack.pop()
        out.append(comment)
        kids = [c for c in children.get(comment.pk, []) if c.status in statuses]
        kids.sort(key=key)
        stack.extend(reversed(kids))
    return out


def liked_post_ids(*, actor: Any, post_ids: Sequence[Any]) -> set[Any]:
    if not _authenticated(actor) or not post_ids:
        return set()
    return set(
        PostLike.objects.filter(user=actor, post_id__in=list(post_ids)).values_list(
            "post_id", flat=True
        )
    )


def liked_comment_ids(*, actor: Any, comment_ids: Sequence[int]) -> set[int]:
    """Which of `comment_ids` (the comments shown on one page: its threads' roots and
    replies, never the whole post) `actor` liked: one query on the like table's
    (comment, user) unique index, none for anonymous readers or an empty page."""
    if not _authenticated(actor) or not comment_ids:
        return set()
    return set(
        CommentLike.objects.filter(comment_id__in=sorted(set(comment_ids)), user=actor)
        .order_by()
        .values_list("comment_id", flat=True)
    )


def image_get_for(*, actor: Any, image_id: Any) -> PostImage:
    """A post's picture, for whoever may read the post (404 otherwise)."""
    image = PostImage.objects.filter(pk=image_id).select_related("file").first()
    if image is None or image.file.is_deleted:
        raise NotFound()
    post_get_for(actor=actor, post_id=image.post_id)
    return image
