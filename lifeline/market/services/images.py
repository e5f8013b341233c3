"""Writes of product images: the files service checks, re-encodes and stores the upload;
here it becomes one of the product's ordered images. The first is the primary; removing the
primary makes the next one primary."""

from __future__ import annotations

from collections.abc import Sequence
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


@transaction.atomic
def image_reorder(
    *, actor: Any, product: Product, image_ids: Sequence[Any], primary_id: Any = None
) -> list[ProductImage]:
    """Put the product's images in the order of `image_ids` (every image of the product, each
    once) and, with `primary_id`, make that one the primary. Returns them in gallery order
    (the primary first, then by position). Refused with nothing changed otherwise."""
    _check(actor, product)
    Product.objects.select_for_update().filter(pk=product.pk).first()
    images = {image.pk: image for image in ProductImage.objects.filter(product=product)}
    wanted = [str(pk) for pk in image_ids]
    if len(set(wanted)) != len(wanted) or set(wanted) != {str(pk) for pk in images}:
        raise InvalidInput(
            errors={"images": [gettext_noop("List every image of the product exactly once.")]}
        )
    if primary_id is not None and str(primary_id) not in wanted:
        raise InvalidInput(errors={"primary": [gettext_noop("Not an image of this product.")]})
    by_str = {str(pk): image for pk, image in images.items()}
    ordered = [by_str[pk] for pk in wanted]
    for position, image in enumerate(ordered):
        image.position = position
    ProductImage.objects.bulk_update(ordered, ["position", "updated_at"])
    if primary_id is not None:
        ProductImage.objects.filter(product=product, is_primary=True).exclude(
            pk=by_str[str(primary_id)].pk
        ).update(is_primary=False)
        ProductImage.objects.filter(pk=by_str[str(primary_id)].pk).update(is_primary=True)
        for image in ordered:
            image.is_primary = str(image.pk) == str(primary_id)
    record(
        actor=actor,
        action="market.images_reordered",
        target=product,
        metadata={"images": wanted, "primary": str(primary_id) if primary_id else None},
    )
    return sorted(ordered, key=lambda image: (not image.is_primary, image.position))


@transaction.atomic
def image_move(*, actor: Any, image: ProductImage, step: int) -> list[ProductImage]:
    """Move a picture one place earlier (`step` -1) or later (+1) among the pictures after the
    primary (the primary is always shown first); at either end nothing moves."""
    _check(actor, image.product)
    Product.objects.select_for_update().filter(pk=image.product_id).first()
    current = list(
        ProductImage.objects.filter(product_id=image.product_id).order_by("position", "id")
    )
    primary = [other.pk for other in current if other.is_primary]
    ids = [other.pk for other in current if not other.is_primary]
    if image.pk in ids:
        index = ids.index(image.pk)
        target = index + step
        if 0 <= target < len(ids):
            ids[index], ids[target] = ids[target], ids[index]
    return image_reorder(actor=actor, product=image.product, image_ids=primary + ids)
