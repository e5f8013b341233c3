"""Checkout and the order status machine.

Checkout locks the cart's products (`select_for_update`, in id order so two checkouts never
deadlock), refuses the whole checkout if any line is short (nothing stored), takes the stock,
and splits the cart into one order per seller with the platform's fee and the seller's
amount. On SQLite the IMMEDIATE transactions of the settings serialise checkouts the same way,
and a checkout that waited past the busy timeout runs again (`core.db.atomic_retrying`).

Order: new -> confirmed -> shipped -> delivered; new/confirmed -> cancelled (stock returned).
The seller's balance: `pending` at checkout, moved to `available` at delivery, taken back at
cancellation, always in the database (F expressions).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import F

from lifeline.audit.services import record
from lifeline.core.db import atomic_retrying
from lifeline.market import conf, events
from lifeline.market.enums import OrderStatus, ProductStatus
from lifeline.market.exceptions import (
    CartEmpty,
    InvalidTransition,
    MarketForbidden,
    NotABuyer,
    NotAvailable,
    OutOfStock,
)
from lifeline.market.models import (
    CartItem,
    Checkout,
    Order,
    OrderLine,
    Product,
    SellerBalance,
    Variant,
)
from lifeline.market.permissions import (
    can_cancel_order,
    can_fulfil_order,
    is_buyer,
)
from lifeline.notifications.services import notify_many
from lifeline.realtime.events import publish_on_commit

CENT = Decimal("0.01")


def fee_for(subtotal: Decimal) -> Decimal:
    return (subtotal * conf.fee_percent() / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def order_number(order: Order) -> str:
    return str(order.pk).split("-")[0].upper()


@atomic_retrying
def checkout_place(*, actor: Any) -> Checkout:
    """Turn the buyer's cart into orders, one per seller, or refuse and store nothing."""
    if not is_buyer(actor):
        raise NotABuyer()
    items = list(CartItem.objects.filter(cart__buyer=actor).order_by("product_id", "variant_id"))
    if not items:
        raise CartEmpty()
    # One line per product, or per variant of a product with variants.
    wanted: dict[tuple[Any, Any], int] = {
        (item.product_id, item.variant_id): item.quantity for item in items
    }
    # Locks: the products, then their variants, each in id order (as everywhere else).
    products = {
        p.pk: p
        for p in Product.objects.select_for_update()
        .filter(pk__in={pid for pid, _vid in wanted})
        .order_by("pk")
    }
    variants = {
        v.pk: v
        for v in Variant.objects.select_for_update()
        .filter(pk__in={vid for _pid, vid in wanted if vid is not None})
        .order_by("pk")
    }
    with_variants = set(
        Variant.objects.filter(product_id__in=list(products)).values_list("product_id", flat=True)
    )
    for (product_id, variant_id), quantity in wanted.items():
        product = products[product_id]
        available = variants[variant_id].stock if variant_id is not None else product.stock
        if product.status == ProductStatus.SOLD_OUT or available < quantity:
            extra: dict[str, Any] = {"product": str(product_id), "available": available}
            if variant_id is not None:
                extra["variant"] = variant_id
            raise OutOfStock(extra=extra)
        if product.status != ProductStatus.ACTIVE or product.seller_id == actor.pk:
            raise NotAvailable(extra={"product": str(product_id)})
        if (variant_id is None) == (product_id in with_variants):
            # A variant was added to the product since the line was put in the cart.
            raise NotAvailable(extra={"product": str(product_id)})

    def unit_price(key: tuple[Any, Any]) -> Decimal:
        product_id, variant_id = key
        return variants[variant_id].price if variant_id is not None else products[product_id].price

    by_seller: dict[Any, list[tuple[Any, Any]]] = defaultdict(list)
    for key in wanted:
        by_seller[products[key[0]].seller_id].append(key)
    currency = conf.currency()
    total = sum((unit_price(key) * quantity for key, quantity in wanted.items()), Decimal("0.00"))
    checkout = Checkout.objects.create(buyer=actor, total=total, currency=currency)
    orders: list[Order] = []
    for seller_id, keys in by_seller.items():
        subtotal = sum((unit_price(key) * wanted[key] for key in keys), Decimal("0.00"))
        fee = fee_for(subtotal)
        order = Order.objects.create(
            checkout=checkout,
            organization_id=products[keys[0][0]].organization_id,
            buyer=actor,
            seller_id=seller_id,
            subtotal=subtotal,
            fee=fee,
            seller_amount=subtotal - fee,
            currency=currency,
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                product=products[key[0]],
                variant_id=key[1],
                title=products[key[0]].title,
                variant_name=variants[key[1]].name if key[1] is not None else "",
                unit_price=unit_price(key),
                quantity=wanted[key],
                line_total=unit_price(key) * wanted[key],
            )
            for key in keys
        )
        balance, _ = SellerBalance.objects.get_or_create(
            seller_id=seller_id, defaults={"currency": currency}
        )
        SellerBalance.objects.filter(pk=balance.pk).update(
            pending=F("pending") + order.seller_amount
        )
        orders.append(order)
    for (product_id, variant_id), quantity in wanted.items():
        if variant_id is not None:
            variant = variants[variant_id]
            variant.stock -= quantity
            variant.save(update_fields=["stock", "updated_at"])
        product = products[product_id]
        product.stock -= quantity
        if product.stock == 0:
            product.status = ProductStatus.SOLD_OUT
        product.save(update_fields=["stock", "status", "updated_at"])
    CartItem.objects.filter(cart__buyer=actor).delete()
    record(
        actor=actor,
        action="market.checkout_placed",
        target=checkout,
        organization=orders[0].organization_id,
        metadata={"orders": [str(o.pk) for o in orders], "total": str(total)},
    )
    sellers = [o.seller for o in orders]
    contexts = [
        {
            "order_id": str(o.pk),
            "number": order_number(o),
            "items": sum(wanted[key] for key in by_seller[o.seller_id]),
            "total": str(o.subtotal),
            "currency": currency,
        }
        for o in orders
    ]
    # In the transaction: the notices are stored with the orders or not at all, and nothing
    # after COMMIT can fail a checkout that was placed.
    notify_many(sellers, "market.order_placed", contexts)
    for o in orders:
        publish_on_commit(events.order_event(o, "placed"), events.order_audience(o))
    return checkout


