"""Writes of products: create, edit, and the status machine

draft -> pending_review -> active (a moderator approves, or at once for a seller in good
standing) <-> paused; active -> sold_out at zero stock (and back when stock returns);
any -> archived. Callers pass products loaded through the selectors (already authorized)
and the services check who may do what with the permissions, then the invariants.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from lifeline.access.enums import Role
from lifeline.audit.services import record
from lifeline.core.exceptions import InvalidInput
from lifeline.core.slugs import unique_slug
from lifeline.market import conf, events
from lifeline.market.enums import Condition, ProductStatus
from lifeline.market.exceptions import (
    InvalidPrice,
    InvalidTransition,
    MarketForbidden,
    NotASeller,
)
from lifeline.market.models import Category, Product
from lifeline.market.permissions import (
    can_edit_product,
    can_moderate_product,
    marketplace_organization_ids,
)
from lifeline.notifications.services import notify_many
from lifeline.realtime.events import publish_on_commit

EDITABLE_FIELDS = ("title", "description", "price", "old_price", "condition", "city", "stock")


def _check_prices(price: Decimal, old_price: Decimal | None) -> None:
    if price <= 0:
        raise InvalidInput(errors={"price": [gettext_noop("The price must be above zero.")]})
    if old_price is not None and old_price <= price:
        raise InvalidPrice(errors={"old_price": [gettext_noop("Must be above the price.")]})


def _status_for_stock(product: Product) -> str:
    """Active and sold out follow the stock; the other statuses do not."""
    if product.status == ProductStatus.ACTIVE and product.stock == 0:
        return ProductStatus.SOLD_OUT
    if product.status == ProductStatus.SOLD_OUT and product.stock > 0:
        return ProductStatus.ACTIVE
    return product.status


@transaction.atomic
def product_create(
    *,
    actor: Any,
    category: Category,
    title: str,
    price: Decimal,
    description: str = "",
    old_price: Decimal | None = None,
    condition: str = Condition.NEW,
    city: str = "",
    stock: int = 0,
) -> Product:
    """A new draft of `actor`'s, in the first marketplace where they are a seller."""
    org_ids = marketplace_organization_ids(actor, Role.SELLER)
    if not org_ids:
        raise NotASeller()
    _check_prices(price, old_price)
    product = Product.objects.create(
        organization_id=org_ids[0],
        seller=actor,
        category=category,
        title=title.strip(),
        slug=unique_slug(title),
        description=description,
        price=price,
        old_price=old_price,
        condition=condition,
        city=city.strip(),
        stock=stock,
    )
    record(actor=actor, action="market.product_created", target=product)
    return product


@transaction.atomic
def product_update(
    *, actor: Any, product: Product, category: Category | None = None, **changes: Any
) -> Product:
    """Edit the seller's own product. The slug never changes, so links stay valid."""
    if not can_edit_product(actor, product):
        raise MarketForbidden()
    if product.status == ProductStatus.ARCHIVED:
        raise InvalidTransition()
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.variants.exists():
        # The price and the stock follow the variants (services/variants.py).
        changes = {k: v for k, v in changes.items() if k not in ("price", "stock")}
    before = {name: str(getattr(product, name)) for name in changes}
    for name, value in changes.items():
        setattr(product, name, value.strip() if isinstance(value, str) else value)
    if category is not None:
        product.category = category
    _check_prices(product.price, product.old_price)
    product.status = _status_for_stock(product)
    product.save()
    record(
        actor=actor,
        action="market.product_updated",
        target=product,
        before=before,
        after={name: str(getattr(product, name)) for name in changes},
    )
    return product


def seller_in_good_standing(*, seller: Any) -> bool:
    """Enough moderator-approved products and none sent back since the last approval."""
    approved = Product.objects.filter(seller=seller, approved_by__isnull=False).count()
    rejected = Product.objects.filter(seller=seller).exclude(rejection_reason="").exists()
    return approved >= conf.trusted_seller_approvals() and not rejected


def _transition(
    *, actor: Any, product: Product, allowed_from: set[str], to: str, action: str, **extra: Any
) -> Product:
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.status not in allowed_from:
        raise InvalidTransition()
    before = product.status
    product.status = to
    for name, value in extra.items():
        setattr(product, name, value)
    product.status = _status_for_stock(product)
    product.save()
    record(
        actor=actor,
        action=action,
        target=product,
        before={"status": before},
        after={"status": product.status},
    )
    return product


@transaction.atomic
def product_submit(*, actor: Any, product: Product) -> Product:
    """Send a draft for review; a seller in good standing goes live at once."""
    if not can_edit_product(actor, product):
        raise MarketForbidden()
    trusted = seller_in_good_standing(seller=actor)
    product = _transition(
        actor=actor,
        product=product,
        allowed_from={ProductStatus.DRAFT},
        to=ProductStatus.ACTIVE if trusted else ProductStatus.PENDING_REVIEW,
        action="market.product_submitted",
    )
    if product.status == ProductStatus.PENDING_REVIEW:
        publish_on_commit(events.product_submitted(product), [events.moderators_group(product)])
    return product


def _tell_seller(product: Product, *, approved: bool) -> None:
    context = {
        "slug": product.slug,
        "title": product.title,
        "approved": approved,
        "reason": product.rejection_reason,
    }
    transaction.on_commit(
        lambda: notify_many([product.seller], "market.product_reviewed", [context])
    )


@transaction.atomic
def product_approve(*, actor: Any, product: Product) -> Product:
    if not can_moderate_product(actor, product):
        raise MarketForbidden()
    product = _transition(
        actor=actor,
        product=product,
        allowed_from={ProductStatus.PENDING_REVIEW},
        to=ProductStatus.ACTIVE,
        action="market.product_approved",
        approved_by=actor,
        rejection_reason="",
    )
    _tell_seller(product, approved=True)
    return product


@transaction.atomic
def product_reject(*, actor: Any, product: Product, reason: str) -> Product:
    """Back to draft with the moderator's reason, for the seller to fix and resubmit."""
    if not can_moderate_product(actor, product):
        raise MarketForbidden()
    if not reason.strip():
        raise InvalidInput(errors={"reason": [gettext_noop("A reason is required.")]})
    product = _transition(
        actor=actor,
        product=product,
        allowed_from={ProductStatus.PENDING_REVIEW},
        to=ProductStatus.DRAFT,
        action="market.product_rejected",
        rejection_reason=reason.strip()[:500],
    )
    _tell_seller(product, approved=False)
    return product


@transaction.atomic
def product_pause(*, actor: Any, product: Product) -> Product:
    if not can_edit_product(actor, product):
        raise MarketForbidden()
    return _transition(
        actor=actor,
        product=product,
        allowed_from={ProductStatus.ACTIVE, ProductStatus.SOLD_OUT},
        to=ProductStatus.PAUSED,
        action="market.product_paused",
    )


@transaction.atomic
def product_resume(*, actor: Any, product: Product) -> Product:
    if not can_edit_product(actor, product):
        raise MarketForbidden()
    return _transition(
        actor=actor,
        product=product,
        allowed_from={ProductStatus.PAUSED},
        to=ProductStatus.ACTIVE,
        action="market.product_resumed",
    )


@transaction.atomic
def product_archive(*, actor: Any, product: Product) -> Product:
    """Take a product off the market for good (orders keep pointing at it)."""
    if not can_edit_product(actor, product):
        raise MarketForbidden()
    return _transition(
        actor=actor,
        product=product,
        allowed_from=set(ProductStatus.values) - {ProductStatus.ARCHIVED},
        to=ProductStatus.ARCHIVED,
        action="market.product_archived",
    )
