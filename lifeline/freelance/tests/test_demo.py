from __future__ import annotations

from typing import Any

import pytest

from lifeline.access.enums import OrganizationKind, Role
from lifeline.core.demo import DemoContext, seeders
from lifeline.freelance.demo import seed
from lifeline.freelance.models import Gig, Order

pytestmark = pytest.mark.django_db


def test_seed_is_registered_and_idempotent(
    market: Any, seller: Any, buyer: Any, moderator: Any
) -> None:
    assert seed in seeders()
    ctx = DemoContext(
        organizations={OrganizationKind.MARKETPLACE: market},
        users={Role.SELLER: seller, Role.BUYER: buyer, Role.MODERATOR: moderator},
    )
    ctx.write = lambda _text: None
    seed(ctx)
    seed(ctx)
    assert list(Gig.objects.values_list("status", flat=True)) == ["active", "active"]
    order = Order.objects.get()
    assert (order.buyer, order.seller, order.status) == (buyer, seller, "in_progress")
