from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings

from lifeline.audit.models import AuditEvent
from lifeline.core.exceptions import InvalidInput
from lifeline.core.slugs import slug_base
from lifeline.market.enums import ProductStatus
from lifeline.market.exceptions import InvalidPrice, InvalidTransition, MarketForbidden, NotASeller
from lifeline.market.models import Product
from lifeline.market.services.products import (
    product_approve,
    product_archive,
    product_create,
    product_pause,
    product_reject,
    product_resume,
    product_submit,
    product_update,
)
from lifeline.market.tests.factories import ProductFactory, category

pytestmark = pytest.mark.django_db


def _create(seller: Any, **kw: Any) -> Product:
    fields = {
        "category": category(),
        "title": "Телефон Redmi",
        "price": Decimal("10.00"),
        "stock": 2,
    }
    fields.update(kw)
    return product_create(actor=seller, **fields)


def test_cyrillic_title_gets_a_transliterated_slug_that_survives_a_rename(seller: Any) -> None:
    product = _create(seller)
    assert product.slug.startswith("telefon-redmi-")
    assert len(product.slug) == len("telefon-redmi-") + 6
    product = product_update(actor=seller, product=product, title="Новое имя")
    assert product.slug.startswith("telefon-redmi-")
    assert slug_base("Щёлково Ўзбекистон") == "shchyolkovo-ozbekiston"
    assert slug_base("!!!") == "item"


def test_titles_need_not_be_unique(seller: Any, other_seller: Any) -> None:
    one = _create(seller, title="Same")
    two = _create(other_seller, title="Same")
    assert one.slug != two.slug


def test_a_new_product_is_a_draft_and_only_sellers_create(seller: Any, buyer: Any) -> None:
    product = _create(seller)
    assert product.status == ProductStatus.DRAFT
    assert product.organization_id is not None
    assert AuditEvent.objects.filter(action="market.product_created").count() == 1
    with pytest.raises(NotASeller):
        _create(buyer)


def test_prices_are_checked(seller: Any) -> None:
    with pytest.raises(InvalidPrice):
        _create(seller, old_price=Decimal("10.00"))
    with pytest.raises(InvalidInput):
        _create(seller, price=Decimal("0"))
    assert Product.objects.count() == 0


def test_review_flow_draft_pending_active_paused(seller: Any, moderator: Any) -> None:
    product = _create(seller)
    product = product_submit(actor=seller, product=product)
    assert product.status == ProductStatus.PENDING_REVIEW
    with pytest.raises(MarketForbidden):
        product_approve(actor=seller, product=product)
    product = product_approve(actor=moderator, product=product)
    assert product.status == ProductStatus.ACTIVE
    assert product.approved_by == moderator
    product = product_pause(actor=seller, product=product)
    assert product.status == ProductStatus.PAUSED
    product = product_resume(actor=seller, product=product)
    assert product.status == ProductStatus.ACTIVE
    product = product_archive(actor=seller, product=product)
    assert product.status == ProductStatus.ARCHIVED
    with pytest.raises(InvalidTransition):
        product_resume(actor=seller, product=product)


def test_reject_sends_back_to_draft_with_a_reason(seller: Any, moderator: Any) -> None:
    product = product_submit(actor=seller, product=_create(seller))
    with pytest.raises(InvalidInput):
        product_reject(actor=moderator, product=product, reason="  ")
    product = product_reject(actor=moderator, product=product, reason="Blurry photos")
    assert product.status == ProductStatus.DRAFT
    assert product.rejection_reason == "Blurry photos"


@override_settings(MARKET_TRUSTED_SELLER_APPROVALS=2)
def test_a_seller_in_good_standing_goes_live_without_review(
    seller: Any, moderator: Any, market: Any
) -> None:
    ProductFactory.create_batch(2, seller=seller, organization=market, approved_by=moderator)
    product = product_submit(actor=seller, product=_create(seller))
    assert product.status == ProductStatus.ACTIVE
    assert product.approved_by is None


def test_stock_drives_sold_out_and_back(seller: Any, product: Any) -> None:
    product = product_update(actor=seller, product=product, stock=0)
    assert product.status == ProductStatus.SOLD_OUT
    product = product_update(actor=seller, product=product, stock=3)
    assert product.status == ProductStatus.ACTIVE


def test_a_seller_cannot_change_another_sellers_product(other_seller: Any, product: Any) -> None:
    with pytest.raises(MarketForbidden):
        product_update(actor=other_seller, product=product, price=Decimal("1.00"))
    with pytest.raises(MarketForbidden):
        product_pause(actor=other_seller, product=product)
    product.refresh_from_db()
    assert product.price == Decimal("100.00")
    assert product.status == ProductStatus.ACTIVE
