"""Disputes: opened by a party, the order frozen, resolved by a moderator (complete, cancel,
partial) with the money recorded, notified and audited; strangers get 404."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.audit.models import AuditEvent
from lifeline.freelance.enums import LedgerAccount, OrderStatus
from lifeline.freelance.exceptions import (
    AlreadyDisputed,
    NotAModerator,
    OrderTransitionRefused,
)
from lifeline.freelance.models import Dispute, LedgerEntry, Order, SellerBalance
from lifeline.freelance.services import deliveries as delivery_services
from lifeline.freelance.services import disputes as dispute_services
from lifeline.freelance.services import orders as order_services
from lifeline.freelance.tests.conftest import client_for
from lifeline.notifications.models import Notification

pytestmark = pytest.mark.django_db
API = "/api/v1/freelance"
REASON = "The delivery is not what the package promised."
RESOLUTION = "The files match the brief only partly; half is refunded."


def _delivered(gig: Any, buyer: Any, seller: Any, tier: str = "standard") -> Order:
    order = order_services.order_place(actor=buyer, gig=gig, tier=tier)
    order = delivery_services.order_submit_requirements(actor=buyer, order=order, text="Blue")
    return delivery_services.order_deliver(actor=seller, order=order, message="Here it is, done")


def test_open_freezes_the_order(gig: Any, buyer: Any, seller: Any, moderator: Any) -> None:
    order = _delivered(gig, buyer, seller)
    dispute = dispute_services.dispute_open(actor=seller, order=order, reason=REASON)
    order.refresh_from_db()
    assert (order.status, dispute.status_before, order.auto_complete_at) == (
        OrderStatus.DISPUTED,
        OrderStatus.DELIVERED,
        None,
    )
    for call in (
        lambda: order_services.order_complete(actor=buyer, order=order),
        lambda: delivery_services.order_request_revision(actor=buyer, order=order, message="x"),
        lambda: order_services.order_cancel(actor=buyer, order=order),
        lambda: order_services.order_cancel_late(actor=buyer, order=order),
    ):
        with pytest.raises(OrderTransitionRefused):
            call()
    with pytest.raises(AlreadyDisputed):
        dispute_services.dispute_open(actor=buyer, order=order, reason=REASON)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DISPUTED
    # The buyer (other party) and the marketplace's moderator are told.
    assert Notification.objects.filter(recipient=buyer, topic="freelance.order_updated").count()
    assert (
        Notification.objects.filter(recipient=moderator, topic="freelance.dispute_opened").count()
        == 1
    )
    assert AuditEvent.objects.filter(action="freelance.order_dispute_opened").count() == 1


def test_only_from_in_progress_or_delivered(gig: Any, buyer: Any, seller: Any) -> None:
    order = order_services.order_place(actor=buyer, gig=gig, tier="basic")
    with pytest.raises(OrderTransitionRefused):
        dispute_services.dispute_open(actor=buyer, order=order, reason=REASON)
    assert Dispute.objects.count() == 0


def test_resolve_partial_records_the_split(
    gig: Any, buyer: Any, seller: Any, moderator: Any, market: Any
) -> None:
    order = _delivered(gig, buyer, seller)  # 50.00
    dispute_services.dispute_open(actor=buyer, order=order, reason=REASON)
    dispute_services.dispute_post_message(actor=seller, order=order, text="I followed the brief.")
    dispute_services.dispute_post_message(
        actor=moderator, order=order, text="Send the sources, please."
    )
    other_market = OrganizationFactory(kind=OrganizationKind.MARKETPLACE)
    foreign_moderator = user_with_role(Role.MODERATOR, other_market)
    with pytest.raises(NotAModerator):
        dispute_services.dispute_resolve(
            actor=foreign_moderator, order=order, outcome="complete", resolution=RESOLUTION
        )
    with pytest.raises(NotAModerator):
        dispute_services.dispute_resolve(
            actor=seller, order=order, outcome="complete", resolution=RESOLUTION
        )
    before = Notification.objects.filter(topic="freelance.order_updated").count()
    dispute = dispute_services.dispute_resolve(
        actor=moderator,
        order=order,
        outcome="partial",
        resolution=RESOLUTION,
        refund_amount=Decimal("20.00"),
    )
    order.refresh_from_db()
    assert (dispute.status, dispute.outcome, dispute.refund_amount) == (
        "resolved",
        "partial",
        Decimal("20.00"),
    )
    assert (order.status, order.refunded_amount, order.platform_fee, order.seller_net) == (
        OrderStatus.COMPLETED,
        Decimal("20.00"),
        Decimal("6.00"),
        Decimal("24.00"),
    )
    assert Notification.objects.filter(topic="freelance.order_updated").count() == before + 2
    balance = SellerBalance.objects.get(seller=seller)
    assert balance.pending == Decimal("24.00")
    totals = dict(
        LedgerEntry.objects.filter(order=order)
        .values_list("account")
        .annotate(t=Sum("amount"))
        .values_list("account", "t")
    )
    assert totals == {
        LedgerAccount.BUYER_PAYMENTS: Decimal("-50.00"),
        LedgerAccount.ESCROW: Decimal("0.00"),
        LedgerAccount.PLATFORM_FEES: Decimal("6.00"),
        LedgerAccount.SELLER_PENDING: Decimal("24.00"),
        LedgerAccount.BUYER_REFUNDS: Decimal("20.00"),
    }
    audit = AuditEvent.objects.get(action="freelance.order_dispute_resolved")
    assert audit.metadata == {"outcome": "partial", "refund_amount": "20.00"}
    with pytest.raises(Exception, match="no open dispute"):
        dispute_services.dispute_post_message(actor=buyer, order=order, text="Too late")


def test_resolve_cancel_refunds_and_complete_pays(
    gig: Any, buyer: Any, other_buyer: Any, seller: Any, moderator: Any
) -> None:
    lost = _delivered(gig, buyer, seller, tier="basic")
    dispute_services.dispute_open(actor=buyer, order=lost, reason=REASON)
    dispute_services.dispute_resolve(
        actor=moderator, order=lost, outcome="cancel", resolution=RESOLUTION
    )
    lost.refresh_from_db()
    assert (lost.status, lost.refunded_amount) == (OrderStatus.CANCELLED, Decimal("25.00"))
    won = _delivered(gig, other_buyer, seller, tier="premium")
    dispute_services.dispute_open(actor=seller, order=won, reason=REASON)
    dispute_services.dispute_resolve(
        actor=moderator, order=won, outcome="complete", resolution=RESOLUTION
    )
    won.refresh_from_db()
    assert (won.status, won.refunded_amount, won.seller_net) == (
        OrderStatus.COMPLETED,
        Decimal("0.00"),
        Decimal("96.00"),
    )
    assert SellerBalance.objects.get(seller=seller).pending == Decimal("96.00")
    assert LedgerEntry.objects.aggregate(t=Sum("amount"))["t"] == Decimal("0.00")


def test_dispute_api_permissions_and_bad_input(
    gig: Any, buyer: Any, seller: Any, other_buyer: Any, moderator: Any, market: Any
) -> None:
    order = _delivered(gig, buyer, seller)
    url = f"{API}/orders/{order.pk}/dispute/"
    other_seller = user_with_role(Role.SELLER, market)
    # Before a dispute, the moderator cannot see the order at all.
    assert client_for(moderator).get(f"{API}/orders/{order.pk}/").status_code == 404
    for stranger in (other_buyer, other_seller, moderator):
        assert client_for(stranger).post(url, {"reason": REASON}).status_code == 404
    response = client_for(buyer).post(url, {"reason": "too short"})
    assert (response.status_code, "reason" in response.json()["errors"]) == (400, True)
    assert Dispute.objects.count() == 0
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    response = client_for(buyer).post(url, {"reason": REASON})
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["status_before"]) == ("open", "delivered")
    # Now the moderator reads it; strangers still get 404.
    assert client_for(moderator).get(url).status_code == 200
    for stranger in (other_buyer, other_seller):
        assert client_for(stranger).get(url).status_code == 404
        assert client_for(stranger).post(f"{url}messages/", {"text": "hi"}).status_code == 404
        assert (
            client_for(stranger)
            .post(f"{url}resolve/", {"outcome": "cancel", "resolution": RESOLUTION})
            .status_code
            == 404
        )
    response = client_for(seller).post(
        f"{url}resolve/", {"outcome": "complete", "resolution": RESOLUTION}
    )
    assert (response.status_code, response.json()["code"]) == (403, "freelance.not_a_moderator")
    response = client_for(moderator).post(
        f"{url}resolve/", {"outcome": "partial", "resolution": RESOLUTION}
    )
    assert (response.status_code, "refund_amount" in response.json()["errors"]) == (400, True)
    response = client_for(moderator).post(
        f"{url}resolve/",
        {"outcome": "partial", "resolution": RESOLUTION, "refund_amount": "50.00"},
    )
    assert (response.status_code, response.json()["code"]) == (400, "freelance.invalid_refund")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DISPUTED
    assert LedgerEntry.objects.filter(order=order).count() == 2  # the payment only
    response = client_for(moderator).post(f"{url}messages/", {"text": "Send the sources."})
    assert [m["from_moderator"] for m in response.json()["messages"]] == [True]
    response = client_for(moderator).post(
        f"{url}resolve/",
        {"outcome": "partial", "resolution": RESOLUTION, "refund_amount": "10.00"},
    )
    assert response.status_code == 200
    assert (response.json()["outcome"], response.json()["refund_amount"]) == ("partial", "10.00")
    order_body = client_for(buyer).get(f"{API}/orders/{order.pk}/").json()
    assert (order_body["status"], order_body["dispute_status"], order_body["refunded_amount"]) == (
        "completed",
        "resolved",
        "10.00",
    )


def test_dispute_list_scopes_and_query_count(
    gig: Any,
    buyer: Any,
    other_buyer: Any,
    seller: Any,
    moderator: Any,
    django_assert_num_queries: Any,
) -> None:
    for who in (buyer, other_buyer, buyer):
        dispute_services.dispute_open(actor=who, order=_delivered(gig, who, seller), reason=REASON)
    other_market = OrganizationFactory(kind=OrganizationKind.MARKETPLACE)
    foreign_moderator = user_with_role(Role.MODERATOR, other_market)
    assert len(client_for(buyer).get(f"{API}/disputes/").json()["results"]) == 2
    assert len(client_for(seller).get(f"{API}/disputes/").json()["results"]) == 3
    assert client_for(foreign_moderator).get(f"{API}/disputes/").json()["results"] == []
    assert client_for(None).get(f"{API}/disputes/").status_code == 401
    client = client_for(moderator)
    with django_assert_num_queries(3):  # the moderator's role, organizations, disputes
        rows = client.get(f"{API}/disputes/", {"status": "open"}).json()["results"]
    assert len(rows) == 3


def test_dispute_pages(gig: Any, buyer: Any, seller: Any, moderator: Any, other_buyer: Any) -> None:
    def web(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    order = _delivered(gig, buyer, seller)
    base = f"/freelance/orders/{order.pk}/"
    assert "dispute/" in web(buyer).get(base).content.decode()
    assert web(other_buyer).post(f"{base}dispute/", {"text": REASON}).status_code == 404
    assert Dispute.objects.count() == 0
    web(buyer).post(f"{base}dispute/", {"text": REASON})
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DISPUTED
    queue = web(moderator).get("/freelance/moderation/").content.decode()
    assert base in queue
    page = web(moderator).get(base).content.decode()
    assert "resolve/" in page
    assert "cancel/" not in page
    web(moderator).post(f"{base}resolve/", {"outcome": "cancel", "text": RESOLUTION})
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert web(other_buyer).get(base).status_code == 404
