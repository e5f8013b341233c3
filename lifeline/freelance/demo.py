"""Demo data of the freelance module: a seller with two gigs, a buyer's order in progress."""

from __future__ import annotations

from decimal import Decimal

from lifeline.access.enums import OrganizationKind, Role
from lifeline.core.demo import DemoContext

# In Russian, the demo's default language: demo gigs are data a seller typed, not UI strings.
DEMO_GIGS = (
    (
        "Логотип для медицинского центра",
        "design-logo",
        "Векторный логотип: три концепции на выбор и исходные файлы.",
        ["логотип", "брендинг"],
    ),
    (
        "Перевод медицинской памятки RU–EN",
        "writing-translation",
        "Аккуратный перевод памяток и анкет с русского на английский и обратно.",
        ["перевод"],
    ),
)


def _packages(base: int) -> dict[str, dict[str, object]]:
    return {
        "basic": {
            "title": "Эконом",
            "price": Decimal(base),
            "delivery_days": 5,
            "revisions": 1,
            "features": ["одна концепция"],
        },
        "standard": {
            "title": "Стандарт",
            "price": Decimal(base * 2),
            "delivery_days": 4,
            "revisions": 2,
            "features": ["две концепции", "исходные файлы"],
        },
        "premium": {
            "title": "Бизнес",
            "price": Decimal(base * 4),
            "delivery_days": 3,
            "revisions": 5,
            "features": ["три концепции", "исходные файлы", "гайдлайн"],
        },
    }


def seed(ctx: DemoContext) -> None:
    from lifeline.freelance import services
    from lifeline.freelance.enums import GigStatus
    from lifeline.freelance.models import Category, Gig, Order

    seller = ctx.users.get(Role.SELLER)
    buyer = ctx.users.get(Role.BUYER)
    moderator = ctx.users.get(Role.MODERATOR)
    organization = ctx.organizations.get(OrganizationKind.MARKETPLACE)
    if seller is None or organization is None:
        return
    gigs = []
    for index, (title, slug, description, tags) in enumerate(DEMO_GIGS):
        gig = Gig.objects.filter(seller=seller, title=title).first()
        if gig is None:
            gig = services.gig_create(
                actor=seller,
                organization_id=organization.pk,
                category=Category.objects.get(slug=slug),
                title=title,
                description=description,
                tags=tags,
                packages=_packages(20 + 30 * index),
            )
            services.gig_submit(actor=seller, gig=gig)
            if moderator is not None:
                services.gig_approve(actor=moderator, gig=gig)
            else:
                Gig.objects.filter(pk=gig.pk).update(status=GigStatus.ACTIVE)
        gigs.append(gig)
    if buyer is not None and not Order.objects.filter(buyer=buyer).exists():
        order = services.order_place(actor=buyer, gig=gigs[0], tier="standard")
        services.order_submit_requirements(
            actor=buyer, order=order, text="Центр называется «Лайфлайн», цвета синий и белый."
        )
    ctx.write("freelance: 2 active gigs of the demo seller, 1 order in progress")
