"""Writes of posts: create, edit, pin, soft delete, moderation (hide/restore) and likes.

Counters change in the database (F expressions), never read-modify-write, so concurrent
likes leave them exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from lifeline.audit.services import record
from lifeline.content import events
from lifeline.content.enums import ContentStatus, FlagStatus
from lifeline.content.exceptions import (
    ContentForbidden,
    EmptyBody,
    InvalidTransition,
    LinksNotAllowed,
    MemberMuted,
    NotAMember,
)
from lifeline.content.models import Channel, Flag, Post, PostLike
from lifeline.content.permissions import (
    active_role,
    can_delete_post,
    can_edit_post,
    can_moderate,
    can_post,
)
from lifeline.content.richtext import has_links, plain_text, sanitize
from lifeline.content.services import media, notices
from lifeline.content.trust import trust_of


def clean_body(body: str, *, actor: Any, channel: Channel, field: str = "body") -> str:
    """The sanitised body; refused when empty, or with links from a member below trust 1."""
    safe = sanitize(body)
    if not plain_text(safe):
        raise EmptyBody(errors={field: ["The text is empty once unsafe markup is removed."]})
    if has_links(safe) and not trust_of(actor, channel).may_link:
        raise LinksNotAllowed(
            errors={field: ["Links unlock at trust level 1: read a few more posts first."]}
        )
    return safe


def check_can_write(actor: Any, channel: Channel) -> None:
    if can_post(actor, channel):
        return
    if active_role(actor, channel) is not None and channel.deleted_at is None:
        raise MemberMuted()
    raise NotAMember()


def post_create(
    *,
    actor: Any,
    channel: Channel,
    title: str,
    body: str,
    images: Sequence[File] = (),
) -> Post:
    """A post with up to `MAX_IMAGES` images (trust level 2); members watching the channel and
    the @mentioned are notified in the same transaction."""
    check_can_write(actor, channel)
    safe = clean_body(body, actor=actor, channel=channel)
    media.check_images(actor=actor, channel=channel, images=images)
    stored = media.store_uploads(actor=actor, channel=channel, images=images)
    try:
        with transaction.atomic():
            post = Post.objects.create(
                channel=channel, author=actor, title=title.strip(), body=safe
            )
            media.attach_images(post=post, stored=stored)
            record(
                actor=actor,
                action="content.post_created",
                target=post,
                organization=channel.organization,
            )
            notices.post_created(post)
    except BaseException:
        media.discard_uploads(actor=actor, stored=stored)
        raise
    events.publish_post_created(post)
    return post


@transaction.atomic
def post_update(
    *, actor: Any, post: Post, title: str | None = None, body: str | None = None
) -> Post:
    if not can_edit_post(actor, post):
        raise ContentForbidden()
    fields = ["edited_at", "updated_at"]
    if title is not None:
        post.title = title.strip()
        fields.append("title")
    if body is not None:
        post.body = clean_body(body, actor=actor, channel=post.channel)
        fields.append("body")
    post.edited_at = timezone.now()
    post.save(update_fields=fields)
    record(
        actor=actor,
        action="content.post_updated",
        target=post,
        organization=post.channel.organization,
    )
    return post


def _resolve_flags(*, actor: Any, post: Post, status: str) -> None:
    Flag.objects.filter(post=post, status=FlagStatus.OPEN).update(
        status=status, resolved_by=actor, resolved_at=timezone.now()
    )


@transaction.atomic
def post_delete(*, actor: Any, post: Post) -> Post:
    """Soft delete by the author or a moderator (then its open flags are upheld)."""
    if not can_delete_post(actor, post):
        raise ContentForbidden()
    before = post.status
    post.status = ContentStatus.DELETED
    post.save(update_fields=["status", "updated_at"])
    _resolve_flags(actor=actor, post=post, status=FlagStatus.UPHELD)
    record(
        actor=actor,
        action="content.post_deleted",
        target=post,
        organization=post.channel.organization,
        before={"status": before},
        after={"status": ContentStatus.DELETED},
        metadata={"by_author": post.author_id == actor.pk},
    )
    return post


@transaction.atomic
def post_hide(*, actor: Any, post: Post) -> Post:
    if not can_moderate(actor, post.channel):
        raise ContentForbidden()
    if post.status != ContentStatus.VISIBLE:
        raise InvalidTransition()
    post.status = ContentStatus.HIDDEN
    post.save(update_fields=["status", "updated_at"])
    record(
        actor=actor,
        action="content.post_hidden",
        target=post,
        organization=post.channel.organization,
    )
    return post


@transaction.atomic
def post_restore(*, actor: Any, post: Post) -> Post:
    """Make a hidden post visible again; its open flags are dismissed and its score reset."""
    if not can_moderate(actor, post.channel):
        raise ContentForbidden()
    if post.status != ContentStatus.HIDDEN:
        raise InvalidTransition()
    post.status = ContentStatus.VISIBLE
    post.flag_score = 0
    post.save(update_fields=["status", "flag_score", "updated_at"])
    _resolve_flags(actor=actor, post=post, status=FlagStatus.DISMISSED)
    record(
        actor=actor,
        action="content.post_restored",
        target=post,
        organization=post.channel.organization,
    )
    return post


@transaction.atomic
def post_pin(*, actor: Any, post: Post, pinned: bool) -> Post:
    if not can_moderate(actor, post.channel):
        raise ContentForbidden()
    post.is_pinned = pinned
    post.save(update_fields=["is_pinned", "updated_at"])
    record(
        actor=actor,
        action="content.post_pinned" if pinned else "content.post_unpinned",
        target=post,
        organization=post.channel.organization,
    )
    return post


def post_like(*, actor: Any, post: Post) -> bool:
    """Like `post` (idempotent). Returns whether a new like was stored."""
    check_can_write(actor, post.channel)
    try:
        with transaction.atomic():
            PostLike.objects.create(post=post, user=actor)
            Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)
    except IntegrityError:
        return False  # liked already (perhaps by a concurrent request of the same user)
    return True


@transaction.atomic
def post_unlike(*, actor: Any, post: Post) -> bool:
    """Take back a like (idempotent). Returns whether a like was removed."""
    deleted, _ = PostLike.objects.filter(post=post, user=actor).delete()
    if deleted:
        Post.objects.filter(pk=post.pk).update(like_count=F("like_count") - 1)
    return bool(deleted)
