"""Writes of a product's variants (its own price and stock per combination of the category's
attributes). A product with variants is sold by variant only; its `price` follows the lowest
variant price and its `stock` the sum of the variants' stock, kept here and at checkout."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Min, Sum
from django.utils.translation import gettext_noop

from lifeline.audit.services import record
from lifeline.core.exceptions import InvalidInput
from lifeline.market import selectors
from lifeline.market.enums import ProductStatus
from lifeline.market.exceptions import InvalidTransition, MarketForbidden
from lifeline.market.models import Product, Variant
from lifeline.market.permissions import can_edit_product
from lifeline.market.services.products import _status_for_stock

MAX_STOCK = 1_000_000


def sync_product_from_variants(product: Product) -> None:
    """The product's price (lowest) and stock (sum) from its variants; the caller holds the
    product's row lock."""
    totals = Variant.objects.filter(product=product).aggregate(low=Min("price"), stock=Sum("stock"))
    if totals["low"] is None:
        return
    product.price = totals["low"]
    if product.old_price is not None and product.old_price <= product.price:
        product.old_price = None
    product.stock = totals["stock"] or 0
    product.status = _status_for_stock(product)
    product.save(update_fields=["price", "old_price", "stock", "status", "updated_at"])


def _check(price: Decimal, stock: int) -> None:
    if price <= 0:
        raise InvalidInput(errors={"price": [gettext_noop("The price must be above zero.")]})
    if not 0 <= stock <= MAX_STOCK:
        raise InvalidInput(errors={"stock": [gettext_noop("Must be between 0 and 1000000.")]})


def _locked_product(actor: Any, product: Product) -> Product:
    if not can_edit_product(actor, product):
        raise MarketForbidden()
    if product.status == ProductStatus.ARCHIVED:
        raise InvalidTransition()
    return Product.objects.select_for_update().get(pk=product.pk)


@transaction.atomic
def variant_create(
    *, actor: Any, product: Product, attributes: dict[str, str], price: Decimal, stock: int
) -> Variant:
    """A new variant of the seller's own product: a value for each of the category's
    attributes (at least one), unique per product."""
    product = _locked_product(actor, product)
    _check(price, stock)
    known = selectors.attributes_for(category=product.category)
    codes = [a.code for a in known]
    values = {str(k): str(v).strip() for k, v in attributes.items() if str(v).strip()}
    unknown = sorted(set(values) - set(codes))
    if unknown or not values or any(len(v) > 60 for v in values.values()):
        raise InvalidInput(
            errors={"attributes": [gettext_noop("Give a value for the category's attributes.")]}
        )
    ordered = {code: values[code] for code in codes if code in values}
    name = " / ".join(ordered.values())
    if Variant.objects.filter(product=product, name=name).exists():
        raise InvalidInput(errors={"attributes": [gettext_noop("This variant already exists.")]})
    variant = Variant.objects.create(
        product=product, attributes=ordered, name=name, price=price, stock=stock
    )
    sync_product_from_variants(product)
    record(
        actor=actor,
        action="market.variant_created",
        target=product,
        metadata={"variant": variant.pk, "name": name, "price": str(price), "stock": stock},
    )
    return variant


@transaction.atomic
def variant_update(
    *, actor: Any, variant: Variant, price: Decimal | None = None, stock: int | None = None
) -> Variant:
    """Change the price or the stock of a variant of the seller's own product."""
    product = _locked_product(actor, variant.product)
    variant = Variant.objects.select_for_update().get(pk=variant.pk)
    before = {"price": str(variant.price), "stock": variant.stock}
    new_price = variant.price if price is None else price
    new_stock = variant.stock if stock is None else stock
    _check(new_price, new_stock)
    variant.price, variant.stock = new_price, new_stock
    variant.save(update_fields=["price", "stock", "updated_at"])
    sync_product_from_variants(product)
    record(
        actor=actor,
        action="market.variant_updated",
        target=product,
        before=before,
        after={"price": str(variant.price), "stock": variant.stock},
        metadata={"variant": variant.pk},
    )
    return variant
