"""Flags: a member flags a post or comment; once the open flags weigh `flag_hide_score()`
it is hidden automatically until a moderator restores it (flags dismissed) or removes it
(flags upheld). A trusted member's flag weighs `trusted_flag_weight()`: channel staff, and
members whose posts and comments received `trusted_likes_received()` likes."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet, Sum
from django.utils import timezone

from lifeline.audit.services import record
from lifeline.content import conf, events
from lifeline.content.enums import ChannelRole, ContentStatus
from lifeline.content.exceptions import AlreadyFlagged, ContentForbidden, OwnContent
from lifeline.content.models import Channel, Comment, Flag, Post
from lifeline.content.permissions import active_role, can_read_channel, rank
from lifeline.realtime.events import publish_on_commit


def likes_received(user: Any) -> int:
    posts = Post.objects.filter(author=user).aggregate(n=Sum("like_count"))["n"] or 0
    comments = Comment.objects.filter(author=user).aggregate(n=Sum("like_count"))["n"] or 0
    return int(posts) + int(comments)


def is_trusted(user: Any, channel: Channel) -> bool:
    if rank(active_role(user, channel)) >= rank(ChannelRole.MODERATOR):
        return True
    return likes_received(user) >= conf.trusted_likes_received()


def flag_weight(user: Any, channel: Channel) -> int:
    return conf.trusted_flag_weight() if is_trusted(user, channel) else 1


def _rows_of(target: Post | Comment) -> QuerySet[Any]:
    if isinstance(target, Comment):
        return Comment.objects.filter(pk=target.pk)
    return Post.objects.filter(pk=target.pk)


def flag_create(
    *,
    actor: Any,
    reason: str,
    note: str = "",
    post: Post | None = None,
    comment: Comment | None = None,
) -> Flag:
    """Flag a post or a comment the actor can read (not their own; once each)."""
    if (post is None) == (comment is None):
        raise ValueError("flag exactly one of post and comment")
    target: Post | Comment = post if post is not None else comment  # type: ignore[assignment]
    channel = post.channel if post is not None else comment.post.channel  # type: ignore[union-attr]
    if not getattr(actor, "is_authenticated", False) or not can_read_channel(actor, channel):
        raise ContentForbidden()
    if target.author_id == actor.pk:
        raise OwnContent()
    weight = flag_weight(actor, channel)
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                channel=channel,
                post=post,
                comment=comment,
                reporter=actor,
                reason=reason,
                note=note.strip(),
                weight=weight,
            )
            rows = _rows_of(target)
            counters: dict[str, Any] = {"flag_score": F("flag_score") + weight}
            if isinstance(target, Comment):
                counters["flag_count"] = F("flag_count") + 1
            rows.update(**counters)
            # Hidden in the same statement that checks the score, so two concurrent flags
            # cannot both miss (or both pass) the threshold.
            hidden = rows.filter(
                status=ContentStatus.VISIBLE, flag_score__gte=conf.flag_hide_score()
            ).update(status=ContentStatus.HIDDEN, updated_at=timezone.now())
            record(
                actor=actor,
                action="content.flag_raised",
                target=target,
                organization=channel.organization,
                metadata={"reason": reason, "weight": weight},
            )
            if hidden:
                record(
                    actor=None,
                    action=f"content.{type(target).__name__.lower()}_auto_hidden",
                    target=target,
                    organization=channel.organization,
                )
                if isinstance(target, Comment):
                    publish_on_commit(
                        events.comment_event(target, "hidden"), groups=[events.post_group(target)]
                    )
    except IntegrityError:
        raise AlreadyFlagged() from None
    return flag
