"""Content settings, read at call time so tests can override them."""

from __future__ import annotations

from django.conf import settings


def flag_hide_score() -> int:
    """A post or comment is hidden automatically once its open flags weigh this much."""
    return int(getattr(settings, "CONTENT_FLAG_HIDE_SCORE", 3))


def trusted_flag_weight() -> int:
    """The weight of a flag raised by a trusted member (everyone else's flag weighs 1)."""
    return int(getattr(settings, "CONTENT_TRUSTED_FLAG_WEIGHT", 2))


def trusted_likes_received() -> int:
    """Likes received on one's posts and comments that make a member trusted."""
    return int(getattr(settings, "CONTENT_TRUSTED_LIKES_RECEIVED", 10))


def view_window_seconds() -> int:
    """A user (or, signed out, an IP address) adds one view to a post per this window."""
    return int(getattr(settings, "CONTENT_VIEW_WINDOW_SECONDS", 6 * 3600))


def trust_basic_posts_read() -> int:
    """Posts read that make trust level 1 (links allowed)."""
    return int(getattr(settings, "CONTENT_TRUST_BASIC_POSTS_READ", 5))


def trust_member_posts_read() -> int:
    """Posts read needed for trust level 2 (images allowed)."""
    return int(getattr(settings, "CONTENT_TRUST_MEMBER_POSTS_READ", 20))


def trust_member_written() -> int:
    """Visible posts and comments written needed for trust level 2."""
    return int(getattr(settings, "CONTENT_TRUST_MEMBER_WRITTEN", 3))


def trust_member_likes_received() -> int:
    """Likes received needed for trust level 2."""
    return int(getattr(settings, "CONTENT_TRUST_MEMBER_LIKES_RECEIVED", 1))


def max_mentions() -> int:
    """@mentions that notify, per post or comment (the rest are plain text)."""
    return int(getattr(settings, "CONTENT_MAX_MENTIONS", 10))


def trust_basic_read_minutes() -> int:
    """Minutes spent reading (the page visible) needed for trust level 1."""
    return int(getattr(settings, "CONTENT_TRUST_BASIC_READ_MINUTES", 5))


def trust_member_read_minutes() -> int:
    """Minutes spent reading needed for trust level 2."""
    return int(getattr(settings, "CONTENT_TRUST_MEMBER_READ_MINUTES", 30))
