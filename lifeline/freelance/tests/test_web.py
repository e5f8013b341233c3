"""The freelance pages: public catalogue and gig page, editor, order page, moderation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lifeline.freelance.enums import GigStatus
from lifeline.freelance.models import Gig, Order
from lifeline.freelance.services import orders as order_services
from lifeline.freelance.tests.factories import PACKAGES, gig_factory

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_catalogue_and_gig_page_are_public(gig: Any, seller: Any, market: Any) -> None:
    draft = gig_factory(
        seller=seller, organization=market, status=GigStatus.DRAFT, title="Hidden draft gig"
    )
    anonymous = _client(None)
    page = anonymous.get("/freelance/?q=logo").content.decode()
    assert "A clean logo design" in page
    assert "Hidden draft gig" not in page
    assert anonymous.get(f"/freelance/gigs/{gig.pk}/").status_code == 200
    assert anonymous.get(f"/freelance/gigs/{draft.pk}/").status_code == 404


def test_buyer_orders_and_walks_the_order(gig: Any, buyer: Any, seller: Any) -> None:
    response = _client(buyer).post(f"/freelance/gigs/{gig.pk}/order/", {"tier": "premium"})
    order = Order.objects.get()
    assert response["Location"] == f"/freelance/orders/{order.pk}/"
    assert order.price == PACKAGES["premium"]["price"]
    base = f"/freelance/orders/{order.pk}/"
    _client(buyer).post(f"{base}requirements/", {"text": "Blue and white"})
    page = _client(seller).get(base).content.decode()
    assert "Deliver" in page
    assert "Accept delivery" not in page
    _client(seller).post(f"{base}deliver/", {"text": "short"})  # refused: under 10 chars
    assert Order.objects.get().status == "in_progress"
    _client(seller).post(f"{base}deliver/", {"text": "Here is the logo"})
    page = _client(buyer).get(base).content.decode()
    assert "Accept delivery" in page
    assert "Here is the logo" in page
    _client(buyer).post(f"{base}complete/")
    assert Order.objects.get().status == "completed"


def test_foreign_order_page_is_404(gig: Any, buyer: Any, other_buyer: Any, moderator: Any) -> None:
    order = order_services.order_place(actor=buyer, gig=gig, tier="basic")
    for user in (other_buyer, moderator):
        assert _client(user).get(f"/freelance/orders/{order.pk}/").status_code == 404
        response = _client(user).post(f"/freelance/orders/{order.pk}/cancel/")
        assert response.status_code == 404
    assert Order.objects.get().cancel_requested_by_id is None


def test_seller_creates_and_moderator_approves(seller: Any, moderator: Any, buyer: Any) -> None:
    form = {
        "title": "Translate your leaflet",
        "description": "Russian to English, carefully.",
        "category": "writing-translation",
        "tags": "translation, ru",
    }
    for tier, package in PACKAGES.items():
        form.update(
            {
                f"{tier}_title": package["title"],
                f"{tier}_price": str(package["price"]),
                f"{tier}_delivery_days": package["delivery_days"],
                f"{tier}_revisions": package["revisions"],
                f"{tier}_features": "one\ntwo",
            }
        )
    bad = {**form, "premium_revisions": 11}
    assert _client(seller).post("/freelance/my/gigs/new/", bad).status_code == 422
    assert Gig.objects.count() == 0
    _client(seller).post("/freelance/my/gigs/new/", form)
    gig = Gig.objects.get()
    assert (gig.status, gig.tags) == ("draft", ["translation", "ru"])
    _client(seller).post(f"/freelance/gigs/{gig.pk}/submit/")
    assert _client(buyer).get("/freelance/moderation/").status_code == 404
    page = _client(moderator).get("/freelance/moderation/").content.decode()
    assert "Translate your leaflet" in page
    _client(moderator).post(f"/freelance/gigs/{gig.pk}/approve/")
    assert Gig.objects.get().status == "active"
    # An edit of the active gig's text goes back to approval.
    _client(seller).post(
        f"/freelance/my/gigs/{gig.pk}/", {**form, "title": "Translate a leaflet now"}
    )
    assert Gig.objects.get().status == "pending_approval"


def test_home_tile_for_marketplace_roles(buyer: Any) -> None:
    page = _client(buyer).get("/").content.decode()
    assert 'href="/freelance/"' in page


def test_russian_page(gig: Any, buyer: Any) -> None:
    buyer.language = "ru"
    buyer.save()
    page = (
        _client(buyer).get(f"/freelance/gigs/{gig.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    )
    assert "Графика" not in page  # the subcategory only
    assert "Дизайн логотипов" in page


@pytest.mark.parametrize(("status", "has_actions"), [("cancelled", False), ("in_progress", True)])
def test_the_order_page_shows_the_actions_card_only_when_an_action_is_open(
    gig: Any, buyer: Any, status: str, has_actions: bool
) -> None:
    """A cancelled order showed an empty actions card to its buyer (seen at 390 px)."""
    from lifeline.freelance.tests.factories import order_factory

    order = order_factory(gig=gig, buyer=buyer, status=status)
    page = _client(buyer).get(f"/freelance/orders/{order.pk}/").content.decode()
    assert ('class="card fl-actions" aria-label="Actions"' in page) is has_actions
