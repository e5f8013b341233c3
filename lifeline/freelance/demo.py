"""Demo data of the freelance module: a seller's gigs (active and awaiting approval), the buyer's
orders in every status, with files, a dispute, a custom offer, a review and a portfolio item."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

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


PENDING_GIG = (
    "Иллюстрации для статьи о здоровом сне",
    "design-illustration",
    "Три иллюстрации в едином стиле для статьи или памятки.",
    ["иллюстрация"],
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


def _png(colour: tuple[int, int, int]) -> Any:
    """A small generated image (the files service re-encodes it like any upload)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 200), colour).save(out, format="PNG")
    return SimpleUploadedFile("макет-логотипа.png", out.getvalue(), content_type="image/png")


def _pdf(name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def seed(ctx: DemoContext) -> None:
    from lifeline.freelance.enums import GigStatus
    from lifeline.freelance.models import Category, Gig, Order
    from lifeline.freelance.services import gigs as gig_services

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
            gig = gig_services.gig_create(
                actor=seller,
                organization_id=organization.pk,
                category=Category.objects.get(slug=slug),
                title=title,
                description=description,
                tags=tags,
                packages=_packages(20 + 30 * index),
            )
            gig_services.gig_submit(actor=seller, gig=gig)
            if moderator is not None:
                gig_services.gig_approve(actor=moderator, gig=gig)
            else:
                Gig.objects.filter(pk=gig.pk).update(status=GigStatus.ACTIVE)
        gigs.append(Gig.objects.get(pk=gig.pk))  # as approved (the services moved a copy)
    title, slug, description, tags = PENDING_GIG
    if not Gig.objects.filter(seller=seller, title=title).exists():
        pending = gig_services.gig_create(
            actor=seller,
            organization_id=organization.pk,
            category=Category.objects.get(slug=slug),
            title=title,
            description=description,
            tags=tags,
            packages=_packages(40),
        )
        gig_services.gig_submit(actor=seller, gig=pending)  # waits in the moderation queue
    _seed_traffic(gigs)
    if buyer is not None and not Order.objects.filter(buyer=buyer).exists():
        _seed_orders(gigs, seller=seller, buyer=buyer, moderator=moderator)
    ctx.write(
        "freelance: 2 active gigs and 1 awaiting approval of the demo seller; the demo buyer's "
        "orders in every status (late, disputed, with files), a custom offer, a review, a "
        "portfolio item, 30 days of impressions and clicks"
    )


def _seed_traffic(gigs: list[Any]) -> None:
    """30 days of impressions and clicks (deterministic), so the analytics have a curve."""
    from django.utils import timezone

    from lifeline.freelance.models import GigDailyStat

    today = timezone.localdate()
    GigDailyStat.objects.bulk_create(
        [
            GigDailyStat(
                gig=gig,
                day=today - timedelta(days=back),
                impressions=40 + (back * 7 + n * 13) % 35,
                clicks=4 + (back * 3 + n * 5) % 9,
            )
            for n, gig in enumerate(gigs)
            for back in range(1, 31)
        ],
        ignore_conflicts=True,
    )


def _seed_orders(gigs: list[Any], *, seller: Any, buyer: Any, moderator: Any) -> None:
    from django.utils import timezone

    from lifeline.freelance.models import Order
    from lifeline.freelance.services import deliveries as delivery_services
    from lifeline.freelance.services import disputes as dispute_services
    from lifeline.freelance.services import flows
    from lifeline.freelance.services import offers as offer_services
    from lifeline.freelance.services import orders as order_services
    from lifeline.freelance.services import portfolio as portfolio_services
    from lifeline.freelance.services import reviews as review_services

    logo, translation = gigs[0], gigs[1]

    def started(gig: Any, tier: str, text: str, files: list[Any] | None = None) -> Any:
        order = order_services.order_place(actor=buyer, gig=gig, tier=tier)
        return delivery_services.order_submit_requirements(
            actor=buyer, order=order, text=text, files=files or []
        )

    # In progress, with the buyer's brief attached.
    started(
        logo,
        "standard",
        "Центр называется «Лайфлайн», цвета синий и белый.",
        [_pdf("бриф-центра.pdf")],
    )
    # Awaiting the requirements.
    order_services.order_place(actor=buyer, gig=translation, tier="basic")
    # Delivered, with the delivery's files.
    delivered = started(translation, "standard", "Памятка для пациентов перед анализами.")
    delivery_services.order_deliver(
        actor=seller,
        order=delivered,
        message="Перевод готов: памятка на английском во вложении.",
        files=[_pdf("памятка-en.pdf")],
    )
    # Late: due yesterday, the seller has not delivered.
    late = started(translation, "basic", "Анкета пациента, две страницы.")
    Order.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=2))
    # Completed, reviewed, shown in the portfolio with the buyer's consent.
    done = started(logo, "premium", "Логотип для детского отделения.", [_png((40, 90, 200))])
    done = delivery_services.order_deliver(
        actor=seller,
        order=done,
        message="Три концепции логотипа и исходные файлы.",
        files=[_png((30, 120, 190)), _pdf("гайдлайн.pdf")],
    )
    done = order_services.order_complete(actor=buyer, order=done)
    review = review_services.review_create(
        actor=buyer,
        order=done,
        rating=5,
        communication=5,
        as_described=4,
        would_recommend=True,
        comment="Быстро и аккуратно, рекомендую.",
    )
    review_services.review_reply(
        actor=seller, review=review, text="Спасибо, было приятно работать!"
    )
    portfolio_services.order_set_portfolio_consent(actor=buyer, order=done, allowed=True)
    item = portfolio_services.portfolio_item_create(
        actor=seller,
        title="Логотип детского отделения",
        description="Три концепции, выбран синий вариант.",
        order=done,
    )
    portfolio_services.portfolio_image_add(
        actor=seller, item=item, uploaded_file=_png((30, 120, 190))
    )
    # Disputed after a delivery, with a line in the thread.
    disputed = started(logo, "basic", "Нужен знак без текста.")
    disputed = delivery_services.order_deliver(
        actor=seller,
        order=disputed,
        message="Знак без текста, вариант в PDF.",
        files=[_pdf("знак.pdf")],
    )
    dispute_services.dispute_open(
        actor=buyer,
        order=disputed,
        reason="Доставленный знак не совпадает с описанием пакета.",
    )
    dispute_services.dispute_post_message(
        actor=seller, order=disputed, text="Готов доработать знак в рамках заказа."
    )
    # Cancelled by mutual agreement.
    cancelled = order_services.order_place(actor=buyer, gig=logo, tier="basic")
    order_services.order_cancel(actor=buyer, order=cancelled, reason="Передумали.")
    order_services.order_cancel(actor=seller, order=cancelled, reason="Согласен.")
    # A pending custom offer after the buyer's question about the translation gig.
    offer_services.gig_inquiry_record(actor=buyer, gig=translation)
    flows.gig_question_ask(
        actor=buyer,
        gig_id=translation.pk,
        text="Сможете перевести три памятки для пациентов к пятнице?",
    )
    offer_services.offer_create(  # posted as a card in that conversation
        actor=seller,
        gig=translation,
        buyer_id=buyer.pk,
        description="Перевод трёх памяток с вёрсткой, как обсуждали.",
        price=Decimal("75.00"),
        delivery_days=4,
        revisions=2,
    )
