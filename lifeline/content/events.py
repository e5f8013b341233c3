"""Realtime events of the content module and who receives them.

Readers of a post page listen on the post's group (`content.post.<uuid>`); a new comment,
or one hidden, removed or restored by a moderator, is announced there with ids only, and
the page refetches its thread (which applies the reader's scope).
"""

from __future__ import annotations

from uuid import UUID

from lifeline.content.models import Comment, Post
from lifeline.realtime import groups
from lifeline.realtime.events import Event, publish_on_commit

COMMENT_KINDS = frozenset({"created", "hidden", "restored", "removed"})


def comment_event(comment: Comment, kind: str) -> Event:
    if kind not in COMMENT_KINDS:
        raise ValueError(kind)
    return Event(
        type=f"content.comment_{kind}",
        data={
            "post_id": str(comment.post_id),
            "comment_id": comment.pk,
            "parent_id": comment.parent_id,
        },
    )


def post_group(post: Post | Comment) -> str:
    post_id = post.post_id if isinstance(post, Comment) else post.pk
    return groups.subject("content", "post", post_id)


def channel_group(channel_id: UUID | str) -> str:
    return groups.subject("content", "channel", channel_id)


def publish_post_created(post: Post) -> None:
    """Readers of the channel page refetch its post list (ids only in the event)."""
    publish_on_commit(
        Event(
            type="content.post_created",
            data={"channel_id": str(post.channel_id), "post_id": str(post.pk)},
        ),
        groups=[channel_group(post.channel_id)],
    )
