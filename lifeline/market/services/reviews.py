"""Reviews (one per buyer per product, never on one's own product) and favourites."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from lifeline.audit.services import record
from lifeline.core.exceptions import InvalidInput
from lifeline.market.enums import LISTED_STATUSES
from lifeline.market.exceptions import AlreadyReviewed, MarketForbidden, NotAvailable, OwnProduct
from lifeline.market.models import Favourite, Product, Review
from lifeline.market.selectors import has_bought


@transaction.atomic
def review_create(
    *, actor: Any, product: Product, rating: int, text: str = "", pros: str = "", cons: str = ""
) -> Review:
    """The rating totals move in the database with the new row, so averages stay exact."""
    if product.seller_id == actor.pk:
        raise OwnProduct()
    if not 1 <= rating <= 5:
        raise InvalidInput(errors={"rating": [gettext_noop("Must be between 1 and 5.")]})
    if Review.objects.filter(product=product, author=actor).exists():
        raise AlreadyReviewed()
    try:
        with transaction.atomic():
            review = Review.objects.create(
                product=product,
                author=actor,
                rating=rating,
                text=text.strip(),
                pros=pros.strip(),
                cons=cons.strip(),
                verified_purchase=has_bought(buyer=actor, product=product),
            )
    except IntegrityError as exc:  # a concurrent review by the same author
        raise AlreadyReviewed() from exc
    Product.objects.filter(pk=product.pk).update(
        rating_count=F("rating_count") + 1, rating_sum=F("rating_sum") + rating
    )
    record(
        actor=actor,
        action="market.review_created",
        target=review,
        organization=product.organization_id,
    )
    return review


@transaction.atomic
def review_answer(*, actor: Any, review: Review, text: str) -> Review:
    """The product's seller answers a review (again to change the answer)."""
    if review.product.seller_id != actor.pk:
        raise MarketForbidden()
    if not text.strip():
        raise InvalidInput(errors={"text": [gettext_noop("Write an answer.")]})
    review.seller_answer = text.strip()
    review.answered_at = timezone.now()
    review.save(update_fields=["seller_answer", "answered_at", "updated_at"])
    record(
        actor=actor,
        action="market.review_answered",
        target=review,
        organization=review.product.organization_id,
    )
    return review


@transaction.atomic
def favourite_add(*, actor: Any, product: Product) -> Favourite:
    """Idempotent: adding twice keeps the first date."""
    if product.status not in LISTED_STATUSES and product.seller_id != actor.pk:
        raise NotAvailable()
    favourite, _ = Favourite.objects.get_or_create(user=actor, product=product)
    return favourite


@transaction.atomic
def favourite_remove(*, actor: Any, product: Product) -> None:
    Favourite.objects.filter(user=actor, product=product).delete()
