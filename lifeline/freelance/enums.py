"""Statuses and kinds of the freelance module."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class GigStatus(models.TextChoices):
    # Contexts on words other catalogues translate for other nouns (Django merges all
    # catalogues into one, the first to have a bare word wins everywhere).
    DRAFT = "draft", _("Draft")
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    ACTIVE = "active", pgettext_lazy("gig status", "Active")
    PAUSED = "paused", _("Paused")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", pgettext_lazy("gig status", "Archived")


class PackageTier(models.TextChoices):
    BASIC = "basic", _("Basic")
    STANDARD = "standard", _("Standard")
    PREMIUM = "premium", _("Premium")


TIERS: tuple[str, ...] = (PackageTier.BASIC, PackageTier.STANDARD, PackageTier.PREMIUM)


class OrderTier(models.TextChoices):
    """What an order bought: one of the gig's packages, or a custom offer."""

    BASIC = "basic", _("Basic")
    STANDARD = "standard", _("Standard")
    PREMIUM = "premium", _("Premium")
    CUSTOM = "custom", _("Custom offer")


class OrderStatus(models.TextChoices):
    AWAITING_REQUIREMENTS = "awaiting_requirements", _("Awaiting requirements")
    IN_PROGRESS = "in_progress", _("In progress")
    # Contexts: «Сдан», «Завершён», «Отменён» agree with «заказ»; the bare words are the
    # analytics' counts and other apps' statuses.
    DELIVERED = "delivered", pgettext_lazy("freelance order", "Delivered")
    COMPLETED = "completed", pgettext_lazy("freelance order", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("freelance order", "Cancelled")
    DISPUTED = "disputed", _("In dispute")


OPEN_ORDER_STATUSES = frozenset(
    {OrderStatus.AWAITING_REQUIREMENTS, OrderStatus.IN_PROGRESS, OrderStatus.DELIVERED}
)
DISPUTABLE_STATUSES = frozenset({OrderStatus.IN_PROGRESS, OrderStatus.DELIVERED})


class OrderEventKind(models.TextChoices):
    PLACED = "placed", _("Order placed")
    REQUIREMENTS = "requirements", _("Requirements submitted")
    DELIVERED = "delivered", pgettext_lazy("freelance order", "Delivered")
    REVISION = "revision", _("Revision requested")
    COMPLETED = "completed", pgettext_lazy("freelance order", "Completed")
    AUTO_COMPLETED = "auto_completed", _("Completed automatically")
    CANCEL_REQUESTED = "cancel_requested", _("Cancellation proposed")
    CANCEL_WITHDRAWN = "cancel_withdrawn", _("Cancellation withdrawn")
    CANCELLED = "cancelled", pgettext_lazy("freelance order", "Cancelled")
    REMINDER = "reminder", _("Auto-completion reminder sent")
    LATE = "late", _("Past the due time")
    CANCELLED_LATE = "cancelled_late", _("Cancelled by the buyer: the seller was late")
    FUNDS_CLEARED = "funds_cleared", _("Seller's earnings cleared")
    DISPUTE_OPENED = "dispute_opened", _("Dispute opened")
    DISPUTE_RESOLVED = "dispute_resolved", _("Dispute resolved")


class LedgerAccount(models.TextChoices):
    """Where an amount sits. Every posting is balanced: its entries sum to zero."""

    BUYER_PAYMENTS = "buyer_payments", _("Paid by the buyer")
    ESCROW = "escrow", _("Held for the order")
    SELLER_PENDING = "seller_pending", _("Seller: pending clearance")
    SELLER_CLEARED = "seller_cleared", _("Seller: available")
    PLATFORM_FEES = "platform_fees", _("Platform fee")
    BUYER_REFUNDS = "buyer_refunds", _("Refunded to the buyer")


class LedgerKind(models.TextChoices):
    """The movement an entry belongs to (one posting of each kind per order at most)."""

    PAYMENT = "payment", pgettext_lazy("freelance", "Payment")
    EARNING = "earning", pgettext_lazy("freelance", "Earning")
    CLEARANCE = "clearance", pgettext_lazy("freelance", "Clearance")
    REFUND = "refund", pgettext_lazy("freelance", "Refund")


class DisputeStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("freelance", "Open")
    RESOLVED = "resolved", pgettext_lazy("freelance", "Resolved")


class DisputeOutcome(models.TextChoices):
    COMPLETE = "complete", _("Completed: the seller is paid")
    CANCEL = "cancel", _("Cancelled: the buyer is refunded")
    PARTIAL = "partial", _("Partial settlement")


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the buyer")
    ACCEPTED = "accepted", pgettext_lazy("freelance", "Accepted")
    DECLINED = "declined", pgettext_lazy("freelance", "Declined")
    EXPIRED = "expired", pgettext_lazy("freelance", "Expired")
    WITHDRAWN = "withdrawn", pgettext_lazy("freelance", "Withdrawn")
