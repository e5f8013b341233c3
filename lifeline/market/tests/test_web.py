from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lifeline.market.enums import OrderStatus, ProductStatus
from lifeline.market.models import CartItem, Order, Product
from lifeline.market.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_journey_through_the_pages(
    seller: Any, buyer: Any, moderator: Any, other_seller: Any, market: Any
) -> None:
    shop = _client(seller)
    response = shop.post(
        "/market/products/new/",
        {
            "category": "phones",
            "title": "Телефон",
            "price": "99.90",
            "condition": "new",
            "stock": "1",
            "city": "Tashkent",
        },
    )
    assert response.status_code == 302
    product = Product.objects.get(seller=seller)
    assert response["Location"] == f"/market/products/{product.slug}/"
    shop.post(f"/market/products/{product.slug}/submit/")
    mod = _client(moderator)
    queue = mod.get("/market/moderation/")
    assert queue.status_code == 200
    assert "Телефон" in queue.content.decode()
    mod.post(f"/market/products/{product.slug}/approve/")
    product.refresh_from_db()
    assert product.status == ProductStatus.ACTIVE

    other = ProductFactory(seller=other_seller, organization=market, title="Case")
    shopper = _client(buyer)
    catalogue = shopper.get("/market/?q=Телефон").content.decode()
    assert "Телефон" in catalogue
    assert "Case" not in catalogue
    shopper.post(f"/market/products/{product.slug}/cart/", {"quantity": "1"})
    shopper.post(f"/market/products/{other.slug}/cart/", {"quantity": "2"})
    cart = shopper.get("/market/cart/").content.decode()
    assert "299.90" in cart
    assert shopper.post("/market/checkout/")["Location"] == "/market/orders/"
    assert CartItem.objects.count() == 0
    mine = Order.objects.get(seller=seller)
    theirs = Order.objects.get(seller=other_seller)
    sales = shop.get("/market/sales/").content.decode()
    assert f"/market/orders/{mine.pk}/" in sales
    assert f"/market/orders/{theirs.pk}/" not in sales
    assert _client(other_seller).get(f"/market/orders/{mine.pk}/").status_code == 404
    shop.post(f"/market/orders/{mine.pk}/confirm/")
    mine.refresh_from_db()
    assert mine.status == OrderStatus.CONFIRMED
    assert shopper.get(f"/market/orders/{mine.pk}/").status_code == 200


@pytest.mark.parametrize(
    "path", ["/market/", "/market/cart/", "/market/orders/", "/market/favourites/"]
)
def test_pages_render_for_a_buyer(buyer: Any, path: str) -> None:
    assert _client(buyer).get(path).status_code == 200


def test_role_pages_are_404_without_the_role(buyer: Any, seller: Any, product: Any) -> None:
    client = _client(buyer)
    for path in (
        "/market/products/new/",
        "/market/products/mine/",
        "/market/sales/",
        "/market/moderation/",
        f"/market/products/{product.slug}/edit/",
    ):
        assert client.get(path).status_code == 404, path
    assert _client(seller).get("/market/products/mine/").status_code == 200
    assert _client(None).get(f"/market/products/{product.slug}/").status_code == 200
    # A visitor's cart lives in the session; placing the order needs signing in.
    visitor_cart = _client(None).get("/market/cart/")
    assert visitor_cart.status_code == 200
    assert _client(None).post("/market/checkout/").status_code == 302


def test_a_draft_is_hidden_from_others(buyer: Any, seller: Any, market: Any) -> None:
    draft = ProductFactory(seller=seller, organization=market, status=ProductStatus.DRAFT)
    assert _client(buyer).get(f"/market/products/{draft.slug}/").status_code == 404
    assert _client(seller).get(f"/market/products/{draft.slug}/").status_code == 200


def test_the_demo_seed_is_idempotent(seller: Any, market: Any) -> None:
    from lifeline.access.enums import OrganizationKind, Role
    from lifeline.core.demo import DemoContext, seeders
    from lifeline.market.demo import DEMO_PRODUCTS, seed

    assert seed in seeders()
    ctx = DemoContext(
        organizations={OrganizationKind.MARKETPLACE: market},
        users={Role.SELLER: seller},
        write=lambda _line: None,
    )
    seed(ctx)
    seed(ctx)
    assert Product.objects.filter(seller=seller).count() == len(DEMO_PRODUCTS) == 4
    assert Product.objects.filter(status=ProductStatus.PENDING_REVIEW).count() == 1


def test_the_seller_answers_a_review_on_the_page(seller: Any, buyer: Any, product: Any) -> None:
    from lifeline.market.models import Review
    from lifeline.market.services.reviews import review_create

    review = review_create(actor=buyer, product=product, rating=2, text="Slow")
    url = f"/market/products/{product.slug}/reviews/{review.pk}/answer/"
    _client(buyer).post(url, {"text": "Not mine to answer"})
    _client(seller).post(url, {"text": "Sorry, fixed"})
    assert Review.objects.get(pk=review.pk).seller_answer == "Sorry, fixed"
    page = _client(None).get(f"/market/products/{product.slug}/").content.decode()
    assert "Sorry, fixed" in page


def test_the_catalogue_sorts_by_price(buyer: Any, seller: Any, market: Any) -> None:
    from decimal import Decimal

    ProductFactory(seller=seller, organization=market, title="Zeta", price=Decimal("1.00"))
    ProductFactory(seller=seller, organization=market, title="Alpha", price=Decimal("9.00"))
    page = _client(buyer).get("/market/?sort=price_desc").content.decode()
    assert page.index("Alpha") < page.index("Zeta")


XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
]


def test_text_from_sellers_and_buyers_is_escaped_on_the_pages(
    seller: Any, buyer: Any, market: Any
) -> None:
    """Descriptions, titles and reviews are plain text: every tag is shown, not run."""
    from lifeline.market.services.reviews import review_create

    payload = " ".join(XSS)
    product = ProductFactory(seller=seller, organization=market, title=XSS[0], description=payload)
    review_create(actor=buyer, product=product, rating=3, text=payload, pros=XSS[1])
    for page in (
        _client(None).get(f"/market/products/{product.slug}/").content.decode(),
        _client(None).get("/market/", {"q": "alert"}).content.decode(),
    ):
        for bad in ("<script>alert", "<img src=x", 'href="javascript:', "<svg onload"):
            assert bad not in page
    page = _client(None).get(f"/market/products/{product.slug}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
