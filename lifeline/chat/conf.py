"""Settings of the messenger (defaults and env variables in config/settings.py)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def edit_window() -> timedelta:
    """How long after sending a message its author may edit or delete it."""
    return timedelta(seconds=int(settings.LIFELINE_CHAT_EDIT_WINDOW_SECONDS))


def max_text_length() -> int:
    return int(settings.LIFELINE_CHAT_MAX_TEXT_LENGTH)


def max_attachment_bytes() -> int:
    return int(settings.LIFELINE_CHAT_MAX_ATTACHMENT_BYTES)


def max_voice_bytes() -> int:
    return int(settings.LIFELINE_CHAT_MAX_VOICE_BYTES)


def max_voice_seconds() -> int:
    return int(settings.LIFELINE_CHAT_MAX_VOICE_SECONDS)


def default_reply_target_minutes() -> int:
    """The reply-time target a new conversation gets (doctors may change it per conversation)."""
    return int(settings.LIFELINE_CHAT_REPLY_TARGET_MINUTES)


def retention_days() -> int:
    """Messages older than this are erased by the `chat.purge_expired` sweep; 0 keeps them."""
    return int(settings.LIFELINE_CHAT_RETENTION_DAYS)
