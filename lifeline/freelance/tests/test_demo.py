from __future__ import annotations

from typing import Any

import pytest

from lifeline.access.enums import OrganizationKind, Role
from lifeline.chat.models import Message
from lifeline.core.demo import DemoContext, seeders
from lifeline.freelance import selectors
from lifeline.freelance.demo import seed
from lifeline.freelance.models import (
    CustomOffer,
    Dispute,
    Gig,
    GigDailyStat,
    GigInquiry,
    Order,
    OrderFile,
    PortfolioItem,
    Review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


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
    assert sorted(Gig.objects.values_list("status", flat=True)) == [
        "active",
        "active",
        "pending_approval",
    ]
    orders = Order.objects.all()
    assert {(o.buyer_id, o.seller_id) for o in orders} == {(buyer.pk, seller.pk)}
    assert sorted(o.status for o in orders) == [
        "awaiting_requirements",
        "cancelled",
        "completed",
        "delivered",
        "disputed",
        "in_progress",
        "in_progress",
    ]
    assert sum(o.is_late for o in orders) == 1
    # Files with the requirements and the deliveries, downloadable by the demo buyer.
    assert OrderFile.objects.count() == 6
    assert Dispute.objects.get().status == "open"
    assert Review.objects.get().rating == 5
    assert PortfolioItem.objects.get().images.count() == 1
    assert CustomOffer.objects.get().status == "pending"
    assert GigInquiry.objects.count() == 1
    # The buyer's question and the offer's card in their conversation about the gig.
    offer = CustomOffer.objects.get()
    assert [(m.kind, m.sender_id, m.card_id) for m in Message.objects.order_by("created_at")] == [
        ("text", offer.buyer_id, None),
        ("card", offer.seller_id, offer.pk),
    ]
    assert GigDailyStat.objects.count() == 60  # 30 days of the two active gigs
    assert selectors.seller_analytics(actor=seller, days=30).clicks > 0
