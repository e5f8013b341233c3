"""Settings of the freelance module, with defaults (override in Django settings)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings


def auto_complete_days() -> int:
    """Days after a delivery before the order completes itself (the buyer did not answer)."""
    return int(getattr(settings, "FREELANCE_AUTO_COMPLETE_DAYS", 3))


def reminder_before_hours() -> int:
    """Hours before auto-completion when the buyer is reminded."""
    return int(getattr(settings, "FREELANCE_REMINDER_BEFORE_HOURS", 24))


def late_cancel_grace_hours() -> int:
    """Hours past an order's due time before its buyer may cancel it alone (the seller is late)."""
    return int(getattr(settings, "FREELANCE_LATE_CANCEL_GRACE_HOURS", 24))


def platform_fee_percent() -> Decimal:
    """The platform's share of an order's amount, in percent (Fiverr: 20)."""
    return Decimal(str(getattr(settings, "FREELANCE_PLATFORM_FEE_PERCENT", "20")))


def clearance_days() -> int:
    """Days after completion before the seller's earnings of an order are cleared."""
    return int(getattr(settings, "FREELANCE_CLEARANCE_DAYS", 14))


def offer_expiry_days() -> int:
    """Days a custom offer stays open for the buyer."""
    return int(getattr(settings, "FREELANCE_OFFER_EXPIRY_DAYS", 7))


def review_window_days() -> int:
    """Days after completion during which the buyer may review the order."""
    return int(getattr(settings, "FREELANCE_REVIEW_WINDOW_DAYS", 30))
