"""Seller levels, as buyers know them from Fiverr: earned by completed orders at a good
rating, computed from the seller's gigs (their completed orders and exact rating totals), so
a level can never drift from the orders and reviews it stands for.

| level      | completed orders | average rating |
|------------|------------------|----------------|
| top_rated  | ≥ 100            | ≥ 4.7          |
| level_two  | ≥ 25             | ≥ 4.6          |
| level_one  | ≥ 5              | ≥ 4.4          |
| new        | otherwise        |                |
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Case, F, Q, Sum, Value, When
from django.utils.translation import gettext_lazy as _


class SellerLevel(models.TextChoices):
    NEW = "new", _("New seller")
    LEVEL_ONE = "level_one", _("Level 1")
    LEVEL_TWO = "level_two", _("Level 2")
    TOP_RATED = "top_rated", _("Top rated")


# Highest first: the first rule a seller meets is their level.
RULES: tuple[tuple[str, int, Decimal], ...] = (
    (SellerLevel.TOP_RATED, 100, Decimal("4.7")),
    (SellerLevel.LEVEL_TWO, 25, Decimal("4.6")),
    (SellerLevel.LEVEL_ONE, 5, Decimal("4.4")),
)


def seller_level(*, orders_completed: int, rating_sum: int, reviews_count: int) -> str:
    for level, orders, rating in RULES:
        if (
            orders_completed >= orders
            and reviews_count > 0
            and rating_sum >= reviews_count * rating
        ):
            return level
    return SellerLevel.NEW


def seller_totals() -> dict[str, Any]:
    """Aggregates over a seller's gigs (for a query grouped by `seller_id`)."""
    return {
        "level_orders": Sum("orders_completed"),
        "level_rating_sum": Sum("rating_sum"),
        "level_reviews": Sum("reviews_count"),
    }


def seller_level_case() -> Case:
    """`seller_level` as SQL over the `seller_totals` aggregates."""
    return Case(
        *[
            When(
                Q(level_orders__gte=orders, level_reviews__gt=0)
                & Q(level_rating_sum__gte=F("level_reviews") * rating),
                then=Value(str(level)),
            )
            for level, orders, rating in RULES
        ],
        default=Value(str(SellerLevel.NEW)),
        output_field=models.CharField(),
    )
