"""Trust levels from activity (Discourse's TL0–TL2, reduced): what a member may put in a post.

- 0 new member: text only (no links, no images);
- 1 basic: links, after reading `CONTENT_TRUST_BASIC_POSTS_READ` posts for
  `CONTENT_TRUST_BASIC_READ_MINUTES` minutes;
- 2 member: links and images, after reading `CONTENT_TRUST_MEMBER_POSTS_READ` posts for
  `CONTENT_TRUST_MEMBER_READ_MINUTES` minutes, writing
  `CONTENT_TRUST_MEMBER_WRITTEN` visible posts or comments and receiving
  `CONTENT_TRUST_MEMBER_LIKES_RECEIVED` likes.

Posts read are counted by the view counter (once per post and de-duplication window); reading
time by the thread page's reports of the seconds it was visible (`ReadingDay`, summed over all
channels). A channel's staff and the site moderators of a channel have level 2 in it.
Computed when asked (four small aggregate queries), never stored, so it cannot go stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Sum

from lifeline.content import conf
from lifeline.content.enums import ChannelRole, ContentStatus, TrustLevel
from lifeline.content.models import Channel, Comment, Post, Reader, ReadingDay
from lifeline.content.permissions import active_role, is_site_moderator, rank


@dataclass(frozen=True)
class Trust:
    level: int
    posts_read: int
    written: int
    likes_received: int
    read_minutes: int = 0

    @property
    def may_link(self) -> bool:
        return self.level >= TrustLevel.BASIC

    @property
    def may_post_images(self) -> bool:
        return self.level >= TrustLevel.MEMBER


def _level(posts_read: int, read_minutes: int, written: int, likes_received: int) -> int:
    if (
        posts_read >= conf.trust_member_posts_read()
        and read_minutes >= conf.trust_member_read_minutes()
        and written >= conf.trust_member_written()
        and likes_received >= conf.trust_member_likes_received()
    ):
        return TrustLevel.MEMBER
    if (
        posts_read >= conf.trust_basic_posts_read()
        and read_minutes >= conf.trust_basic_read_minutes()
    ):
        return TrustLevel.BASIC
    return TrustLevel.NEW


def trust_of(user: Any, channel: Channel | None = None) -> Trust:
    """`user`'s trust (in `channel`, where its staff have the top level)."""
    if not getattr(user, "is_authenticated", False):
        return Trust(level=TrustLevel.NEW, posts_read=0, written=0, likes_received=0)
    posts_read = Reader.objects.filter(user=user).values_list("posts_read", flat=True).first() or 0
    read_seconds = ReadingDay.objects.filter(user=user).aggregate(s=Sum("seconds"))["s"] or 0
    read_minutes = read_seconds // 60
    posts = Post.objects.filter(author=user, status=ContentStatus.VISIBLE).aggregate(
        n=Count("id"), likes=Sum("like_count")
    )
    comments = Comment.objects.filter(author=user, status=ContentStatus.VISIBLE).aggregate(
        n=Count("id"), likes=Sum("like_count")
    )
    written = (posts["n"] or 0) + (comments["n"] or 0)
    likes = (posts["likes"] or 0) + (comments["likes"] or 0)
    level = _level(posts_read, read_minutes, written, likes)
    if channel is not None and (
        rank(active_role(user, channel)) >= rank(ChannelRole.MODERATOR)
        or is_site_moderator(user, channel)
    ):
        level = TrustLevel.MEMBER
    return Trust(
        level=level,
        posts_read=posts_read,
        read_minutes=read_minutes,
        written=written,
        likes_received=likes,
    )
