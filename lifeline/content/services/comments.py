"""Writes of comments: create (threaded to any depth), edit, soft delete, moderation and
likes. Every change readers must see is published to the post's group after commit."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from lifeline.audit.services import record
from lifeline.content import events
from lifeline.content.enums import ContentStatus, FlagStatus
from lifeline.content.exceptions import ContentForbidden, InvalidParent, InvalidTransition, NotOpen
from lifeline.content.models import Comment, CommentLike, Flag, Post
from lifeline.content.models.comment import path_segment
from lifeline.content.permissions import can_delete_comment, can_edit_comment, can_moderate
from lifeline.content.services import notices
from lifeline.content.services.posts import check_can_write, clean_body
from lifeline.realtime.events import publish_on_commit


def _publish(comment: Comment, kind: str) -> None:
    publish_on_commit(events.comment_event(comment, kind), groups=[events.post_group(comment)])


@transaction.atomic
def comment_create(*, actor: Any, post: Post, body: str, parent: Comment | None = None) -> Comment:
    """A comment on `post`, or a reply to `parent` (a visible comment of the same post)."""
    check_can_write(actor, post.channel)
    if post.status != ContentStatus.VISIBLE:
        raise NotOpen()
    if parent is not None and (parent.post_id != post.pk or parent.status != ContentStatus.VISIBLE):
        raise InvalidParent(errors={"parent": ["Not a visible comment of this post."]})
    comment = Comment.objects.create(
        post=post,
        author=actor,
        parent=parent,
        root_id=parent.root_id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        body=clean_body(body, actor=actor, channel=post.channel),
    )
    comment.path = (parent.path if parent else "") + path_segment(comment.pk)
    if parent is None:
        comment.root_id = comment.pk
    comment.save(update_fields=["path", "root"])
    Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    notices.comment_created(comment)
    _publish(comment, "created")
    return comment


@transaction.atomic
def comment_update(*, actor: Any, comment: Comment, body: str) -> Comment:
    if not can_edit_comment(actor, comment):
        raise ContentForbidden()
    comment.body = clean_body(body, actor=actor, channel=comment.post.channel)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at", "updated_at"])
    return comment


def _resolve_flags(*, actor: Any, comment: Comment, status: str) -> None:
    Flag.objects.filter(comment=comment, status=FlagStatus.OPEN).update(
        status=status, resolved_by=actor, resolved_at=timezone.now()
    )


@transaction.atomic
def comment_delete(*, actor: Any, comment: Comment) -> Comment:
    """Soft delete by the author or a moderator; its replies go with it from the page."""
    if not can_delete_comment(actor, comment):
        raise ContentForbidden()
    before = comment.status
    comment.status = ContentStatus.DELETED
    comment.save(update_fields=["status", "updated_at"])
    Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") - 1)
    _resolve_flags(actor=actor, comment=comment, status=FlagStatus.UPHELD)
    record(
        actor=actor,
        action="content.comment_deleted",
        target=comment,
        organization=comment.post.channel.organization,
        before={"status": before},
        after={"status": ContentStatus.DELETED},
        metadata={"by_author": comment.author_id == actor.pk},
    )
    _publish(comment, "removed")
    return comment


@transaction.atomic
def comment_hide(*, actor: Any, comment: Comment) -> Comment:
    if not can_moderate(actor, comment.post.channel):
        raise ContentForbidden()
    if comment.status != ContentStatus.VISIBLE:
        raise InvalidTransition()
    comment.status = ContentStatus.HIDDEN
    comment.save(update_fields=["status", "updated_at"])
    record(
        actor=actor,
        action="content.comment_hidden",
        target=comment,
        organization=comment.post.channel.organization,
    )
    _publish(comment, "hidden")
    return comment


@transaction.atomic
def comment_restore(*, actor: Any, comment: Comment) -> Comment:
    if not can_moderate(actor, comment.post.channel):
        raise ContentForbidden()
    if comment.status != ContentStatus.HIDDEN:
        raise InvalidTransition()
    comment.status = ContentStatus.VISIBLE
    comment.flag_score = 0
    comment.save(update_fields=["status", "flag_score", "updated_at"])
    _resolve_flags(actor=actor, comment=comment, status=FlagStatus.DISMISSED)
    record(
        actor=actor,
        action="content.comment_restored",
        target=comment,
        organization=comment.post.channel.organization,
    )
    _publish(comment, "restored")
    return comment


def comment_like(*, actor: Any, comment: Comment) -> bool:
    """Like `comment` (idempotent). Returns whether a new like was stored."""
    check_can_write(actor, comment.post.channel)
    try:
        with transaction.atomic():
            CommentLike.objects.create(comment=comment, user=actor)
            Comment.objects.filter(pk=comment.pk).update(like_count=F("like_count") + 1)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def comment_unlike(*, actor: Any, comment: Comment) -> bool:
    deleted, _ = CommentLike.objects.filter(comment=comment, user=actor).delete()
    if deleted:
        Comment.objects.filter(pk=comment.pk).update(like_count=F("like_count") - 1)
    return bool(deleted)
