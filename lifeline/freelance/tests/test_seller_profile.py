"""The public seller profile: exact figures, public data only, scope, constant queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.accounts.enums import UserStatus
from lifeline.freelance.enums import GigStatus, OrderEventKind, OrderStatus
from lifeline.freelance.models import Order, OrderEvent, Review
from lifeline.freelance.tests.conftest import client_for
from lifeline.freelance.tests.factories import gig_factory, order_factory

pytestmark = pytest.mark.django_db
API = "/api/v1/freelance"


def _completed(gig: Any, buyer: Any, rating: int | None, comment: str = "") -> Order:
    order = order_factory(gig=gig, buyer=buyer, status=OrderStatus.COMPLETED)
    if rating is not None:
        Review.objects.create(
            order=order,
            gig=gig,
            buyer=buyer,
            rating=rating,
            communication=rating,
            as_described=rating,
            would_recommend=True,
            comment=comment,
        )
    return order


def _answered(gig: Any, buyer: Any, seller: Any, after: timedelta) -> None:
    """An order started at a fixed time whose seller first acted `after` it started."""
    started = timezone.now() - timedelta(days=2)
    order = order_factory(gig=gig, buyer=buyer, status=OrderStatus.DELIVERED, started_at=started)
    early = OrderEvent.objects.create(order=order, kind=OrderEventKind.REQUIREMENTS, actor=buyer)
    first = OrderEvent.objects.create(order=order, kind=OrderEventKind.DELIVERED, actor=seller)
    later = OrderEvent.objects.create(order=order, kind=OrderEventKind.DELIVERED, actor=seller)
    OrderEvent.objects.filter(pk=early.pk).update(created_at=started + timedelta(minutes=1))
    OrderEvent.objects.filter(pk=first.pk).update(created_at=started + after)
    OrderEvent.objects.filter(pk=later.pk).update(created_at=started + after + timedelta(days=1))


@pytest.fixture
def busy_seller(seller: Any, buyer: Any, other_buyer: Any, market: Any) -> dict[str, Any]:
    seller.email = "sam.seller@example.test"
    seller.save()
    logo = gig_factory(seller=seller, organization=market, title="A clean logo design")
    cards = gig_factory(seller=seller, organization=market, title="Business cards in a day")
    gig_factory(seller=seller, organization=market, title="Hidden draft", status=GigStatus.DRAFT)
    _completed(logo, buyer, 5, "Great work, fast")
    _completed(logo, other_buyer, 4)
    _completed(cards, buyer, 4, "Good cards")
    _completed(cards, other_buyer, None)  # completed, not reviewed
    order_factory(gig=cards, buyer=buyer, status=OrderStatus.CANCELLED)
    for hours in (2, 6, 4):
        _answered(cards, buyer, seller, timedelta(hours=hours))
    # Another seller's figures never leak into this profile.
    rival = user_with_role(Role.SELLER, market, full_name="Rita Rival")
    _completed(gig_factory(seller=rival, organization=market), buyer, 1)
    return {"seller": seller, "logo": logo, "cards": cards}


def test_profile_figures_are_exact(busy_seller: dict[str, Any], buyer: Any) -> None:
    seller = busy_seller["seller"]
    body = client_for(None).get(f"{API}/sellers/{seller.pk}/").json()
    assert body["id"] == str(seller.pk)
    assert body["name"] == "Sam Seller"
    assert body["rating_average"] == "4.33"  # (5 + 4 + 4) / 3
    assert body["reviews_count"] == 3
    assert body["orders_completed"] == 4
    assert body["response_time_seconds"] == 4 * 3600  # the median of 2, 4 and 6 hours
    assert body["member_since"] == seller.date_joined.isoformat().replace("+00:00", "Z")
    assert sorted(g["title"] for g in body["gigs"]) == [
        "A clean logo design",
        "Business cards in a day",
    ]
    assert [(r["rating"], r["comment"], r["reviewer_name"]) for r in body["reviews"]] == [
        (4, "Good cards", "Bea B."),
        (4, "", "Otto O."),
        (5, "Great work, fast", "Bea B."),
    ]
    assert "example.test" not in str(body)
    assert "email" not in str(body)


def test_profile_without_orders(seller: Any, gig: Any) -> None:
    body = client_for(None).get(f"{API}/sellers/{seller.pk}/").json()
    assert (body["rating_average"], body["reviews_count"], body["orders_completed"]) == (
        None,
        0,
        0,
    )
    assert body["response_time_seconds"] is None
    assert [g["id"] for g in body["gigs"]] == [str(gig.pk)]


def test_only_active_sellers_have_a_profile(seller: Any, buyer: Any, moderator: Any) -> None:
    for user in (buyer, moderator):
        assert client_for(None).get(f"{API}/sellers/{user.pk}/").status_code == 404
    assert client_for(buyer).get(f"{API}/sellers/not-a-uuid/").status_code == 404
    seller.status = UserStatus.BANNED
    seller.save()
    assert client_for(None).get(f"{API}/sellers/{seller.pk}/").status_code == 404
    assert Client().get(f"/freelance/sellers/{seller.pk}/").status_code == 404


def test_profile_is_read_only(seller: Any, buyer: Any) -> None:
    before = Client().get(f"/freelance/sellers/{seller.pk}/").status_code
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client_for(buyer), method)(f"{API}/sellers/{seller.pk}/", {})
        assert response.status_code == 405
    assert before == 200


def test_profile_queries_are_constant(
    django_assert_num_queries: Any, busy_seller: dict[str, Any], market: Any
) -> None:
    seller = busy_seller["seller"]
    client = client_for(None)
    # user, roles, review totals, completed count, response time, gigs, packages, reviews,
    # portfolio items (their images are one more query when there are any)
    with django_assert_num_queries(9):
        client.get(f"{API}/sellers/{seller.pk}/")
    for i in range(3):
        gig_factory(seller=seller, organization=market, title=f"Another gig {i}")
    with django_assert_num_queries(9):
        assert len(client.get(f"{API}/sellers/{seller.pk}/").json()["gigs"]) == 5


def test_profile_page_is_public_and_linked(busy_seller: dict[str, Any]) -> None:
    seller = busy_seller["seller"]
    page = Client().get(f"/freelance/sellers/{seller.pk}/").content.decode()
    assert "<h1>Sam Seller</h1>" in page
    assert "★ 4.33 (3 reviews)" in page
    assert '<dd data-testid="seller-completed">4</dd>' in page
    assert "4 hours" in page
    assert "Great work, fast" in page
    assert "Hidden draft" not in page
    assert "example.test" not in page
    gig_page = Client().get(f"/freelance/gigs/{busy_seller['logo'].pk}/").content.decode()
    assert f'href="/freelance/sellers/{seller.pk}/"' in gig_page
