"""Rebuild the denormalised counters from the rows they count (after a restore from
backup, a manual fix, or to check them): likes, comments, members and flag scores."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from lifeline.content.enums import ContentStatus, FlagStatus, MembershipStatus
from lifeline.content.models import (
    Channel,
    ChannelMembership,
    Comment,
    CommentLike,
    Flag,
    Post,
    PostLike,
)


def _count(queryset: object) -> Coalesce:
    return Coalesce(Subquery(queryset, output_field=IntegerField()), Value(0))  # type: ignore[arg-type]


@transaction.atomic
def counters_rebuild() -> dict[str, int]:
    """Recompute every counter in the database (one UPDATE per counter kind). Returns how
    many rows of each model were updated."""
    post_likes = (
        PostLike.objects.filter(post=OuterRef("pk"))
        .values("post")
        .annotate(n=Count("id"))
        .values("n")
    )
    post_comments = (
        Comment.objects.filter(post=OuterRef("pk"))
        .exclude(status=ContentStatus.DELETED)
        .values("post")
        .annotate(n=Count("id"))
        .values("n")
    )
    post_flags = (
        Flag.objects.filter(post=OuterRef("pk"), status=FlagStatus.OPEN)
        .values("post")
        .annotate(n=Sum("weight"))
        .values("n")
    )
    posts = Post.objects.update(
        like_count=_count(post_likes),
        comment_count=_count(post_comments),
        flag_score=_count(post_flags),
    )
    comment_likes = (
        CommentLike.objects.filter(comment=OuterRef("pk"))
        .values("comment")
        .annotate(n=Count("id"))
        .values("n")
    )
    comment_flags = (
        Flag.objects.filter(comment=OuterRef("pk"), status=FlagStatus.OPEN)
        .values("comment")
        .annotate(n=Sum("weight"))
        .values("n")
    )
    comment_flaggers = (
        Flag.objects.filter(comment=OuterRef("pk"))
        .values("comment")
        .annotate(n=Count("id"))
        .values("n")
    )
    comments = Comment.objects.update(
        like_count=_count(comment_likes),
        flag_score=_count(comment_flags),
        flag_count=_count(comment_flaggers),
    )
    members = (
        ChannelMembership.objects.filter(channel=OuterRef("pk"), status=MembershipStatus.ACTIVE)
        .values("channel")
        .annotate(n=Count("id"))
        .values("n")
    )
    channels = Channel.objects.update(member_count=_count(members))
    return {"posts": posts, "comments": comments, "channels": channels}
