"""Settings of the messenger, each with an embedded default (override in config/settings.py)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def _int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def edit_window() -> timedelta:
    """How long after sending a message its author may edit or delete it."""
    return timedelta(seconds=_int("LIFELINE_CHAT_EDIT_WINDOW_SECONDS", 15 * 60))


def max_text_length() -> int:
    return _int("LIFELINE_CHAT_MAX_TEXT_LENGTH", 4000)


def max_attachment_bytes() -> int:
    return _int("LIFELINE_CHAT_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)


def max_voice_bytes() -> int:
    return _int("LIFELINE_CHAT_MAX_VOICE_BYTES", 3 * 1024 * 1024)


def max_voice_seconds() -> int:
    return _int("LIFELINE_CHAT_MAX_VOICE_SECONDS", 180)


def default_reply_target_minutes() -> int:
    """The reply-time target a new conversation gets (doctors may change it per conversation)."""
    return _int("LIFELINE_CHAT_REPLY_TARGET_MINUTES", 24 * 60)


def retention_days() -> int:
    """Messages older than this are erased by the `chat.purge_expired` sweep; 0 keeps them."""
    return _int("LIFELINE_CHAT_RETENTION_DAYS", 0)
