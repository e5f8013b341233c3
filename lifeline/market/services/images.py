"""Writes of product images: the files service checks, re-encodes and stores the upload;
here it becomes one of the product's ordered images. The first is the primary; removing the
primary makes the next one primary."""

from __future__ import annotations

from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_noop

from lifeline.audit.services import record
from lifeline.core.exceptions import InvalidInput
from lifeline.files import services as files
from lifeline.files.enums import FileKind
from lifeline.market.enums import ProductStatus
from lifeline.market.exceptions import InvalidTransition, MarketForbidden
from lifeline.market.models import Product, ProductImage
from lifeline.market.permissions import can_edit_product

MAX_IMAGES = 10


def _check(actor: Any, product: Product) -> None:
    if not can_edit_product(actor, product):
        raise MarketForbidden()
    if product.status == ProductStatus.ARCHIVED:
        raise InvalidTransition()


def image_add(*, actor: Any, product: Product, uploaded_file: File) -> ProductImage:
    """Store an image of the seller's own product (at most 10), last in the order."""
    _check(actor, product)
    if ProductImage.objects.filter(product=product).count() >= MAX_IMAGES:
        raise InvalidInput(errors={"file": [gettext_noop("At most 10 images per product.")]})
    stored = files.file_upload(
        actor=actor,
        uploaded_file=uploaded_file,
        kind=FileKind.IMAGE,
        organization=product.organization,
    )
    with transaction.atomic():
        Product.objects.select_for_update().filter(pk=product.pk).first()
        existing = ProductImage.objects.filter(product=product)
        last = existing.aggregate(last=Max("position"))["last"]
        image = ProductImage.objects.create(
            product=product,
            file=stored,
            position=0 if last is None else last + 1,
            is_primary=not existing.filter(is_primary=True).exists(),
        )
        files.file_attach(file=stored, obj=image)
        record(
            actor=actor,
            action="market.image_added",
            target=product,
            metadata={"image": str(image.pk)},
        )
    return image


@transaction.atomic
def image_make_primary(*, actor: Any, image: ProductImage) -> ProductImage:
    _check(actor, image.product)
    Product.objects.select_for_update().filter(pk=image.product_id).first()
    ProductImage.objects.filter(product_id=image.product_id, is_primary=True).update(
        is_primary=False
    )
    ProductImage.objects.filter(pk=image.pk).update(is_primary=True)
    image.is_primary = True
    return image


@transaction.atomic
def image_remove(*, actor: Any, image: ProductImage) -> None:
    """Remove the image (its file is deleted by the files service); the next becomes primary."""
    _check(actor, image.product)
    Product.objects.select_for_update().filter(pk=image.product_id).first()
    stored, was_primary, product_id = image.file, image.is_primary, image.product_id
    image.delete()
    files.file_delete(actor=actor, file=stored)
    if was_primary:
        following = ProductImage.objects.filter(product_id=product_id).order_by("position", "id")
        first = following.first()
        if first is not None:
            ProductImage.objects.filter(pk=first.pk).update(is_primary=True)
    record(
        actor=actor,
        action="market.image_removed",
        target=image.product,
        metadata={"file": str(stored.pk)},
    )
