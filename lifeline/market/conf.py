"""Market settings, read at call time so tests can override them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings


def fee_percent() -> Decimal:
    """The platform's fee, in percent of each order's subtotal."""
    return Decimal(str(getattr(settings, "MARKET_FEE_PERCENT", "5.00")))


def currency() -> str:
    return str(getattr(settings, "MARKET_CURRENCY", "UZS"))


def trusted_seller_approvals() -> int:
    """A seller with this many moderator-approved products and no rejection is in good
    standing: their products go live without review."""
    return int(getattr(settings, "MARKET_TRUSTED_SELLER_APPROVALS", 3))
