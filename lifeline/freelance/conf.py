"""Settings of the freelance module, with defaults (override in Django settings)."""

from __future__ import annotations

from django.conf import settings


def auto_complete_days() -> int:
    """Days after a delivery before the order completes itself (the buyer did not answer)."""
    return int(getattr(settings, "FREELANCE_AUTO_COMPLETE_DAYS", 3))


def reminder_before_hours() -> int:
    """Hours before auto-completion when the buyer is reminded."""
    return int(getattr(settings, "FREELANCE_REMINDER_BEFORE_HOURS", 24))
