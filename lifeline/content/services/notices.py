"""Who hears of a new post or comment, through the shared `notify_many` (preferences, quiet
hours, push and e-mail queues in the database), inside the writer's transaction.

Per channel, each member chooses a level (`NotificationLevel`):
- muted: nothing from the channel, not even mentions;
- normal (default): replies to their posts and comments, and `@handle` mentions;
- tracking: the same notifications as normal (the level changes only what the channel's
  unread count counts: `selectors.channels.unread_expression`);
- watching: also every new post and comment.

Each recipient gets at most one notification per post or comment, the most specific one
(mention > reply > watching). Only people who may read the channel are told (for a private
channel: active members), never the writer. At most `CONTENT_MAX_MENTIONS` handles count.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from lifeline.content import conf
from lifeline.content.enums import MembershipStatus, NotificationLevel
from lifeline.content.models import Channel, ChannelMembership, Comment, Post
from lifeline.content.richtext import plain_text
from lifeline.notifications.services import notify_many

TOPIC_POST = "content.post_created"
TOPIC_REPLY = "content.reply"
TOPIC_MENTION = "content.mention"

# `@handle` not preceded by a word character (so e-mail addresses are not mentions).
MENTION = re.compile(r"(?<![\w@])@([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)", re.IGNORECASE)


def mentioned_handles(html: str) -> list[str]:
    """The distinct handles mentioned in a (sanitised) body, in order, at most the limit."""
    seen: list[str] = []
    for match in MENTION.finditer(plain_text(html)):
        handle = match.group(1).lower()
        if handle not in seen:
            seen.append(handle)
        if len(seen) >= conf.max_mentions():
            break
    return seen


def _send(
    *,
    channel: Channel,
    post: Post,
    writer: Any,
    body: str,
    reply_to: Any | None,
    comment: Comment | None,
) -> None:
    handles = mentioned_handles(body)
    rows = ChannelMembership.objects.filter(channel=channel).select_related("user")
    # One query: the mentioned, the watchers and the person replied to (if a member).
    wanted = Q(handle__in=handles) | Q(notification_level=NotificationLevel.WATCHING)
    if reply_to is not None:
        wanted |= Q(user_id=reply_to)
    topic_of: dict[Any, tuple[str, Any]] = {}
    members: dict[Any, ChannelMembership] = {}
    for row in rows.filter(wanted).exclude(user_id=writer.pk):
        members[row.user_id] = row
    for user_id, row in members.items():
        if row.status != MembershipStatus.ACTIVE and channel.is_private:
            continue
        if row.notification_level == NotificationLevel.MUTED or not row.user.is_active:
            continue
        if row.status == MembershipStatus.ACTIVE and row.handle in handles:
            topic_of[user_id] = (TOPIC_MENTION, row.user)
        elif reply_to is not None and user_id == reply_to:
            topic_of[user_id] = (TOPIC_REPLY, row.user)
        elif (
            row.status == MembershipStatus.ACTIVE
            and row.notification_level == NotificationLevel.WATCHING
        ):
            topic_of[user_id] = (TOPIC_POST if comment is None else TOPIC_REPLY, row.user)
    # The person replied to in a public channel hears of it without being a member.
    if (
        reply_to is not None
        and reply_to != writer.pk
        and reply_to not in members
        and not channel.is_private
    ):
        user = get_user_model().objects.filter(pk=reply_to).first()
        if user is not None and user.is_active:
            topic_of[reply_to] = (TOPIC_REPLY, user)
    context = {
        "post_id": str(post.pk),
        "post_title": post.title,
        "channel_name": channel.name,
        "author": writer.display_name,
    }
    if comment is not None:
        context["comment_id"] = comment.pk
    by_topic: dict[str, list[Any]] = {}
    for topic, user in topic_of.values():
        by_topic.setdefault(topic, []).append(user)
    for topic in (TOPIC_MENTION, TOPIC_REPLY, TOPIC_POST):
        users = by_topic.get(topic, [])
        if users:
            notify_many(users, topic, [context] * len(users))


def post_created(post: Post) -> None:
    _send(
        channel=post.channel,
        post=post,
        writer=post.author,
        body=post.body,
        reply_to=None,
        comment=None,
    )


def comment_created(comment: Comment) -> None:
    post = comment.post
    reply_to = comment.parent.author_id if comment.parent is not None else post.author_id
    _send(
        channel=post.channel,
        post=post,
        writer=comment.author,
        body=comment.body,
        reply_to=reply_to,
        comment=comment,
    )
