"""Impressions and clicks: daily counters (one row per gig and day, F expressions), exact counts,
shown in the seller's analytics (page, API, CSV, XLSX) with the conversion per gig."""

from __future__ import annotations

import csv
from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.freelance import selectors
from lifeline.freelance.models import GigDailyStat
from lifeline.freelance.services import gigs as gig_services
from lifeline.freelance.services import orders as order_services
from lifeline.freelance.tests.conftest import client_for
from lifeline.freelance.tests.factories import gig_factory

pytestmark = pytest.mark.django_db
API = "/api/v1/freelance"


def _web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- impressions and clicks ---------------------------------------------------------------------
def _stats() -> dict[str, tuple[int, int]]:
    return {
        row.gig.title: (row.impressions, row.clicks)
        for row in GigDailyStat.objects.select_related("gig")
    }


def test_impressions_and_clicks_are_counted_exactly(
    django_assert_num_queries: Any, gig: Any, seller: Any, buyer: Any, market: Any
) -> None:
    second = gig_factory(seller=seller, organization=market, title="Flyer for a pharmacy")
    other_seller = user_with_role(Role.SELLER, market, full_name="Sid Second")
    theirs = gig_factory(seller=other_seller, organization=market, title="Banner for a lab")
    Client().get("/freelance/")  # anonymous catalogue: 3 impressions
    _web(buyer).get("/freelance/", {"q": "flyer"})  # search: the flyer only
    client_for(buyer).get(f"{API}/search/", {"q": "banner"})  # the API search
    client_for(None).get(f"{API}/gigs/")  # the API list: 3 more
    _web(seller).get("/freelance/")  # the seller's own gigs do not count: 1 (theirs)
    for _ in range(3):
        _web(buyer).get(f"/freelance/gigs/{second.pk}/")  # 3 clicks
    client_for(buyer).get(f"{API}/gigs/{gig.pk}/")  # 1 click through the API
    _web(seller).get(f"/freelance/gigs/{gig.pk}/")  # the seller's own view: none
    assert _stats() == {
        gig.title: (2, 1),
        second.title: (3, 3),
        theirs.title: (4, 0),
    }
    assert GigDailyStat.objects.count() == 3  # one row per gig and day, never per view
    # Two queries to count a whole page, whatever the number of gigs.
    with django_assert_num_queries(2):
        gig_services.gigs_record_impressions(
            viewer=buyer, shown=[(g.pk, g.seller_id) for g in (gig, second, theirs)]
        )
    assert _stats()[theirs.title] == (5, 0)


def test_analytics_show_impressions_clicks_and_conversion(
    gig: Any, seller: Any, buyer: Any, market: Any
) -> None:
    today = timezone.localdate()
    second = gig_factory(seller=seller, organization=market, title="Flyer for a pharmacy")
    GigDailyStat.objects.bulk_create(
        [
            GigDailyStat(gig=gig, day=today, impressions=100, clicks=10),
            GigDailyStat(gig=gig, day=today - timedelta(days=6), impressions=50, clicks=10),
            GigDailyStat(gig=gig, day=today - timedelta(days=7), impressions=7, clicks=1),
            GigDailyStat(gig=second, day=today - timedelta(days=13), impressions=30, clicks=3),
            GigDailyStat(gig=second, day=today - timedelta(days=14), impressions=99, clicks=9),
        ]
    )
    order_services.order_place(actor=buyer, gig=gig, tier="basic")
    figures = selectors.seller_analytics(actor=seller, days=7)
    assert (figures.impressions, figures.clicks) == (150, 20)
    assert (figures.impressions_previous, figures.clicks_previous) == (37, 4)
    assert figures.conversion == Decimal("5.0")
    by_gig = {g.gig.title: (g.impressions, g.clicks, g.orders, g.conversion) for g in figures.gigs}
    assert by_gig == {
        gig.title: (150, 20, 1, Decimal("5.0")),
        second.title: (0, 0, 0, None),
    }
    body = client_for(seller).get(f"{API}/analytics/", {"days": 7}).json()
    assert (body["impressions"], body["clicks"], body["conversion"]) == (150, 20, "5.0")
    assert (body["impressions_previous"], body["clicks_previous"]) == (37, 4)
    rows = {g["title"]: (g["impressions"], g["clicks"], g["conversion"]) for g in body["gigs"]}
    assert rows == {gig.title: (150, 20, "5.0"), second.title: (0, 0, None)}
    html = _web(seller).get("/freelance/my/analytics/", {"days": 7}).content.decode()
    assert 'data-testid="analytics-impressions">150<' in html
    assert 'data-testid="analytics-clicks">20<' in html
    csv_text = _web(seller).get("/freelance/my/analytics.csv", {"days": 7}).content.decode()
    lines = list(csv.reader(csv_text.splitlines()))
    assert lines[0][2:5] == ["Impressions", "Clicks", "Conversion, %"]
    assert next(line for line in lines if line[0] == gig.title)[2:6] == ["150", "20", "5.00", "1"]
    xlsx = _web(seller).get("/freelance/my/analytics.xlsx", {"days": 7})
    sheet = load_workbook(BytesIO(xlsx.content))["gigs"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][2:5] == ["Impressions", "Clicks", "Conversion, %"]
    assert next(r for r in values if r[0] == gig.title)[2:6] == [150, 20, 5.0, 1]
