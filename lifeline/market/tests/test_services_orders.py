from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.market.enums import OrderStatus, ProductStatus
from lifeline.market.exceptions import (
    CartEmpty,
    InvalidTransition,
    MarketForbidden,
    NotABuyer,
    OutOfStock,
    OwnProduct,
)
from lifeline.market.models import CartItem, Checkout, Order, Product, SellerBalance
from lifeline.market.services.cart import cart_add_item, cart_set_item
from lifeline.market.services.orders import checkout_place, order_advance, order_cancel
from lifeline.market.tests.factories import ProductFactory
from lifeline.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_checkout_splits_the_cart_into_one_order_per_seller(
    buyer: Any, seller: Any, other_seller: Any, market: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = ProductFactory(seller=seller, organization=market, price=Decimal("19.99"), stock=3)
    b = ProductFactory(seller=seller, organization=market, price=Decimal("5.00"), stock=1)
    c = ProductFactory(seller=other_seller, organization=market, price=Decimal("1000.00"))
    cart_add_item(actor=buyer, product=a, quantity=2)
    cart_add_item(actor=buyer, product=b)
    cart_add_item(actor=buyer, product=c)
    with django_capture_on_commit_callbacks(execute=True):
        checkout = checkout_place(actor=buyer)
    assert checkout.total == Decimal("1044.98")
    mine = Order.objects.get(checkout=checkout, seller=seller)
    theirs = Order.objects.get(checkout=checkout, seller=other_seller)
    assert (mine.subtotal, mine.fee, mine.seller_amount) == (
        Decimal("44.98"),
        Decimal("2.25"),
        Decimal("42.73"),
    )
    assert (theirs.subtotal, theirs.fee, theirs.seller_amount) == (
        Decimal("1000.00"),
        Decimal("50.00"),
        Decimal("950.00"),
    )
    assert [(line.title, line.quantity) for line in mine.lines.order_by("line_total")] == [
        (b.title, 1),
        (a.title, 2),
    ]
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.stock, a.status) == (1, ProductStatus.ACTIVE)
    assert (b.stock, b.status) == (0, ProductStatus.SOLD_OUT)
    assert SellerBalance.objects.get(seller=seller).pending == Decimal("42.73")
    assert SellerBalance.objects.get(seller=other_seller).pending == Decimal("950.00")
    assert CartItem.objects.count() == 0
    assert set(
        Notification.objects.filter(topic="market.order_placed").values_list(
            "recipient_id", flat=True
        )
    ) == {seller.pk, other_seller.pk}


def test_a_short_line_refuses_the_whole_checkout_and_stores_nothing(
    buyer: Any, seller: Any, market: Any
) -> None:
    a = ProductFactory(seller=seller, organization=market, stock=3)
    b = ProductFactory(seller=seller, organization=market, stock=2)
    cart_set_item(actor=buyer, product=a, quantity=1)
    cart_set_item(actor=buyer, product=b, quantity=2)
    Product.objects.filter(pk=b.pk).update(stock=1)  # someone else bought one meanwhile
    with pytest.raises(OutOfStock) as refused:
        checkout_place(actor=buyer)
    assert refused.value.extra == {"product": str(b.pk), "available": 1}
    assert (Checkout.objects.count(), Order.objects.count()) == (0, 0)
    assert Product.objects.get(pk=a.pk).stock == 3
    assert CartItem.objects.count() == 2


def test_cart_rules(buyer: Any, seller: Any, product: Any) -> None:
    with pytest.raises(CartEmpty):
        checkout_place(actor=buyer)
    with pytest.raises(OutOfStock):
        cart_set_item(actor=buyer, product=product, quantity=6)
    seller_as_buyer = user_with_role(Role.BUYER, product.organization)
    with pytest.raises(NotABuyer):
        cart_set_item(actor=seller, product=product, quantity=1)
    assert seller_as_buyer.pk != seller.pk
    product.seller = seller_as_buyer
    with pytest.raises(OwnProduct):
        cart_set_item(actor=seller_as_buyer, product=product, quantity=1)


def _bought(buyer: Any, product: Any, quantity: int = 1) -> Order:
    cart_set_item(actor=buyer, product=product, quantity=quantity)
    return checkout_place(actor=buyer).orders.get()


def test_fulfilment_moves_the_balance_to_available(buyer: Any, seller: Any, product: Any) -> None:
    order = _bought(buyer, product, 2)
    with pytest.raises(MarketForbidden):
        order_advance(actor=buyer, order=order, step="confirm")
    with pytest.raises(InvalidTransition):
        order_advance(actor=seller, order=order, step="ship")
    for step, status in (("confirm", "confirmed"), ("ship", "shipped"), ("deliver", "delivered")):
        order = order_advance(actor=seller, order=order, step=step)
        assert order.status == status
    balance = SellerBalance.objects.get(seller=seller)
    assert (balance.pending, balance.available) == (Decimal("0.00"), Decimal("190.00"))
    with pytest.raises(InvalidTransition):
        order_cancel(actor=seller, order=order)


def test_cancel_returns_the_stock_and_the_pending_amount(
    buyer: Any, seller: Any, product: Any
) -> None:
    order = _bought(buyer, product, 5)
    product.refresh_from_db()
    assert (product.stock, product.status) == (0, ProductStatus.SOLD_OUT)
    order = order_cancel(actor=buyer, order=order, reason="Changed my mind")
    assert (order.status, order.cancel_reason) == (OrderStatus.CANCELLED, "Changed my mind")
    product.refresh_from_db()
    assert (product.stock, product.status) == (5, ProductStatus.ACTIVE)
    assert SellerBalance.objects.get(seller=seller).pending == Decimal("0.00")


def test_the_buyer_cancels_only_while_new(buyer: Any, seller: Any, product: Any) -> None:
    order = order_advance(actor=seller, order=_bought(buyer, product), step="confirm")
    with pytest.raises(InvalidTransition):
        order_cancel(actor=buyer, order=order)
    assert order_cancel(actor=seller, order=order).status == OrderStatus.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_two_buyers_racing_for_the_last_item_never_oversell(
    buyer: Any, other_buyer: Any, seller: Any, market: Any
) -> None:
    """SQLite: IMMEDIATE transactions serialise the checkouts; PostgreSQL: the row lock."""
    product = ProductFactory(seller=seller, organization=market, stock=1)
    cart_set_item(actor=buyer, product=product, quantity=1)
    cart_set_item(actor=other_buyer, product=product, quantity=1)
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
    product.refresh_from_db()
    assert (product.stock, product.status) == (0, ProductStatus.SOLD_OUT)
    assert Order.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_buyers_race_for_few_units_on_postgres(seller: Any, market: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    product = ProductFactory(seller=seller, organization=market, stock=5)
    buyers = [user_with_role(Role.BUYER, market) for _ in range(12)]
    for user in buyers:
        cart_set_item(actor=user, product=product, quantity=1)
    sold: list[int] = []

    def shop(user: Any) -> None:
        try:
            checkout_place(actor=user)
            sold.append(1)
        except OutOfStock:
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=shop, args=(u,)) for u in buyers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    product.refresh_from_db()
    assert (len(sold), product.stock) == (5, 0)
