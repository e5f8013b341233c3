from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_REVIEW = "pending_review", _("Pending review")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    SOLD_OUT = "sold_out", _("Sold out")
    ARCHIVED = "archived", _("Archived")


class Condition(models.TextChoices):
    NEW = "new", _("New")
    USED = "used", _("Used")
    REFURBISHED = "refurbished", _("Refurbished")


class OrderStatus(models.TextChoices):
    NEW = "new", _("New")
    CONFIRMED = "confirmed", _("Confirmed")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses a buyer can find in the catalogue and put in a cart.
LISTED_STATUSES = frozenset({ProductStatus.ACTIVE, ProductStatus.SOLD_OUT})
# Statuses whose product page anyone may open.
PUBLIC_STATUSES = frozenset({ProductStatus.ACTIVE, ProductStatus.SOLD_OUT, ProductStatus.PAUSED})
