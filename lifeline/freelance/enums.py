"""Statuses and kinds of the freelance module."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class GigStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")


class PackageTier(models.TextChoices):
    BASIC = "basic", _("Basic")
    STANDARD = "standard", _("Standard")
    PREMIUM = "premium", _("Premium")


TIERS: tuple[str, ...] = (PackageTier.BASIC, PackageTier.STANDARD, PackageTier.PREMIUM)


class OrderStatus(models.TextChoices):
    AWAITING_REQUIREMENTS = "awaiting_requirements", _("Awaiting requirements")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ORDER_STATUSES = frozenset(
    {OrderStatus.AWAITING_REQUIREMENTS, OrderStatus.IN_PROGRESS, OrderStatus.DELIVERED}
)


class OrderEventKind(models.TextChoices):
    PLACED = "placed", _("Order placed")
    REQUIREMENTS = "requirements", _("Requirements submitted")
    DELIVERED = "delivered", _("Delivered")
    REVISION = "revision", _("Revision requested")
    COMPLETED = "completed", _("Completed")
    AUTO_COMPLETED = "auto_completed", _("Completed automatically")
    CANCEL_REQUESTED = "cancel_requested", _("Cancellation proposed")
    CANCEL_WITHDRAWN = "cancel_withdrawn", _("Cancellation withdrawn")
    CANCELLED = "cancelled", _("Cancelled")
    REMINDER = "reminder", _("Auto-completion reminder sent")
