"""Post views: a counter, not a row per view.

A view counts once per reader and window (`CONTENT_VIEW_WINDOW_SECONDS`, 6 h): signed-in
readers by user id, others by a keyed hash of their IP address (the address itself is never
stored). The de-duplication marks live in the cache (`cache.add` is atomic on Redis and
locmem), the counter in the post row (one F() UPDATE). A signed-in reader's counted view also
adds one to their posts read (trust levels). If the cache is flushed, a reader may be counted
once more in the same window; no view is ever lost in the database.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from lifeline.content import conf
from lifeline.content.models import Post, Reader, ReadingDay

# The thread page reports visible reading time every 30 s; one report counts at most this
# much, and never more than the time since the same user's previous report (plus a little
# slack), so repeated or parallel reports cannot add time that did not pass.
READING_REPORT_MAX_SECONDS = 60
READING_SLACK_SECONDS = 2


def _reader_key(user: Any, ip: str | None) -> str | None:
    if getattr(user, "is_authenticated", False):
        return f"u:{user.pk}"
    if not ip:
        return None
    digest = hmac.new(settings.SECRET_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()
    return f"ip:{digest[:32]}"


def post_view(*, post: Post, user: Any, ip: str | None) -> bool:
    """Count a view of `post` (the caller checked the reader may read it). Returns whether it
    counted (False: the same reader within the window, or no way to tell who it is)."""
    reader = _reader_key(user, ip)
    if reader is None:
        return False
    window = conf.view_window_seconds()
    if not cache.add(f"content:view:{post.pk}:{reader}", 1, timeout=window):
        return False
    Post.objects.filter(pk=post.pk).update(view_count=F("view_count") + 1)
    post.view_count += 1
    if getattr(user, "is_authenticated", False) and post.author_id != user.pk:
        _add_read(user)
    return True


def _add_read(user: Any) -> None:
    if Reader.objects.filter(user=user).update(posts_read=F("posts_read") + 1):
        return
    try:
        with transaction.atomic():
            Reader.objects.create(user=user, posts_read=1)
    except IntegrityError:  # created by a concurrent view of the same reader
        Reader.objects.filter(user=user).update(posts_read=F("posts_read") + 1)


def reading_record(*, post: Post, user: Any, seconds: int) -> int:
    """Add up to `seconds` of reading time to `user`'s day in the post's channel (the caller
    checked the reader may read the post). Returns the seconds counted. One row per user,
    channel and day, moved with F(); the time since the last report lives in the cache."""
    if not getattr(user, "is_authenticated", False):
        return 0
    now = timezone.now()
    key = f"content:reading:{user.pk}"
    last = cache.get(key)
    cache.set(key, now.timestamp(), timeout=READING_REPORT_MAX_SECONDS * 10)
    allowed = (
        READING_REPORT_MAX_SECONDS
        if last is None
        else int(now.timestamp() - float(last)) + READING_SLACK_SECONDS
    )
    counted = max(0, min(int(seconds), READING_REPORT_MAX_SECONDS, allowed))
    if counted == 0:
        return 0
    day = timezone.localdate(now)
    rows = ReadingDay.objects.filter(user=user, channel_id=post.channel_id, day=day)
    if rows.update(seconds=F("seconds") + counted, updated_at=now):
        return counted
    try:
        with transaction.atomic():
            ReadingDay.objects.create(
                user=user, channel_id=post.channel_id, day=day, seconds=counted
            )
    except IntegrityError:  # a concurrent report of the same user created the row
        rows.update(seconds=F("seconds") + counted, updated_at=now)
    return counted
