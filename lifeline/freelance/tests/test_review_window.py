"""Reviews only within 30 days of completion (issue 18, section 3)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lifeline.freelance.enums import OrderStatus
from lifeline.freelance.models import Order, Review
from lifeline.freelance.tests.conftest import client_for
from lifeline.freelance.tests.factories import order_factory

pytestmark = pytest.mark.django_db
API = "/api/v1/freelance"
SCORES = {"communication": 5, "as_described": 5, "would_recommend": True}


def test_review_window_is_thirty_days(gig: Any, buyer: Any) -> None:
    late = order_factory(gig=gig, buyer=buyer, status=OrderStatus.COMPLETED)
    Order.objects.filter(pk=late.pk).update(
        completed_at=timezone.now() - timedelta(days=30, minutes=1)
    )
    response = client_for(buyer).post(
        f"{API}/orders/{late.pk}/review/", SCORES | {"rating": 5}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (
        409,
        "freelance.review_window_closed",
    )
    assert Review.objects.count() == 0
    page = client_for(buyer)
    page.force_login(buyer)
    assert (
        f"/freelance/orders/{late.pk}/review/"
        not in page.get(f"/freelance/orders/{late.pk}/").content.decode()
    )
    recent = order_factory(gig=gig, buyer=buyer, status=OrderStatus.COMPLETED)
    Order.objects.filter(pk=recent.pk).update(
        completed_at=timezone.now() - timedelta(days=29, hours=23)
    )
    response = client_for(buyer).post(
        f"{API}/orders/{recent.pk}/review/", SCORES | {"rating": 4}, format="json"
    )
    assert response.status_code == 201
    assert list(Review.objects.values_list("order_id", "rating")) == [(recent.pk, 4)]
