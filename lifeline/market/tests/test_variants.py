"""Attributes per category and variants with their own price and stock: the seller's API,
the cart and the checkout by variant (stock locked per variant, never oversold)."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from lifeline.market.enums import OrderStatus, ProductStatus
from lifeline.market.exceptions import OutOfStock
from lifeline.market.models import CartItem, Order, OrderLine, Product, Variant
from lifeline.market.services.cart import cart_set_item
from lifeline.market.services.orders import checkout_place, order_cancel
from lifeline.market.services.variants import variant_create
from lifeline.market.tests.conftest import client_for
from lifeline.market.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/market"


def _phone(seller: Any, market: Any, **kw: Any) -> Product:
    product = ProductFactory(
        seller=seller, organization=market, title="Смартфон", price=Decimal("1.00"), stock=0, **kw
    )
    variant_create(
        actor=seller,
        product=product,
        attributes={"storage": "128 GB", "colour": "чёрный"},
        price=Decimal("300.00"),
        stock=2,
    )
    variant_create(
        actor=seller,
        product=product,
        attributes={"colour": "белый", "storage": "256 GB"},
        price=Decimal("350.00"),
        stock=1,
    )
    product.refresh_from_db()
    return product


def test_the_seller_adds_variants_and_the_product_follows_them(seller: Any, market: Any) -> None:
    product = ProductFactory(seller=seller, organization=market, price=Decimal("1.00"), stock=0)
    url = f"{API}/products/{product.pk}/variants/"
    body = client_for(seller).post(
        url,
        {"attributes": {"colour": "red", "storage": "64 GB"}, "price": "99.50", "stock": 4},
        format="json",
    )
    assert body.status_code == 201, body.json()
    assert body.json()["attributes"] == [
        {"code": "storage", "name": "Storage"},
        {"code": "colour", "name": "Colour"},
    ]
    [variant] = body.json()["variants"]
    assert (variant["name"], variant["attributes"], variant["price"], variant["stock"]) == (
        "64 GB / red",
        {"storage": "64 GB", "colour": "red"},
        "99.50",
        4,
    )
    product.refresh_from_db()
    assert (product.price, product.stock) == (Decimal("99.50"), 4)
    patch = client_for(seller).patch(
        f"{url}{variant['id']}/", {"price": "80.00", "stock": 0}, format="json"
    )
    assert patch.json()["price"] == "80.00"
    product.refresh_from_db()
    assert (product.price, product.stock, product.status) == (
        Decimal("80.00"),
        0,
        ProductStatus.SOLD_OUT,
    )
    anon = client_for(None).get(url).json()
    assert [v["name"] for v in anon["variants"]] == ["64 GB / red"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"attributes": {"weight": "1 kg"}, "price": "10", "stock": 1}, "attributes"),
        ({"attributes": {}, "price": "10", "stock": 1}, "attributes"),
        ({"attributes": {"colour": "red"}, "price": "0", "stock": 1}, "price"),
        ({"attributes": {"colour": "red"}, "price": "10", "stock": -1}, "stock"),
        (
            {"attributes": {"colour": "чёрный", "storage": "128 GB"}, "price": "1", "stock": 1},
            "attributes",
        ),
    ],
)
def test_bad_variants_are_refused_with_the_field_and_nothing_stored(
    seller: Any, market: Any, payload: dict[str, Any], field: str
) -> None:
    product = _phone(seller, market)
    response = client_for(seller).post(
        f"{API}/products/{product.pk}/variants/", payload, format="json"
    )
    assert response.status_code == 400
    assert field in str(response.json())
    assert Variant.objects.filter(product=product).count() == 2


def test_only_the_seller_changes_variants(
    seller: Any, other_seller: Any, buyer: Any, market: Any
) -> None:
    product = _phone(seller, market)
    draft = _phone(seller, market, status=ProductStatus.DRAFT)
    variant = product.variants.first()
    assert variant is not None
    payload = {"attributes": {"colour": "red"}, "price": "10.00", "stock": 1}
    for user, status in ((other_seller, 403), (buyer, 403), (None, 401)):
        url = f"{API}/products/{product.pk}/variants/"
        assert client_for(user).post(url, payload, format="json").status_code == status
        patch = client_for(user).patch(f"{url}{variant.pk}/", {"stock": 99}, format="json")
        assert patch.status_code == status
    draft_url = f"{API}/products/{draft.pk}/variants/"
    assert client_for(other_seller).post(draft_url, payload, format="json").status_code == 404
    assert client_for(other_seller).get(draft_url).status_code == 404
    draft_variant = draft.variants.first()
    assert draft_variant is not None
    # A variant of another product through this product's URL: 404.
    wrong = f"{API}/products/{product.pk}/variants/{draft_variant.pk}/"
    assert client_for(seller).patch(wrong, {"stock": 9}, format="json").status_code == 404
    assert sorted(Variant.objects.values_list("stock", flat=True)) == [1, 1, 2, 2]
    product.refresh_from_db()
    assert product.stock == 3


def test_the_cart_needs_a_variant_of_this_product(
    seller: Any, buyer: Any, market: Any, django_assert_num_queries: Any
) -> None:
    product = _phone(seller, market)
    other = _phone(seller, market)
    black = product.variants.get(price=Decimal("300.00"))
    shopper = client_for(buyer)
    response = shopper.post(f"{API}/cart/", {"product": str(product.pk)}, format="json")
    assert response.status_code == 400
    assert "variant" in response.json()["errors"]
    wrong = other.variants.first()
    assert wrong is not None
    response = shopper.post(
        f"{API}/cart/", {"product": str(product.pk), "variant": wrong.pk}, format="json"
    )
    assert response.status_code == 404
    response = shopper.post(
        f"{API}/cart/",
        {"product": str(product.pk), "variant": black.pk, "quantity": 3},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["available"] == 2
    assert CartItem.objects.count() == 0
    body = shopper.post(
        f"{API}/cart/",
        {"product": str(product.pk), "variant": black.pk, "quantity": 2},
        format="json",
    ).json()
    assert body["items"][0]["variant"]["name"] == "128 GB / чёрный"
    assert (body["items"][0]["unit_price"], body["items"][0]["line_total"], body["total"]) == (
        "300.00",
        "600.00",
        "600.00",
    )
    white = product.variants.get(price=Decimal("350.00"))
    cart_set_item(actor=buyer, product=other, variant=other.variants.first(), quantity=1)
    cart_set_item(actor=buyer, product=product, variant=white, quantity=1)
    with django_assert_num_queries(2):  # the cart, its lines with products and variants
        body = shopper.get(f"{API}/cart/").json()
    assert body["total"] == "1250.00"
    deleted = shopper.delete(f"{API}/cart/items/{product.pk}/?variant={white.pk}").json()
    assert [i["variant"]["name"] for i in deleted["items"]] == [
        "128 GB / чёрный",
        "128 GB / чёрный",
    ]


def test_checkout_takes_and_cancel_returns_the_variants_stock(
    seller: Any, other_seller: Any, buyer: Any, market: Any
) -> None:
    product = _phone(seller, market)
    plain = ProductFactory(seller=other_seller, organization=market, price=Decimal("5.00"))
    black = product.variants.get(price=Decimal("300.00"))
    white = product.variants.get(price=Decimal("350.00"))
    cart_set_item(actor=buyer, product=product, variant=black, quantity=2)
    cart_set_item(actor=buyer, product=product, variant=white, quantity=1)
    cart_set_item(actor=buyer, product=plain, quantity=1)
    checkout = checkout_place(actor=buyer)
    assert checkout.total == Decimal("955.00")
    mine = Order.objects.get(checkout=checkout, seller=seller)
    lines = list(
        mine.lines.order_by("unit_price").values_list("variant_name", "unit_price", "quantity")
    )
    assert lines == [
        ("128 GB / чёрный", Decimal("300.00"), 2),
        ("256 GB / белый", Decimal("350.00"), 1),
    ]
    assert mine.subtotal == Decimal("950.00")
    assert Order.objects.get(checkout=checkout, seller=other_seller).subtotal == Decimal("5.00")
    black.refresh_from_db()
    white.refresh_from_db()
    product.refresh_from_db()
    assert (black.stock, white.stock, product.stock, product.status) == (
        0,
        0,
        0,
        ProductStatus.SOLD_OUT,
    )
    mine = order_cancel(actor=seller, order=mine, reason="")
    black.refresh_from_db()
    white.refresh_from_db()
    product.refresh_from_db()
    assert (black.stock, white.stock, product.stock, product.status) == (
        2,
        1,
        3,
        ProductStatus.ACTIVE,
    )
    assert OrderLine.objects.filter(order=mine, variant=black).exists()
    assert mine.status == OrderStatus.CANCELLED


def test_a_sold_out_variant_is_refused_while_others_sell(
    seller: Any, buyer: Any, other_buyer: Any, market: Any
) -> None:
    product = _phone(seller, market)
    white = product.variants.get(price=Decimal("350.00"))
    cart_set_item(actor=buyer, product=product, variant=white, quantity=1)
    cart_set_item(actor=other_buyer, product=product, variant=white, quantity=1)
    checkout_place(actor=buyer)
    with pytest.raises(OutOfStock) as refused:
        checkout_place(actor=other_buyer)
    assert refused.value.extra == {"product": str(product.pk), "available": 0, "variant": white.pk}
    product.refresh_from_db()
    assert (product.stock, product.status) == (2, ProductStatus.ACTIVE)
    assert Order.objects.filter(buyer=other_buyer).count() == 0
    assert CartItem.objects.filter(cart__buyer=other_buyer).count() == 1


def test_a_variant_added_later_makes_a_plain_cart_line_unavailable(
    seller: Any, buyer: Any, product: Any
) -> None:
    cart_set_item(actor=buyer, product=product, quantity=1)
    variant_create(
        actor=seller, product=product, attributes={"colour": "red"}, price=Decimal("9"), stock=1
    )
    with pytest.raises(Exception, match="not on sale"):
        checkout_place(actor=buyer)
    assert Order.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_buyers_racing_for_the_last_unit_of_a_variant_never_oversell(
    buyer: Any, other_buyer: Any, seller: Any, market: Any
) -> None:
    product = _phone(seller, market)
    white = product.variants.get(price=Decimal("350.00"))
    for user in (buyer, other_buyer):
        cart_set_item(actor=user, product=product, variant=white, quantity=1)
    results: list[str] = []
    start = threading.Barrier(2)

    def shop(user: Any) -> None:
        try:
            start.wait()
            checkout_place(actor=user)
            results.append("sold")
        except OutOfStock:
            results.append("out_of_stock")
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=shop, args=(u,)) for u in (buyer, other_buyer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["out_of_stock", "sold"]
    white.refresh_from_db()
    product.refresh_from_db()
    assert (white.stock, product.stock) == (0, 2)
