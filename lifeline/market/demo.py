"""Demo data for `serve --demo`: products of the demo seller, on sale in the seeded
categories, ready for the demo buyer; one waits in the moderator's queue."""

from __future__ import annotations

from decimal import Decimal

from lifeline.access.enums import OrganizationKind, Role
from lifeline.core.demo import DemoContext
from lifeline.market.enums import Condition, ProductStatus
from lifeline.market.models import Category, Product, Variant

# Sellers write their listings in one language (here Russian, as the demo marketplace's
# sellers would); brand and model names stay as the maker spells them. The cities are in
# Russian too, so a listing never mixes scripts by accident.
DEMO_PRODUCTS = [
    # slug, category, title, description, price, old price, condition, city, stock, status
    ("demo-smartfon", "phones", "Смартфон Samsung Galaxy A54",
     "128 ГБ, две SIM-карты, гарантия год.", "3900000", "4500000", Condition.NEW,
     "Ташкент", 5, ProductStatus.ACTIVE),
    ("demo-noutbuk", "laptops", "Ноутбук Lenovo ThinkPad T14",
     "Восстановленный, 16 ГБ памяти, SSD 512 ГБ.", "8200000", None, Condition.REFURBISHED,
     "Ташкент", 2, ProductStatus.ACTIVE),
    ("demo-kurtka", "clothing", "Зимняя куртка",
     "Тёплая, с капюшоном. Размеры и цвета — в вариантах.", "650000", None, Condition.NEW,
     "Самарканд", 10, ProductStatus.ACTIVE),
    ("demo-velosiped", "sport", "Горный велосипед",
     "Рама 18 дюймов, 21 скорость, после сезона катания.", "1800000", None, Condition.USED,
     "Бухара", 1, ProductStatus.PENDING_REVIEW),
]  # fmt: skip

# slug -> [(attributes, price, stock)]: the jacket is sold by size and colour.
DEMO_VARIANTS = {
    "demo-kurtka": [
        ({"size": "M", "colour": "чёрный"}, "650000", 4),
        ({"size": "L", "colour": "чёрный"}, "650000", 3),
        ({"size": "L", "colour": "синий"}, "690000", 3),
    ],
}


def seed(ctx: DemoContext) -> None:
    seller = ctx.users.get(Role.SELLER)
    organization = ctx.organizations.get(OrganizationKind.MARKETPLACE)
    if seller is None or organization is None:
        return
    categories = {c.slug: c for c in Category.objects.all()}
    for row in DEMO_PRODUCTS:
        slug, category, title, description, price, old, condition, city, stock, status = row
        if category not in categories:
            continue
        product, created = Product.objects.get_or_create(
            slug=slug,
            defaults={
                "organization": organization,
                "seller": seller,
                "category": categories[category],
                "title": title,
                "description": description,
                "price": Decimal(price),
                "old_price": Decimal(old) if old else None,
                "condition": condition,
                "city": city,
                "stock": stock,
                "status": status,
            },
        )
        if created:
            for attributes, variant_price, variant_stock in DEMO_VARIANTS.get(slug, []):
                Variant.objects.create(
                    product=product,
                    attributes=attributes,
                    name=" / ".join(attributes.values()),
                    price=Decimal(variant_price),
                    stock=variant_stock,
                )
    ctx.write(f"market: {len(DEMO_PRODUCTS)} demo products")
