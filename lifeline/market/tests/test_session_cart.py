"""A visitor's cart (session) joins the buyer's cart at sign-in; variants on the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from lifeline.accounts.tests.factories import DEFAULT_PASSWORD
from lifeline.market.enums import ProductStatus
from lifeline.market.models import CartItem, Variant
from lifeline.market.services.cart import cart_merge, cart_set_item
from lifeline.market.services.variants import variant_create
from lifeline.market.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _with_variant(seller: Any, market: Any) -> tuple[Any, Variant]:
    product = ProductFactory(seller=seller, organization=market, title="Куртка")
    variant = variant_create(
        actor=seller, product=product, attributes={"colour": "синий"}, price=Decimal("40"), stock=3
    )
    return product, variant


def test_the_visitors_cart_joins_the_buyers_at_sign_in(
    seller: Any, buyer: Any, market: Any
) -> None:
    plain = ProductFactory(seller=seller, organization=market, title="Чайник", stock=5)
    jacket, blue = _with_variant(seller, market)
    cart_set_item(actor=buyer, product=plain, quantity=4)  # already in the buyer's cart
    visitor = Client()
    assert (
        visitor.post(f"/market/products/{plain.slug}/cart/", {"quantity": "3"}).status_code == 302
    )
    visitor.post(f"/market/products/{jacket.slug}/cart/", {"quantity": "1"})  # no variant
    visitor.post(
        f"/market/products/{jacket.slug}/cart/", {"quantity": "2", "variant": str(blue.pk)}
    )
    page = visitor.get("/market/cart/").content.decode()
    assert "Чайник" in page
    assert "</a> · синий" in page
    assert 'data-testid="sign-in-to-checkout"' in page
    assert CartItem.objects.filter(cart__buyer=buyer).count() == 1  # nothing stored yet
    signed_in = visitor.post("/login/", {"identifier": buyer.email, "password": DEFAULT_PASSWORD})
    assert signed_in.status_code == 302
    rows = sorted(
        CartItem.objects.filter(cart__buyer=buyer).values_list(
            "product__title", "variant", "quantity"
        )
    )
    # 4 + 3 is capped by the stock (5); the variant line came along; nothing else.
    assert rows == [("Куртка", blue.pk, 2), ("Чайник", None, 5)]
    assert "market_cart" not in visitor.session
    assert "</a> · синий" in visitor.get("/market/cart/").content.decode()


def test_merging_drops_what_cannot_be_bought(
    seller: Any, other_seller: Any, buyer: Any, market: Any
) -> None:
    own = ProductFactory(seller=seller, organization=market)
    paused = ProductFactory(seller=other_seller, organization=market, status=ProductStatus.PAUSED)
    jacket, blue = _with_variant(other_seller, market)
    other, foreign = _with_variant(other_seller, market)
    kept = cart_merge(
        actor=seller,  # a seller without the buyer role shops nothing
        lines=[(str(jacket.pk), blue.pk, 1)],
    )
    assert kept == 0
    kept = cart_merge(
        actor=buyer,
        lines=[
            (str(own.pk), None, 1),
            (str(paused.pk), None, 1),
            (str(jacket.pk), foreign.pk, 1),  # another product's variant
            (str(jacket.pk), None, 1),  # the variant is missing
            ("00000000-0000-0000-0000-000000000000", None, 1),
            (str(jacket.pk), blue.pk, 9),
        ],
    )
    assert kept == 2  # own product is fine for a buyer who is not its seller
    rows = sorted(CartItem.objects.filter(cart__buyer=buyer).values_list("product_id", "quantity"))
    assert rows == sorted([(own.pk, 1), (jacket.pk, 3)])


def test_a_visitor_cannot_put_a_draft_or_a_foreign_variant_in_the_session(
    seller: Any, market: Any
) -> None:
    draft = ProductFactory(seller=seller, organization=market, status=ProductStatus.DRAFT)
    jacket, _blue = _with_variant(seller, market)
    _other, foreign = _with_variant(seller, market)
    visitor = Client()
    assert (
        visitor.post(f"/market/products/{draft.slug}/cart/", {"quantity": "1"}).status_code == 404
    )
    response = visitor.post(
        f"/market/products/{jacket.slug}/cart/", {"quantity": "1", "variant": str(foreign.pk)}
    )
    assert response.status_code == 404
    assert not visitor.session.get("market_cart")


def test_the_seller_adds_and_edits_variants_on_the_product_page(
    seller: Any, other_seller: Any, market: Any
) -> None:
    product = ProductFactory(seller=seller, organization=market, title="Смартфон")
    shop = Client()
    shop.force_login(seller)
    page = shop.get(f"/market/products/{product.slug}/").content.decode()
    assert 'name="attr_storage"' in page
    assert 'name="attr_colour"' in page
    response = shop.post(
        f"/market/products/{product.slug}/variants/",
        {"attr_storage": "128 GB", "attr_colour": "", "price": "199.00", "stock": "2"},
    )
    assert response.status_code == 302
    variant = Variant.objects.get(product=product)
    assert (variant.name, variant.price, variant.stock) == ("128 GB", Decimal("199.00"), 2)
    other = Client()
    other.force_login(other_seller)
    url = f"/market/products/{product.slug}/variants/{variant.pk}/"
    other.post(url, {"price": "1.00", "stock": "0"})
    variant.refresh_from_db()
    assert (variant.price, variant.stock) == (Decimal("199.00"), 2)
    shop.post(url, {"price": "150.00", "stock": "7"})
    variant.refresh_from_db()
    product.refresh_from_db()
    assert (variant.price, variant.stock, product.price, product.stock) == (
        Decimal("150.00"),
        7,
        Decimal("150.00"),
        7,
    )
    assert (
        'data-testid="variants"'
        in Client().get(f"/market/products/{product.slug}/").content.decode()
    )
