"""Custom offers: the gig's seller to a buyer; accept into an order, decline, expire."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.audit.models import AuditEvent
from lifeline.freelance.enums import OrderStatus
from lifeline.freelance.exceptions import (
    NotASeller,
    OfferAlreadyPending,
    OfferExpired,
    OfferNotPending,
    UnknownBuyer,
    WrongParty,
)
from lifeline.freelance.models import CustomOffer, LedgerEntry, Order
from lifeline.freelance.services import deadlines as deadline_services
from lifeline.freelance.services import offers as offer_services
from lifeline.freelance.services import orders as order_services
from lifeline.freelance.tests.conftest import client_for
from lifeline.notifications.models import Notification

pytestmark = pytest.mark.django_db
API = "/api/v1/freelance"
TERMS = {
    "description": "Logo plus a business card in two colours",
    "price": Decimal("75.00"),
    "delivery_days": 6,
    "revisions": 4,
}


def _offer(gig: Any, seller: Any, buyer: Any) -> CustomOffer:
    offer_services.gig_inquiry_record(actor=buyer, gig=gig)  # the buyer wrote first
    return offer_services.offer_create(actor=seller, gig=gig, buyer_id=buyer.pk, **TERMS)


def test_accept_creates_an_order_with_the_offer_terms(gig: Any, seller: Any, buyer: Any) -> None:
    offer = _offer(gig, seller, buyer)
    assert offer.expires_at > timezone.now() + timedelta(days=6, hours=23)
    assert (
        Notification.objects.filter(recipient=buyer, topic="freelance.offer_received").count() == 1
    )
    with pytest.raises(WrongParty):
        offer_services.offer_accept(actor=seller, offer=offer)  # a seller cannot accept their own
    order = offer_services.offer_accept(actor=buyer, offer=offer)
    assert (
        order.tier,
        order.price,
        order.delivery_days,
        order.revisions_allowed,
        order.status,
        order.seller_net,
    ) == ("custom", Decimal("75.00"), 6, 4, OrderStatus.AWAITING_REQUIREMENTS, Decimal("60.00"))
    offer.refresh_from_db()
    assert (offer.status, offer.order_id) == ("accepted", order.pk)
    assert LedgerEntry.objects.filter(order=order, kind="payment").count() == 2
    assert AuditEvent.objects.filter(action="freelance.offer_accepted").count() == 1
    with pytest.raises(OfferNotPending):
        offer_services.offer_accept(actor=buyer, offer=offer)
    assert Order.objects.count() == 1


def test_refusals_when_sending(gig: Any, seller: Any, buyer: Any, market: Any) -> None:
    other_seller = user_with_role(Role.SELLER, market)
    with pytest.raises(NotASeller):
        offer_services.offer_create(actor=other_seller, gig=gig, buyer_id=buyer.pk, **TERMS)
    with pytest.raises(UnknownBuyer):
        offer_services.offer_create(actor=seller, gig=gig, buyer_id=seller.pk, **TERMS)
    with pytest.raises(UnknownBuyer):
        offer_services.offer_create(actor=seller, gig=gig, buyer_id=other_seller.pk, **TERMS)
    _offer(gig, seller, buyer)
    with pytest.raises(OfferAlreadyPending):
        _offer(gig, seller, buyer)
    assert CustomOffer.objects.count() == 1


def test_expiry_decline_and_withdraw(gig: Any, seller: Any, buyer: Any, other_buyer: Any) -> None:
    offer = _offer(gig, seller, buyer)
    CustomOffer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(OfferExpired):
        offer_services.offer_accept(actor=buyer, offer=offer)
    assert Order.objects.count() == 0
    assert deadline_services.orders_run_due()["offers_expired"] == 1
    assert CustomOffer.objects.get(pk=offer.pk).status == "expired"
    again = _offer(gig, seller, buyer)  # the expired one no longer blocks a new offer
    offer_services.offer_decline(actor=buyer, offer=again)
    assert CustomOffer.objects.get(pk=again.pk).status == "declined"
    third = _offer(gig, seller, other_buyer)
    with pytest.raises(WrongParty):
        offer_services.offer_withdraw(actor=other_buyer, offer=third)
    offer_services.offer_withdraw(actor=seller, offer=third)
    assert CustomOffer.objects.get(pk=third.pk).status == "withdrawn"


def test_offer_api_permissions_and_bad_input(
    gig: Any,
    seller: Any,
    buyer: Any,
    other_buyer: Any,
    moderator: Any,
    django_assert_num_queries: Any,
) -> None:
    offer_services.gig_inquiry_record(actor=buyer, gig=gig)  # the buyer wrote first
    body = {**TERMS, "price": "75.00", "gig": str(gig.pk), "buyer": str(buyer.pk)}
    for field, value in (("price", "0"), ("delivery_days", 91), ("revisions", 11)):
        response = client_for(seller).post(f"{API}/offers/", {**body, field: value})
        assert (response.status_code, field in response.json()["errors"]) == (400, True)
    assert CustomOffer.objects.count() == 0
    response = client_for(buyer).post(f"{API}/offers/", body)
    assert (response.status_code, response.json()["code"]) == (403, "freelance.not_a_seller")
    response = client_for(seller).post(f"{API}/offers/", body)
    assert response.status_code == 201
    offer_id = response.json()["id"]
    url = f"{API}/offers/{offer_id}/"
    for stranger in (other_buyer, moderator):
        assert client_for(stranger).get(url).status_code == 404
        assert client_for(stranger).post(f"{url}accept/").status_code == 404
        assert client_for(stranger).post(f"{url}withdraw/").status_code == 404
    assert client_for(None).get(url).status_code == 401
    response = client_for(seller).post(f"{url}accept/")
    assert (response.status_code, response.json()["code"]) == (403, "freelance.wrong_party")
    assert CustomOffer.objects.get().status == "pending"
    assert Order.objects.count() == 0
    with django_assert_num_queries(1):
        rows = client_for(buyer).get(f"{API}/offers/").json()["results"]
    assert [(r["id"], r["price"], r["status"]) for r in rows] == [(offer_id, "75.00", "pending")]
    response = client_for(buyer).post(f"{url}accept/")
    assert response.status_code == 201
    assert (response.json()["tier"], response.json()["price"]) == ("custom", "75.00")


def test_offer_pages(gig: Any, seller: Any, buyer: Any, other_buyer: Any) -> None:
    def web(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    # The form lists buyers the seller has dealt with.
    order_services.order_place(actor=buyer, gig=gig, tier="basic")
    page = web(seller).get("/freelance/offers/").content.decode()
    assert str(buyer.pk) in page
    assert str(other_buyer.pk) not in page
    response = web(seller).post(
        "/freelance/offers/",
        {**TERMS, "gig": str(gig.pk), "buyer": str(buyer.pk)},
    )
    assert response.status_code == 302
    offer = CustomOffer.objects.get()
    assert web(other_buyer).post(f"/freelance/offers/{offer.pk}/accept/").status_code == 404
    assert "accept/" in web(buyer).get("/freelance/offers/").content.decode()
    response = web(buyer).post(f"/freelance/offers/{offer.pk}/accept/")
    order = Order.objects.get(tier="custom")
    assert response["Location"] == f"/freelance/orders/{order.pk}/"
    assert "/freelance/offers/" in web(buyer).get("/freelance/").content.decode()
