"""Reviews of completed orders by their buyers."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lifeline.accounts.models import User
from lifeline.audit.services import record
from lifeline.freelance import conf
from lifeline.freelance.enums import (
    OrderStatus,
)
from lifeline.freelance.exceptions import (
    AlreadyReviewed,
    ReviewWindowClosed,
)
from lifeline.freelance.models import (
    Gig,
    Order,
    Review,
)
from lifeline.freelance.services.orders import _expect, _locked_order, _party


# --- reviews --------------------------------------------------------------------------------
@transaction.atomic
def review_create(*, actor: User, order: Order, rating: int, comment: str = "") -> Review:
    """One review per completed order, by its buyer; the gig's sum and count move together."""
    order = _locked_order(order)
    _party(actor, order, "buyer")
    _expect(order, OrderStatus.COMPLETED)
    if Review.objects.filter(order=order).exists():
        raise AlreadyReviewed()
    if not can_review_now(order):
        raise ReviewWindowClosed()
    review = Review.objects.create(
        order=order, gig_id=order.gig_id, buyer=actor, rating=rating, comment=comment
    )
    Gig.objects.filter(pk=order.gig_id).update(
        rating_sum=F("rating_sum") + rating, reviews_count=F("reviews_count") + 1
    )
    record(
        actor=actor,
        action="freelance.review_created",
        target=review,
        organization=order.organization_id,
        after={"rating": rating},
    )
    return review


def can_review_now(order: Order) -> bool:
    """Within `FREELANCE_REVIEW_WINDOW_DAYS` (30) of the order's completion."""
    window = timedelta(days=conf.review_window_days())
    return order.completed_at is None or order.completed_at + window >= timezone.now()