_FULFIL = {
    "confirm": ({OrderStatus.NEW}, OrderStatus.CONFIRMED),
    "ship": ({OrderStatus.CONFIRMED}, OrderStatus.SHIPPED),
    "deliver": ({OrderStatus.SHIPPED}, OrderStatus.DELIVERED),
}


def _locked(order: Order) -> Order:
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("buyer", "seller")
        .get(pk=order.pk)
    )


def _tell_buyer(order: Order) -> None:
    context = {"order_id": str(order.pk), "number": order_number(order)}
    notify_many([order.buyer], "market.order_updated", [context])


@transaction.atomic
def order_advance(*, actor: Any, order: Order, step: str) -> Order:
    """The seller's fulfilment steps: confirm, ship, deliver (in this order)."""
    if not can_fulfil_order(actor, order):
        raise MarketForbidden()
    allowed_from, to = _FULFIL[step]
    order = _locked(order)
    if order.status not in allowed_from:
        raise InvalidTransition()
    before = order.status
    order.status = to
    order.save(update_fields=["status", "updated_at"])
    if to == OrderStatus.DELIVERED:
        SellerBalance.objects.filter(seller_id=order.seller_id).update(
            pending=F("pending") - order.seller_amount,
            available=F("available") + order.seller_amount,
        )
    record(
        actor=actor,
        action=f"market.order_{to}",
        target=order,
        before={"status": before},
        after={"status": to},
    )
    _tell_buyer(order)
    publish_on_commit(events.order_event(order, to), events.order_audience(order))
    return order


@transaction.atomic
def order_cancel(*, actor: Any, order: Order, reason: str = "") -> Order:
    """Cancel a seller's part: the seller while it is new or confirmed, the buyer while new.
    The stock goes back (a sold-out product is on sale again) and so does the pending amount."""
    if not can_cancel_order(actor, order):
        raise MarketForbidden()
    order = _locked(order)
    allowed = (
        {OrderStatus.NEW, OrderStatus.CONFIRMED}
        if actor.pk == order.seller_id
        else {OrderStatus.NEW}
    )
    if order.status not in allowed:
        raise InvalidTransition()
    before = order.status
    order.status = OrderStatus.CANCELLED
    order.cancel_reason = reason.strip()[:500]
    order.save(update_fields=["status", "cancel_reason", "updated_at"])
    lines = list(order.lines.order_by("product_id"))
    for product in (
        Product.objects.select_for_update()
        .filter(pk__in=[line.product_id for line in lines])
        .order_by("pk")
    ):
        returned = sum(line.quantity for line in lines if line.product_id == product.pk)
        product.stock += returned
        for line in lines:
            if line.product_id == product.pk and line.variant_id is not None:
                Variant.objects.filter(pk=line.variant_id).update(stock=F("stock") + line.quantity)
        if product.status == ProductStatus.SOLD_OUT:
            product.status = ProductStatus.ACTIVE
        product.save(update_fields=["stock", "status", "updated_at"])
    SellerBalance.objects.filter(seller_id=order.seller_id).update(
        pending=F("pending") - order.seller_amount
    )
    record(
        actor=actor,
        action="market.order_cancelled",
        target=order,
        before={"status": before},
        after={"status": OrderStatus.CANCELLED},
    )
    if actor.pk == order.seller_id:
        _tell_buyer(order)
    else:
        context = {"order_id": str(order.pk), "number": order_number(order)}
        notify_many([order.seller], "market.order_updated", [context])
    publish_on_commit(events.order_event(order, "cancelled"), events.order_audience(order))
    return order
