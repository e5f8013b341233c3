"""Writes of the buyer's cart. Stock is checked here for a friendly answer, and again under
a row lock at checkout, which is the guarantee."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from lifeline.core.exceptions import InvalidInput
from lifeline.market.enums import ProductStatus
from lifeline.market.exceptions import NotABuyer, NotAvailable, OutOfStock, OwnProduct
from lifeline.market.models import Cart, CartItem, Product
from lifeline.market.permissions import is_buyer

MAX_QUANTITY = 999


def _check(actor: Any, product: Product, quantity: int) -> None:
    if not is_buyer(actor):
        raise NotABuyer()
    if not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidInput(errors={"quantity": [gettext_noop("Must be between 1 and 999.")]})
    if product.seller_id == actor.pk:
        raise OwnProduct()
    if product.status != ProductStatus.ACTIVE:
        raise NotAvailable()
    if quantity > product.stock:
        raise OutOfStock(extra={"available": product.stock})


@transaction.atomic
def cart_set_item(*, actor: Any, product: Product, quantity: int) -> CartItem:
    """Put `quantity` of `product` in the buyer's cart (replacing what was there)."""
    _check(actor, product, quantity)
    cart, _ = Cart.objects.get_or_create(buyer=actor)
    item, _ = CartItem.objects.update_or_create(
        cart=cart, product=product, defaults={"quantity": quantity}
    )
    return item


@transaction.atomic
def cart_add_item(*, actor: Any, product: Product, quantity: int = 1) -> CartItem:
    """Add `quantity` more of `product` to the buyer's cart."""
    cart, _ = Cart.objects.get_or_create(buyer=actor)
    existing = CartItem.objects.filter(cart=cart, product=product).first()
    total = quantity + (existing.quantity if existing else 0)
    if quantity < 1:
        raise InvalidInput(errors={"quantity": [gettext_noop("Must be between 1 and 999.")]})
    return cart_set_item(actor=actor, product=product, quantity=total)


@transaction.atomic
def cart_remove_item(*, actor: Any, product_id: Any) -> None:
    CartItem.objects.filter(cart__buyer=actor, product_id=product_id).delete()
