"""Factories of the freelance module: an active gig with three packages, orders."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lifeline.freelance.enums import GigStatus
from lifeline.freelance.models import Category, Gig, GigPackage, Order

PACKAGES: dict[str, dict[str, Any]] = {
    "basic": {
        "title": "Basic",
        "price": Decimal("25.00"),
        "delivery_days": 5,
        "revisions": 1,
        "features": ["one concept"],
    },
    "standard": {
        "title": "Standard",
        "price": Decimal("50.00"),
        "delivery_days": 4,
        "revisions": 2,
        "features": ["two concepts"],
    },
    "premium": {
        "title": "Premium",
        "price": Decimal("120.00"),
        "delivery_days": 3,
        "revisions": 3,
        "features": ["three concepts"],
    },
}


def packages_payload() -> dict[str, dict[str, Any]]:
    return {tier: {**p, "price": str(p["price"])} for tier, p in PACKAGES.items()}


def logo_category() -> Category:
    """The seeded subcategory (created again after a transactional test flushed the seed)."""
    parent, _ = Category.objects.get_or_create(
        slug="design", defaults={"name_en": "Graphics & Design", "name_ru": "Графика и дизайн"}
    )
    category, _ = Category.objects.get_or_create(
        slug="design-logo",
        defaults={"name_en": "Logo design", "name_ru": "Дизайн логотипов", "parent": parent},
    )
    return category


def gig_factory(
    *,
    seller: Any,
    organization: Any,
    status: str = GigStatus.ACTIVE,
    title: str = "A clean logo design",
    category: Category | None = None,
    description: str = "Vector logo with three concepts and source files.",
    tags: list[str] | None = None,
    packages: dict[str, dict[str, Any]] | None = None,
    **fields: Any,
) -> Gig:
    """`packages`: per tier, the fields that differ from `PACKAGES`."""
    gig = Gig.objects.create(
        organization=organization,
        seller=seller,
        category=category or logo_category(),
        title=title,
        description=description,
        tags=["logo"] if tags is None else tags,
        status=status,
        **fields,
    )
    changed = packages or {}
    GigPackage.objects.bulk_create(
        [GigPackage(gig=gig, tier=t, **{**p, **changed.get(t, {})}) for t, p in PACKAGES.items()]
    )
    return gig


def order_factory(*, gig: Gig, buyer: Any, tier: str = "standard", **fields: Any) -> Order:
    package = gig.packages.get(tier=tier)
    return Order.objects.create(
        organization_id=gig.organization_id,
        gig=gig,
        buyer=buyer,
        seller_id=gig.seller_id,
        gig_title=gig.title,
        tier=tier,
        package_title=package.title,
        price=package.price,
        delivery_days=package.delivery_days,
        revisions_allowed=package.revisions,
        features=package.features,
        **fields,
    )
