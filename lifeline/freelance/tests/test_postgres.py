"""PostgreSQL only: full-text search ranking, and racing transitions of one order."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from lifeline.freelance import selectors
from lifeline.freelance.exceptions import OrderTransitionRefused
from lifeline.freelance.models import Gig, Order
from lifeline.freelance.services import deliveries as delivery_services
from lifeline.freelance.services import orders as order_services
from lifeline.freelance.services import reviews as review_services
from lifeline.freelance.tests.factories import gig_factory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_search_ranks_title_matches_first(seller: Any, market: Any) -> None:
    in_description = gig_factory(seller=seller, organization=market, title="Vector artwork")
    Gig.objects.filter(pk=in_description.pk).update(description="I also draw a mascot for you.")
    in_title = gig_factory(seller=seller, organization=market, title="Mascot drawing for brands")
    gig_factory(seller=seller, organization=market, title="Website in a week")
    found = [g.pk for g in selectors.gig_search(q="mascot")]
    assert found == [in_title.pk, in_description.pk]


def test_complete_and_revision_race_one_wins(gig: Any, buyer: Any, seller: Any) -> None:
    order = order_services.order_place(actor=buyer, gig=gig, tier="basic")
    order = delivery_services.order_submit_requirements(actor=buyer, order=order, text="Blue")
    order = delivery_services.order_deliver(actor=seller, order=order, message="Here is the work")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            mine = Order.objects.get(pk=order.pk)
            if name == "complete":
                order_services.order_complete(actor=buyer, order=mine)
            else:
                delivery_services.order_request_revision(actor=buyer, order=mine, message="More")
            outcomes.append(name)
        except OrderTransitionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(n,)) for n in ("complete", "revision")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) in (["complete", "refused"], ["refused", "revision"])
    order.refresh_from_db()
    assert order.status == ("completed" if "complete" in outcomes else "in_progress")
    assert order.events.filter(kind__in=["completed", "revision"]).count() == 1


def test_concurrent_reviews_keep_the_gig_averages_exact(gig: Any, market: Any) -> None:
    """Eight buyers review orders of one gig at the same moment: the sums move in the
    database (F expressions), so no review is lost from the gig's averages."""
    from django.utils import timezone

    from lifeline.access.enums import Role
    from lifeline.access.tests.factories import user_with_role
    from lifeline.freelance.models import Review
    from lifeline.freelance.tests.factories import order_factory

    scores = [(5, 4, 3, True), (4, 4, 4, False), (3, 5, 5, True), (2, 1, 2, False)] * 2
    orders = [
        order_factory(
            gig=gig,
            buyer=user_with_role(Role.BUYER, market),
            status="completed",
            completed_at=timezone.now(),
        )
        for _ in scores
    ]
    barrier = threading.Barrier(len(orders))
    errors: list[BaseException] = []

    def review(order: Order, score: tuple[int, int, int, bool]) -> None:
        try:
            barrier.wait(timeout=20)
            review_services.review_create(
                actor=order.buyer,
                order=order,
                rating=score[0],
                communication=score[1],
                as_described=score[2],
                would_recommend=score[3],
            )
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=review, args=(o, s)) for o, s in zip(orders, scores, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    gig.refresh_from_db()
    assert (
        gig.reviews_count,
        gig.rating_sum,
        gig.communication_sum,
        gig.as_described_sum,
        gig.recommend_count,
    ) == (8, 28, 28, 28, 4)
    assert Review.objects.filter(gig=gig).count() == 8
