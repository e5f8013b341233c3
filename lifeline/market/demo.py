"""Demo data for `serve --demo`: products of the demo seller, on sale in the seeded
categories, ready for the demo buyer; one waits in the moderator's queue."""

from __future__ import annotations

from decimal import Decimal

from lifeline.access.enums import OrganizationKind, Role
from lifeline.core.demo import DemoContext
from lifeline.market.enums import Condition, ProductStatus
from lifeline.market.models import Category, Product

DEMO_PRODUCTS = [
    # slug, category, title, price, old price, condition, city, stock, status
    ("demo-smartfon", "phones", "Смартфон Galaxy A54", "3900000", "4500000", Condition.NEW,
     "Tashkent", 5, ProductStatus.ACTIVE),
    ("demo-noutbuk", "laptops", "Ноутбук ThinkPad T14", "8200000", None, Condition.REFURBISHED,
     "Tashkent", 2, ProductStatus.ACTIVE),
    ("demo-kurtka", "clothing", "Winter jacket", "650000", None, Condition.NEW,
     "Samarkand", 10, ProductStatus.ACTIVE),
    ("demo-velosiped", "sport", "Велосипед горный", "1800000", None, Condition.USED,
     "Bukhara", 1, ProductStatus.PENDING_REVIEW),
]  # fmt: skip


def seed(ctx: DemoContext) -> None:
    seller = ctx.users.get(Role.SELLER)
    organization = ctx.organizations.get(OrganizationKind.MARKETPLACE)
    if seller is None or organization is None:
        return
    categories = {c.slug: c for c in Category.objects.all()}
    for slug, category, title, price, old, condition, city, stock, status in DEMO_PRODUCTS:
        if category not in categories:
            continue
        Product.objects.get_or_create(
            slug=slug,
            defaults={
                "organization": organization,
                "seller": seller,
                "category": categories[category],
                "title": title,
                "description": title,
                "price": Decimal(price),
                "old_price": Decimal(old) if old else None,
                "condition": condition,
                "city": city,
                "stock": stock,
                "status": status,
            },
        )
    ctx.write(f"market: {len(DEMO_PRODUCTS)} demo products")
