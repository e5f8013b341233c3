"""Writes of the buyer's cart. Stock is checked here for a friendly answer, and again under
a row lock at checkout, which is the guarantee."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from lifeline.core.exceptions import DomainError, InvalidInput
from lifeline.market.enums import ProductStatus
from lifeline.market.exceptions import NotABuyer, NotAvailable, OutOfStock, OwnProduct
from lifeline.market.models import Cart, CartItem, Product, Variant
from lifeline.market.permissions import is_buyer

MAX_QUANTITY = 999


def _check(actor: Any, product: Product, quantity: int, variant: Variant | None) -> None:
    if not is_buyer(actor):
        raise NotABuyer()
    if not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidInput(errors={"quantity": [gettext_noop("Must be between 1 and 999.")]})
    if product.seller_id == actor.pk:
        raise OwnProduct()
    if product.status != ProductStatus.ACTIVE:
        raise NotAvailable()
    has_variants = Variant.objects.filter(product=product).exists()
    if variant is not None and variant.product_id != product.pk:
        raise InvalidInput(errors={"variant": [gettext_noop("Not a variant of this product.")]})
    if has_variants and variant is None:
        raise InvalidInput(errors={"variant": [gettext_noop("Choose a variant.")]})
    if not has_variants and variant is not None:
        raise InvalidInput(errors={"variant": [gettext_noop("Not a variant of this product.")]})
    available = variant.stock if variant is not None else product.stock
    if quantity > available:
        raise OutOfStock(extra={"available": available})


@transaction.atomic
def cart_set_item(
    *, actor: Any, product: Product, quantity: int, variant: Variant | None = None
) -> CartItem:
    """Put `quantity` of `product` (of its `variant` when it has variants) in the buyer's
    cart, replacing what was there."""
    _check(actor, product, quantity, variant)
    cart, _ = Cart.objects.get_or_create(buyer=actor)
    item, _ = CartItem.objects.update_or_create(
        cart=cart, product=product, variant=variant, defaults={"quantity": quantity}
    )
    return item


@transaction.atomic
def cart_add_item(
    *, actor: Any, product: Product, quantity: int = 1, variant: Variant | None = None
) -> CartItem:
    """Add `quantity` more of `product` (or of its `variant`) to the buyer's cart."""
    cart, _ = Cart.objects.get_or_create(buyer=actor)
    existing = CartItem.objects.filter(cart=cart, product=product, variant=variant).first()
    total = quantity + (existing.quantity if existing else 0)
    if quantity < 1:
        raise InvalidInput(errors={"quantity": [gettext_noop("Must be between 1 and 999.")]})
    return cart_set_item(actor=actor, product=product, quantity=total, variant=variant)


@transaction.atomic
def cart_remove_item(*, actor: Any, product_id: Any, variant_id: Any = None) -> None:
    """Remove a product's line (or, given `variant_id`, that variant's line)."""
    lines = CartItem.objects.filter(cart__buyer=actor, product_id=product_id)
    if variant_id is not None:
        lines = lines.filter(variant_id=variant_id)
    lines.delete()


@transaction.atomic
def cart_merge(*, actor: Any, lines: list[tuple[Any, Any, int]]) -> int:
    """Add a visitor's lines (product id, variant id or None, quantity), kept before signing
    in, to the buyer's cart: quantities add up, capped by the stock; a line that cannot be
    bought (gone, off sale, own product, a missing or foreign variant, not a buyer) is
    dropped. Returns how many lines were kept."""
    if not is_buyer(actor):
        return 0
    kept = 0
    for product_id, variant_id, quantity in lines:
        product = Product.objects.filter(pk=product_id).first()
        variant = (
            Variant.objects.filter(pk=variant_id, product_id=product_id).first()
            if variant_id is not None
            else None
        )
        if product is None or (variant_id is not None and variant is None):
            continue
        cart, _ = Cart.objects.get_or_create(buyer=actor)
        existing = CartItem.objects.filter(cart=cart, product=product, variant=variant).first()
        available = variant.stock if variant is not None else product.stock
        total = min(quantity + (existing.quantity if existing else 0), available, MAX_QUANTITY)
        try:
            with transaction.atomic():
                cart_set_item(actor=actor, product=product, quantity=total, variant=variant)
        except DomainError:
            continue
        kept += 1
    return kept
