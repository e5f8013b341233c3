"""Demo data of the freelance module: a seller with two gigs, a buyer's order in progress."""

from __future__ import annotations

from decimal import Decimal

from lifeline.access.enums import OrganizationKind, Role
from lifeline.web.demo import DemoContext

DEMO_GIGS = (
    (
        "Demo: a logo for your clinic",
        "design-logo",
        "A clean vector logo with three concepts and the source files.",
        ["logo", "branding"],
    ),
    (
        "Demo: translate a medical leaflet RU-EN",
        "writing-translation",
        "Careful translation of leaflets and forms between Russian and English.",
        ["translation", "russian", "english"],
    ),
)


def _packages(base: int) -> dict[str, dict[str, object]]:
    return {
        "basic": {
            "title": "Basic",
            "price": Decimal(base),
            "delivery_days": 5,
            "revisions": 1,
            "features": ["1 concept"],
        },
        "standard": {
            "title": "Standard",
            "price": Decimal(base * 2),
            "delivery_days": 4,
            "revisions": 2,
            "features": ["2 concepts", "source files"],
        },
        "premium": {
            "title": "Premium",
            "price": Decimal(base * 4),
            "delivery_days": 3,
            "revisions": 5,
            "features": ["3 concepts", "source files", "brand guide"],
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
            actor=buyer, order=order, text="Our clinic is called Lifeline; blue and white."
        )
    ctx.write("freelance: 2 active gigs of the demo seller, 1 order in progress")
