"""Seller analytics: exact figures per period and per gig, the previous period, constant
queries, sellers only, CSV/XLSX downloads."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.freelance import selectors
from lifeline.freelance.enums import OrderStatus
from lifeline.freelance.models import Order, Review
from lifeline.freelance.tests.conftest import client_for
from lifeline.freelance.tests.factories import gig_factory, order_factory

pytestmark = pytest.mark.django_db
API = "/api/v1/freelance"


def _order(gig: Any, buyer: Any, tier: str, created: int, **when: int) -> Order:
    """An order placed `created` days ago; `completed`/`cancelled` days ago when given."""
    now = timezone.now()
    status = OrderStatus.IN_PROGRESS
    fields: dict[str, Any] = {}
    if "completed" in when:
        status, fields["completed_at"] = (
            OrderStatus.COMPLETED,
            now - timedelta(days=when["completed"]),
        )
    if "cancelled" in when:
        status, fields["cancelled_at"] = (
            OrderStatus.CANCELLED,
            now - timedelta(days=when["cancelled"]),
        )
    order = order_factory(gig=gig, buyer=buyer, tier=tier, status=status, **fields)
    Order.objects.filter(pk=order.pk).update(created_at=now - timedelta(days=created))
    return order


@pytest.fixture
def figures(seller: Any, buyer: Any, market: Any) -> dict[str, Any]:
    logo = gig_factory(seller=seller, organization=market, title="A clean logo design")
    cards = gig_factory(seller=seller, organization=market, title="Business cards")
    done = _order(logo, buyer, "standard", 5, completed=2)  # 50.00 in this period
    _order(logo, buyer, "basic", 3, cancelled=1)
    _order(cards, buyer, "premium", 40, completed=35)  # 120.00 in the previous period
    _order(cards, buyer, "basic", 10)  # in progress
    Review.objects.create(
        order=done,
        gig=logo,
        buyer=buyer,
        rating=4,
        communication=4,
        as_described=4,
        would_recommend=True,
    )
    rival = user_with_role(Role.SELLER, market)
    _order(gig_factory(seller=rival, organization=market), buyer, "premium", 2, completed=1)
    return {"logo": logo, "cards": cards, "done": done}


def test_figures_are_exact(figures: dict[str, Any], seller: Any) -> None:
    body = client_for(seller).get(f"{API}/analytics/", {"days": 30}).json()
    assert {k: body[k] for k in body if k not in ("start", "end", "gigs", "series")} == {
        "days": 30,
        "group": "day",
        "currency": "USD",
        "orders": 3,
        "orders_previous": 1,
        "completed": 1,
        "completed_previous": 1,
        "cancelled": 1,
        "revenue": "50.00",
        "revenue_previous": "120.00",
        "completion_rate": "50.0",
        "rating_average": "4.00",
        "reviews_count": 1,
        "impressions": 0,
        "impressions_previous": 0,
        "clicks": 0,
        "clicks_previous": 0,
        "conversion": None,
    }
    assert [
        (g["title"], g["orders"], g["completed"], g["cancelled"], g["revenue"], g["rating_average"])
        for g in body["gigs"]
    ] == [
        ("A clean logo design", 2, 1, 1, "50.00", "4.00"),
        ("Business cards", 1, 0, 0, "0.00", None),
    ]
    assert len(body["series"]) == 31  # every day of the period, today included
    paid = [p for p in body["series"] if p["revenue"] != "0.00"]
    completed_on = timezone.localdate(figures["done"].completed_at).isoformat()
    assert paid == [{"start": completed_on, "orders": 1, "revenue": "50.00"}]


def test_longer_period_and_months(figures: dict[str, Any], seller: Any) -> None:
    body = client_for(seller).get(f"{API}/analytics/", {"days": 90, "group": "month"}).json()
    assert (body["orders"], body["completed"], body["revenue"]) == (4, 2, "170.00")
    assert sum(Decimal(p["revenue"]) for p in body["series"]) == Decimal("170.00")
    assert all(p["start"].endswith("-01") for p in body["series"][1:])
    # Unknown values fall back to the defaults instead of failing.
    body = client_for(seller).get(f"{API}/analytics/", {"days": "x", "group": "year"}).json()
    assert (body["days"], body["group"]) == (30, "day")


def test_queries_are_constant(
    django_assert_num_queries: Any, figures: dict[str, Any], seller: Any, buyer: Any, market: Any
) -> None:
    with django_assert_num_queries(5):  # totals, per gig, ratings, traffic, revenue series
        selectors.seller_analytics(actor=seller, days=30)
    for i in range(4):
        gig = gig_factory(seller=seller, organization=market, title=f"More gigs {i}")
        _order(gig, buyer, "basic", 1, completed=0)
    with django_assert_num_queries(5):
        result = selectors.seller_analytics(actor=seller, days=30)
    assert (len(result.gigs), result.completed, result.revenue) == (6, 5, Decimal("150.00"))


def test_only_sellers_and_only_their_own(
    figures: dict[str, Any], buyer: Any, moderator: Any, market: Any
) -> None:
    for user in (buyer, moderator):
        response = client_for(user).get(f"{API}/analytics/")
        assert (response.status_code, response.json()["code"]) == (403, "freelance.not_a_seller")
        page = Client()
        page.force_login(user)
        assert page.get("/freelance/my/analytics/").status_code == 404
        assert page.get("/freelance/my/analytics.csv").status_code == 404
    assert client_for(None).get(f"{API}/analytics/").status_code == 401
    other_seller = user_with_role(Role.SELLER, market)
    body = client_for(other_seller).get(f"{API}/analytics/").json()
    assert (body["orders"], body["revenue"], body["gigs"]) == (0, "0.00", [])


def test_page_and_downloads(figures: dict[str, Any], seller: Any) -> None:
    client = Client()
    client.force_login(seller)
    page = client.get("/freelance/my/analytics/?days=30").content.decode()
    assert '<dd data-testid="analytics-orders">3</dd>' in page
    assert '<dd data-testid="analytics-revenue">50.00 USD</dd>' in page
    assert "previous period: 120.00 USD" in page
    assert "<meter" in page
    csv_text = client.get("/freelance/my/analytics.csv?days=30").content.decode()
    assert csv_text.splitlines() == [
        'Gig,Status,Impressions,Clicks,"Conversion, %",Orders,Completed,Cancelled,'
        '"Revenue, USD",Rating,Reviews',
        "A clean logo design,Active,0,0,,2,1,1,50.00,4.00,1",
        "Business cards,Active,0,0,,1,0,0,0.00,,0",
    ]
    xlsx = client.get("/freelance/my/analytics.xlsx?days=30")
    workbook = load_workbook(io.BytesIO(xlsx.content))
    rows = list(workbook["gigs"].iter_rows(values_only=True))
    assert rows[1][:4] == ("A clean logo design", "Active", 0, 0)
    assert rows[1][5:] == (2, 1, 1, 50.0, 4.0, 1)
    assert client.get("/freelance/my/analytics.pdf").status_code == 404


def test_formula_like_titles_are_neutralised(seller: Any, market: Any) -> None:
    gig_factory(seller=seller, organization=market, title="=HYPERLINK(evil)")
    client = Client()
    client.force_login(seller)
    csv_text = client.get("/freelance/my/analytics.csv").content.decode()
    assert csv_text.splitlines()[1].startswith("'=HYPERLINK(evil)")
