from django.db import models
from django.utils.translation import pgettext_lazy

# Contexts: "Active", "New", "Draft"… are common words other catalogues translate for other
# things ("Активен" for an account); the context keeps the market's own Russian.


class ProductStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("product status", "Draft")
    PENDING_REVIEW = "pending_review", pgettext_lazy("product status", "Pending review")
    ACTIVE = "active", pgettext_lazy("product status", "Active")
    PAUSED = "paused", pgettext_lazy("product status", "Paused")
    SOLD_OUT = "sold_out", pgettext_lazy("product status", "Sold out")
    ARCHIVED = "archived", pgettext_lazy("product status", "Archived")


class Condition(models.TextChoices):
    NEW = "new", pgettext_lazy("condition", "New")
    USED = "used", pgettext_lazy("condition", "Used")
    REFURBISHED = "refurbished", pgettext_lazy("condition", "Refurbished")


class OrderStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("order status", "New")
    CONFIRMED = "confirmed", pgettext_lazy("order status", "Confirmed")
    SHIPPED = "shipped", pgettext_lazy("order status", "Shipped")
    DELIVERED = "delivered", pgettext_lazy("order status", "Delivered")
    CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")


# Statuses a buyer can find in the catalogue and put in a cart.
LISTED_STATUSES = frozenset({ProductStatus.ACTIVE, ProductStatus.SOLD_OUT})
# Statuses whose product page anyone may open.
PUBLIC_STATUSES = frozenset({ProductStatus.ACTIVE, ProductStatus.SOLD_OUT, ProductStatus.PAUSED})
