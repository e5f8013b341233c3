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
