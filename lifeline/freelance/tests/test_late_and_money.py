"""Late flags, cancel when late, and the money record (fee, net, clearance, refunds)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone

from lifeline.audit.models import AuditEvent
from lifeline.freelance.enums import LedgerAccount, OrderEventKind, OrderStatus
from lifeline.freelance.exceptions import NotLateEnough, OrderTransitionRefused, WrongParty
from lifeline.freelance.models import LedgerEntry, Order, SellerBalance
from lifeline.freelance.services import deadlines as deadline_services
from lifeline.freelance.services import deliveries as delivery_services
from lifeline.freelance.services import money as money_services
from lifeline.freelance.services import orders as order_services
from lifeline.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _started(gig: Any, buyer: Any, tier: str = "basic") -> Order:
    order = order_services.order_place(actor=buyer, gig=gig, tier=tier)
    return delivery_services.order_submit_requirements(
        actor=buyer, order=order, text="Blue and white"
    )


def _overdue(order: Order, hours: float) -> Order:
    """Move the due time `hours` into the past (the wall clock the services check)."""
    Order.objects.filter(pk=order.pk).update(due_at=timezone.now() - timedelta(hours=hours))
    order.refresh_from_db()
    return order


def _sums(**filters: Any) -> dict[str, Decimal]:
    rows = (
        LedgerEntry.objects.filter(**filters)
        .values_list("account")
        .annotate(total=Sum("amount"))
        .values_list("account", "total")
    )
    return dict(rows)


# --- late -----------------------------------------------------------------------------------
def test_sweep_flags_a_late_order_once_and_tells_both(gig: Any, buyer: Any, seller: Any) -> None:
    order = _started(gig, buyer)
    assert order.is_late is False
    assert deadline_services.orders_run_due()["late"] == 0
    order = _overdue(order, 1)
    assert order.is_late is True  # computed before the sweep flags it
    before = Notification.objects.count()
    assert deadline_services.orders_run_due()["late"] == 1
    assert deadline_services.orders_run_due()["late"] == 0
    order.refresh_from_db()
    assert order.late_at is not None
    assert order.events.filter(kind=OrderEventKind.LATE, actor=None).count() == 1
    assert (
        AuditEvent.objects.filter(action="freelance.order_late", target_id=str(order.pk)).count()
        == 1
    )
    assert Notification.objects.count() == before + 2  # buyer and seller


def test_delivered_order_is_not_late_and_revision_restarts_the_clock(
    gig: Any, buyer: Any, seller: Any
) -> None:
    order = _overdue(_started(gig, buyer), 30)
    order = delivery_services.order_deliver(actor=seller, order=order, message="Here it is, done")
    assert order.is_late is False
    assert deadline_services.orders_run_due()["late"] == 0
    order = delivery_services.order_request_revision(actor=buyer, order=order, message="Bigger")
    assert order.is_late is False
    assert order.due_at > timezone.now() + timedelta(days=4, hours=23)
    with pytest.raises(NotLateEnough):
        order_services.order_cancel_late(actor=buyer, order=order)


@override_settings(FREELANCE_LATE_CANCEL_GRACE_HOURS=12)
def test_buyer_cancels_a_late_order_after_the_grace_period(
    gig: Any, buyer: Any, seller: Any, other_buyer: Any
) -> None:
    order = _overdue(_started(gig, buyer), 11)
    assert order_services.can_cancel_late(order) is False
    with pytest.raises(NotLateEnough):
        order_services.order_cancel_late(actor=buyer, order=order)
    order = _overdue(order, 13)
    assert order_services.can_cancel_late(order) is True
    with pytest.raises(WrongParty):
        order_services.order_cancel_late(actor=seller, order=order)
    with pytest.raises(WrongParty):
        order_services.order_cancel_late(actor=other_buyer, order=order)
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_PROGRESS
    order = order_services.order_cancel_late(
        actor=buyer, order=order, reason="No word from the seller"
    )
    assert (order.status, order.refunded_amount) == (OrderStatus.CANCELLED, Decimal("25.00"))
    assert order.events.filter(kind=OrderEventKind.CANCELLED_LATE, actor=buyer).count() == 1
    assert (
        AuditEvent.objects.filter(
            action="freelance.order_cancelled_late", target_id=str(order.pk), actor_id=buyer.pk
        ).count()
        == 1
    )
    assert _sums(order=order) == {
        LedgerAccount.BUYER_PAYMENTS: Decimal("-25.00"),
        LedgerAccount.ESCROW: Decimal("0.00"),
        LedgerAccount.BUYER_REFUNDS: Decimal("25.00"),
    }
    with pytest.raises(OrderTransitionRefused):
        order_services.order_cancel_late(actor=buyer, order=order)


def test_cancel_late_refused_before_start_and_after_delivery(
    gig: Any, buyer: Any, seller: Any
) -> None:
    order = order_services.order_place(actor=buyer, gig=gig, tier="basic")
    with pytest.raises(OrderTransitionRefused):
        order_services.order_cancel_late(actor=buyer, order=order)
    order = _overdue(
        delivery_services.order_submit_requirements(actor=buyer, order=order, text="x"), 48
    )
    order = delivery_services.order_deliver(actor=seller, order=order, message="Delivered late")
    with pytest.raises(OrderTransitionRefused):
        order_services.order_cancel_late(actor=buyer, order=order)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED


# --- money ----------------------------------------------------------------------------------
def test_split_keeps_every_cent() -> None:
    assert money_services.split(Decimal("25.00"), Decimal("20")) == (
        Decimal("5.00"),
        Decimal("20.00"),
    )
    assert money_services.split(Decimal("10.05"), Decimal("20")) == (
        Decimal("2.01"),
        Decimal("8.04"),
    )
    assert money_services.split(Decimal("0.03"), Decimal("20")) == (
        Decimal("0.01"),
        Decimal("0.02"),
    )
    for cents in range(1, 2000, 7):
        amount = Decimal(cents) / 100
        fee, net = money_services.split(amount, Decimal("17.5"))
        assert fee + net == amount


@override_settings(FREELANCE_PLATFORM_FEE_PERCENT="15", FREELANCE_CLEARANCE_DAYS=10)
def test_order_records_fee_net_and_clears_after_the_period(
    gig: Any, buyer: Any, seller: Any
) -> None:
    order = _started(gig, buyer, tier="premium")  # 120.00
    assert (order.fee_percent, order.platform_fee, order.seller_net) == (
        Decimal("15"),
        Decimal("18.00"),
        Decimal("102.00"),
    )
    assert _sums() == {
        LedgerAccount.BUYER_PAYMENTS: Decimal("-120.00"),
        LedgerAccount.ESCROW: Decimal("120.00"),
    }
    order = delivery_services.order_deliver(actor=seller, order=order, message="Here it is, done")
    order = order_services.order_complete(actor=buyer, order=order)
    assert order.clears_at == order.completed_at + timedelta(days=10)
    balance = SellerBalance.objects.get(seller=seller)
    assert (balance.pending, balance.cleared) == (Decimal("102.00"), Decimal("0.00"))
    assert deadline_services.orders_run_due()["cleared"] == 0  # not yet
    Order.objects.filter(pk=order.pk).update(clears_at=timezone.now() - timedelta(seconds=1))
    assert deadline_services.orders_run_due()["cleared"] == 1
    assert deadline_services.orders_run_due()["cleared"] == 0
    balance.refresh_from_db()
    assert (balance.pending, balance.cleared) == (Decimal("0.00"), Decimal("102.00"))
    order.refresh_from_db()
    assert order.cleared_at is not None
    assert _sums() == {
        LedgerAccount.BUYER_PAYMENTS: Decimal("-120.00"),
        LedgerAccount.ESCROW: Decimal("0.00"),
        LedgerAccount.PLATFORM_FEES: Decimal("18.00"),
        LedgerAccount.SELLER_PENDING: Decimal("0.00"),
        LedgerAccount.SELLER_CLEARED: Decimal("102.00"),
    }
    assert order.events.filter(kind=OrderEventKind.FUNDS_CLEARED).count() == 1


def test_mutual_cancel_refunds_and_balances_rebuild_exactly(
    gig: Any, buyer: Any, other_buyer: Any, seller: Any
) -> None:
    done = delivery_services.order_deliver(
        actor=seller, order=_started(gig, buyer), message="Done, see it"
    )
    order_services.order_complete(actor=buyer, order=done)
    second = delivery_services.order_deliver(
        actor=seller, order=_started(gig, other_buyer, tier="standard"), message="Done, see it"
    )
    order_services.order_complete(actor=other_buyer, order=second)
    cancelled = _started(gig, buyer, tier="premium")
    order_services.order_cancel(actor=buyer, order=cancelled)
    cancelled = order_services.order_cancel(actor=seller, order=cancelled)
    assert (cancelled.status, cancelled.refunded_amount) == ("cancelled", Decimal("120.00"))
    stored = SellerBalance.objects.get(seller=seller)
    assert (stored.pending, stored.cleared) == (Decimal("60.00"), Decimal("0.00"))  # 20 + 40
    # Damage the stored row: the ledger rebuilds it exactly.
    SellerBalance.objects.filter(pk=stored.pk).update(pending=Decimal("1.00"))
    rebuilt = money_services.balance_rebuild(seller=seller)
    assert (rebuilt.pending, rebuilt.cleared) == (Decimal("60.00"), Decimal("0.00"))
    # The whole record balances, and every order's escrow is empty once it is closed.
    assert LedgerEntry.objects.aggregate(total=Sum("amount"))["total"] == Decimal("0.00")
    assert _sums(order=cancelled)[LedgerAccount.ESCROW] == Decimal("0.00")
    assert _sums(holder=buyer)[LedgerAccount.BUYER_REFUNDS] == Decimal("120.00")


def test_a_posting_cannot_be_written_twice(gig: Any, buyer: Any) -> None:
    from django.db import IntegrityError, transaction

    order = order_services.order_place(actor=buyer, gig=gig, tier="basic")
    with pytest.raises(IntegrityError), transaction.atomic():
        money_services.post_payment(order)
    assert LedgerEntry.objects.filter(order=order).count() == 2


# --- API and pages ----------------------------------------------------------------------------
API = "/api/v1/freelance"


def test_cancel_late_over_the_api_permissions(
    gig: Any, buyer: Any, seller: Any, other_buyer: Any, moderator: Any
) -> None:
    from lifeline.freelance.tests.conftest import client_for

    order = _overdue(_started(gig, buyer), 30)
    url = f"{API}/orders/{order.pk}/cancel-late/"
    for stranger in (other_buyer, moderator):
        assert client_for(stranger).post(url, {"message": "x"}).status_code == 404
    response = client_for(seller).post(url)
    assert (response.status_code, response.json()["code"]) == (403, "freelance.wrong_party")
    assert client_for(None).post(url).status_code == 401
    assert Order.objects.get(pk=order.pk).status == OrderStatus.IN_PROGRESS
    assert LedgerEntry.objects.filter(order=order, kind="refund").count() == 0
    detail = client_for(buyer).get(f"{API}/orders/{order.pk}/").json()
    assert (detail["is_late"], detail["platform_fee"], detail["seller_net"]) == (
        True,
        "5.00",
        "20.00",
    )
    response = client_for(buyer).post(url, {"message": "Too late"})
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["refunded_amount"], body["is_late"]) == (
        "cancelled",
        "25.00",
        False,
    )


def test_cancel_late_too_early_is_409_and_stores_nothing(gig: Any, buyer: Any) -> None:
    from lifeline.freelance.tests.conftest import client_for

    order = _started(gig, buyer)
    response = client_for(buyer).post(f"{API}/orders/{order.pk}/cancel-late/")
    assert (response.status_code, response.json()["code"]) == (409, "freelance.not_late_enough")
    assert response["Content-Type"].startswith("application/problem+json")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.IN_PROGRESS
    assert order.events.count() == 2


def test_balance_api_is_the_callers_own(
    gig: Any, buyer: Any, seller: Any, market: Any, django_assert_num_queries: Any
) -> None:
    from lifeline.access.enums import Role
    from lifeline.access.tests.factories import user_with_role
    from lifeline.freelance.tests.conftest import client_for

    for tier in ("basic", "standard", "premium"):
        order = delivery_services.order_deliver(
            actor=seller, order=_started(gig, buyer, tier=tier), message="Done, see it"
        )
        order_services.order_complete(actor=buyer, order=order)
    body = client_for(seller).get(f"{API}/balance/").json()
    assert body == {
        "currency": "USD",
        "pending": "156.00",  # 80 % of 25 + 50 + 120
        "cleared": "0.00",
        "clearance_days": 14,
        "fee_percent": "20.00",
    }
    other_seller = user_with_role(Role.SELLER, market)
    assert client_for(other_seller).get(f"{API}/balance/").json()["pending"] == "0.00"
    assert client_for(other_seller).get(f"{API}/balance/entries/").json()["results"] == []
    assert client_for(buyer).get(f"{API}/balance/entries/").json()["results"] == []
    assert client_for(None).get(f"{API}/balance/").status_code == 401
    client = client_for(seller)
    with django_assert_num_queries(1):  # entries with their orders
        rows = client.get(f"{API}/balance/entries/").json()["results"]
    assert sorted(r["amount"] for r in rows) == ["20.00", "40.00", "96.00"]
    assert {r["account"] for r in rows} == {"seller_pending"}


def test_order_and_balance_pages(gig: Any, buyer: Any, seller: Any, other_buyer: Any) -> None:
    from django.test import Client

    def web(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    order = _overdue(_started(gig, buyer), 30)
    base = f"/freelance/orders/{order.pk}/"
    page = web(buyer).get(base).content.decode()
    assert 'data-testid="order-late"' in page
    assert "cancel-late/" in page
    assert "cancel-late/" not in web(seller).get(base).content.decode()
    assert web(other_buyer).post(f"{base}cancel-late/").status_code == 404
    assert Order.objects.get(pk=order.pk).status == OrderStatus.IN_PROGRESS
    web(buyer).post(f"{base}cancel-late/", {"text": "Too late"})
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    done = delivery_services.order_deliver(
        actor=seller, order=_started(gig, buyer), message="Done, see"
    )
    order_services.order_complete(actor=buyer, order=done)
    page = web(seller).get("/freelance/my/balance/").content.decode()
    assert 'data-testid="balance-pending">20' in page
    assert "/freelance/my/balance/" in web(seller).get("/freelance/").content.decode()
    assert web(other_buyer).get("/freelance/my/balance/").status_code == 200
    assert (
        "A clean logo design" not in web(other_buyer).get("/freelance/my/balance/").content.decode()
    )
