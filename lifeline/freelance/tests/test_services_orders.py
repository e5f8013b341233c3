"""Order transitions: the right party only, revisions, auto-completion by the sweep."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from lifeline.audit.models import AuditEvent
from lifeline.freelance.enums import OrderEventKind, OrderStatus
from lifeline.freelance.exceptions import (
    GigNotOrderable,
    NoRevisionsLeft,
    NotABuyer,
    OrderTransitionRefused,
    OwnGig,
    WrongParty,
)
from lifeline.freelance.models import Gig, GigPackage, Order
from lifeline.freelance.services import deadlines as deadline_services
from lifeline.freelance.services import deliveries as delivery_services
from lifeline.freelance.services import gigs as gig_services
from lifeline.freelance.services import orders as order_services
from lifeline.freelance.services import reviews as review_services
from lifeline.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _started(gig: Any, buyer: Any, tier: str = "basic") -> Order:
    order = order_services.order_place(actor=buyer, gig=gig, tier=tier)
    return delivery_services.order_submit_requirements(
        actor=buyer, order=order, text="Blue and white"
    )


def test_order_snapshots_the_package_and_survives_an_edit(
    gig: Any, buyer: Any, seller: Any
) -> None:
    order = order_services.order_place(actor=buyer, gig=gig, tier="standard")
    assert (order.price, order.delivery_days, order.revisions_allowed) == (Decimal("50.00"), 4, 2)
    assert order.status == OrderStatus.AWAITING_REQUIREMENTS
    packages = {
        t: {
            "title": t,
            "price": Decimal("99.00"),
            "delivery_days": 9,
            "revisions": 0,
            "features": [],
        }
        for t in ("basic", "standard", "premium")
    }
    gig_services.gig_update(actor=seller, gig=gig, fields={}, packages=packages)
    order.refresh_from_db()
    gig.refresh_from_db()
    assert order.price == Decimal("50.00")
    assert order.revisions_allowed == 2
    assert gig.status == "pending_approval"  # an edit of an active gig goes back to approval
    assert GigPackage.objects.get(gig=gig, tier="standard").price == Decimal("99.00")


def test_refusals_to_place(gig: Any, seller: Any, moderator: Any, buyer: Any) -> None:
    with pytest.raises(OwnGig):
        order_services.order_place(actor=seller, gig=gig, tier="basic")
    with pytest.raises(NotABuyer):
        order_services.order_place(actor=moderator, gig=gig, tier="basic")
    Gig.objects.filter(pk=gig.pk).update(status="paused")
    with pytest.raises(GigNotOrderable):
        order_services.order_place(actor=buyer, gig=gig, tier="basic")
    assert Order.objects.count() == 0


def test_full_loop_with_revisions(gig: Any, buyer: Any, seller: Any) -> None:
    order = _started(gig, buyer, tier="basic")  # one revision
    assert order.status == OrderStatus.IN_PROGRESS
    assert order.due_at == order.started_at + timedelta(days=5)
    with pytest.raises(WrongParty):
        delivery_services.order_deliver(actor=buyer, order=order, message="Here it is, done")
    order = delivery_services.order_deliver(actor=seller, order=order, message="Here it is, done")
    assert order.auto_complete_at == order.delivered_at + timedelta(days=3)
    assert order.remind_at == order.auto_complete_at - timedelta(days=1)
    with pytest.raises(WrongParty):
        order_services.order_complete(actor=seller, order=order)
    order = delivery_services.order_request_revision(
        actor=buyer, order=order, message="Bigger, please"
    )
    assert (order.status, order.revisions_used, order.auto_complete_at) == (
        OrderStatus.IN_PROGRESS,
        1,
        None,
    )
    order = delivery_services.order_deliver(actor=seller, order=order, message="Bigger version now")
    with pytest.raises(NoRevisionsLeft):
        delivery_services.order_request_revision(actor=buyer, order=order, message="Again")
    order = order_services.order_complete(actor=buyer, order=order)
    assert order.status == OrderStatus.COMPLETED
    with pytest.raises(OrderTransitionRefused):
        order_services.order_complete(actor=buyer, order=order)
    assert Gig.objects.get(pk=gig.pk).orders_completed == 1
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds == ["placed", "requirements", "delivered", "revision", "delivered", "completed"]
    actions = list(
        AuditEvent.objects.filter(target_id=str(order.pk))
        .order_by("created_at")
        .values_list("action", flat=True)
    )
    assert actions == [
        "freelance.order_placed",
        "freelance.order_requirements",
        "freelance.order_delivered",
        "freelance.order_revision",
        "freelance.order_delivered",
        "freelance.order_completed",
    ]
    # Each transition tells the other party: 3 to the seller, 3 to the buyer.
    assert Notification.objects.filter(recipient=seller).count() == 4
    assert Notification.objects.filter(recipient=buyer).count() == 2


def test_cancel_needs_both_parties(gig: Any, buyer: Any, seller: Any, other_buyer: Any) -> None:
    order = _started(gig, buyer)
    with pytest.raises(WrongParty):
        order_services.order_cancel(actor=other_buyer, order=order)
    order = order_services.order_cancel(actor=buyer, order=order, reason="Changed my mind")
    assert order.status == OrderStatus.IN_PROGRESS
    assert order.cancel_requested_by_id == buyer.pk
    with pytest.raises(OrderTransitionRefused):
        order_services.order_cancel(actor=buyer, order=order)
    order = order_services.order_cancel(actor=seller, order=order)
    assert order.status == OrderStatus.CANCELLED


def test_sweep_reminds_then_auto_completes_once(gig: Any, buyer: Any, seller: Any) -> None:
    order = delivery_services.order_deliver(
        actor=seller, order=_started(gig, buyer), message="Done, see it"
    )
    now = timezone.now()
    assert deadline_services.orders_run_due(now=now) == {
        "reminded": 0,
        "completed": 0,
        "late": 0,
        "cleared": 0,
        "offers_expired": 0,
    }
    at_reminder = order.remind_at + timedelta(seconds=1)
    assert deadline_services.orders_run_due(now=at_reminder) == {
        "reminded": 1,
        "completed": 0,
        "late": 0,
        "cleared": 0,
        "offers_expired": 0,
    }
    assert deadline_services.orders_run_due(now=at_reminder) == {
        "reminded": 0,
        "completed": 0,
        "late": 0,
        "cleared": 0,
        "offers_expired": 0,
    }
    assert (
        Notification.objects.filter(
            recipient=buyer, topic="freelance.order_auto_complete_soon"
        ).count()
        == 1
    )
    after = order.auto_complete_at + timedelta(seconds=1)
    # The service also checks the wall clock: move the deadline into the past instead.
    Order.objects.filter(pk=order.pk).update(auto_complete_at=timezone.now() - timedelta(seconds=1))
    assert deadline_services.orders_run_due(now=after) == {
        "reminded": 0,
        "completed": 1,
        "late": 0,
        "cleared": 0,
        "offers_expired": 0,
    }
    assert deadline_services.orders_run_due(now=after) == {
        "reminded": 0,
        "completed": 0,
        "late": 0,
        "cleared": 0,
        "offers_expired": 0,
    }
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert order.events.filter(kind=OrderEventKind.AUTO_COMPLETED, actor=None).count() == 1


def test_review_keeps_an_exact_average(gig: Any, buyer: Any, other_buyer: Any, seller: Any) -> None:
    for who, rating in ((buyer, 5), (other_buyer, 4)):
        order = delivery_services.order_deliver(
            actor=seller, order=_started(gig, who), message="Done, see it"
        )
        order = order_services.order_complete(actor=who, order=order)
        review_services.review_create(
            actor=who,
            order=order,
            rating=rating,
            communication=rating,
            as_described=rating,
            would_recommend=True,
        )
    gig.refresh_from_db()
    assert (gig.reviews_count, gig.rating_sum, gig.rating_average) == (2, 9, Decimal("4.50"))
