"""Reviews of completed orders by their buyers, the seller's reply, and helpful votes."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from lifeline.accounts.models import User
from lifeline.audit.services import record
from lifeline.core.exceptions import InvalidInput
from lifeline.freelance import conf
from lifeline.freelance.enums import OrderStatus
from lifeline.freelance.exceptions import (
    AlreadyReplied,
    AlreadyReviewed,
    NotTheGigSeller,
    OwnReviewVote,
    ReviewWindowClosed,
)
from lifeline.freelance.models import Gig, Order, Review, ReviewHelpfulVote
from lifeline.freelance.services.orders import _expect, _locked_order, _party

MAX_REPLY = 2000


def _check_scores(**scores: int) -> None:
    errors = {
        field: [gettext_noop("Must be between 1 and 5.")]
        for field, value in scores.items()
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5
    }
    if errors:
        raise InvalidInput(errors=errors)


@transaction.atomic
def review_create(
    *,
    actor: User,
    order: Order,
    rating: int,
    communication: int,
    as_described: int,
    would_recommend: bool,
    comment: str = "",
) -> Review:
    """One review per completed order, by its buyer, within the review window.

    The gig's sums and count move in one UPDATE with F expressions (the database adds, no
    read-modify-write), so concurrent reviews of one gig keep its averages exact; the seller's
    averages are aggregates over the review rows, exact by construction."""
    _check_scores(rating=rating, communication=communication, as_described=as_described)
    order = _locked_order(order)
    _party(actor, order, "buyer")
    _expect(order, OrderStatus.COMPLETED)
    if Review.objects.filter(order=order).exists():
        raise AlreadyReviewed()
    if not can_review_now(order):
        raise ReviewWindowClosed()
    review = Review.objects.create(
        order=order,
        gig_id=order.gig_id,
        buyer=actor,
        rating=rating,
        communication=communication,
        as_described=as_described,
        would_recommend=bool(would_recommend),
        comment=comment.strip(),
    )
    Gig.objects.filter(pk=order.gig_id).update(
        rating_sum=F("rating_sum") + rating,
        communication_sum=F("communication_sum") + communication,
        as_described_sum=F("as_described_sum") + as_described,
        recommend_count=F("recommend_count") + (1 if would_recommend else 0),
        reviews_count=F("reviews_count") + 1,
    )
    record(
        actor=actor,
        action="freelance.review_created",
        target=review,
        organization=order.organization_id,
        after={
            "rating": rating,
            "communication": communication,
            "as_described": as_described,
            "would_recommend": bool(would_recommend),
        },
    )
    return review


def can_review_now(order: Order) -> bool:
    """Within `FREELANCE_REVIEW_WINDOW_DAYS` (30) of the order's completion."""
    window = timedelta(days=conf.review_window_days())
    return order.completed_at is None or order.completed_at + window >= timezone.now()


@transaction.atomic
def review_reply(*, actor: User, review: Review, text: str) -> Review:
    """The gig's seller answers a review once (under the review's row lock)."""
    review = Review.objects.select_for_update().select_related("gig").get(pk=review.pk)
    if review.gig.seller_id != actor.pk:
        raise NotTheGigSeller()
    if review.replied_at is not None:
        raise AlreadyReplied()
    text = text.strip()
    if not text or len(text) > MAX_REPLY:
        raise InvalidInput(
            errors={"text": [gettext_noop("Write a reply of at most 2000 characters.")]}
        )
    review.reply = text
    review.replied_at = timezone.now()
    review.save(update_fields=["reply", "replied_at", "updated_at"])
    record(
        actor=actor,
        action="freelance.review_replied",
        target=review,
        organization=review.gig.organization_id,
    )
    return review


@transaction.atomic
def review_mark_helpful(*, actor: User, review: Review, on: bool) -> bool:
    """Set or clear the caller's "helpful" vote; idempotent. The review's counter moves only
    when a vote row is really inserted or deleted. Returns whether the vote is now set."""
    if review.buyer_id == actor.pk:
        raise OwnReviewVote()
    if on:
        try:
            with transaction.atomic():
                ReviewHelpfulVote.objects.create(review_id=review.pk, user=actor)
        except IntegrityError:  # already voted (possibly concurrently): nothing changes
            return True
        Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
        return True
    deleted, _ = ReviewHelpfulVote.objects.filter(review_id=review.pk, user=actor).delete()
    if deleted:
        Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") - 1)
    return False
