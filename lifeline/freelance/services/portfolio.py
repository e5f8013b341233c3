"""A seller's portfolio, linked to completed orders with the buyer's consent."""

from __future__ import annotations

from typing import Any

from django.core.files import File
from django.db import transaction

from lifeline.accounts.models import User
from lifeline.audit.services import record
from lifeline.files.enums import FileKind
from lifeline.files.services import file_delete, file_upload
from lifeline.freelance import permissions
from lifeline.freelance.enums import (
    OrderStatus,
)
from lifeline.freelance.exceptions import (
    NotASeller,
    PortfolioConsentMissing,
    PortfolioImagesFull,
    PortfolioOrderNotCompleted,
    WrongParty,
)
from lifeline.freelance.models import (
    Order,
    PortfolioImage,
    PortfolioItem,
)
from lifeline.freelance.services.orders import _locked_order, _party

# --- portfolio --------------------------------------------------------------------------------
MAX_PORTFOLIO_IMAGES = 6


@transaction.atomic
def order_set_portfolio_consent(*, actor: User, order: Order, allowed: bool) -> Order:
    """The buyer allows (or no longer allows) the seller to show this order in a portfolio.

    Withdrawing the consent unlinks the order from the seller's portfolio items at once.
    """
    order = _locked_order(order)
    _party(actor, order, "buyer")
    if order.portfolio_consent == allowed:
        return order
    order.portfolio_consent = allowed
    order.save(update_fields=["portfolio_consent", "updated_at"])
    unlinked = 0 if allowed else PortfolioItem.objects.filter(order=order).update(order=None)
    record(
        actor=actor,
        action="freelance.order_portfolio_consent",
        target=order,
        before={"portfolio_consent": not allowed},
        after={"portfolio_consent": allowed},
        metadata={"unlinked_items": unlinked} if unlinked else None,
    )
    return order


def _check_portfolio_order(actor: User, order: Order | None) -> None:
    if order is None:
        return
    if order.seller_id != actor.pk:
        raise WrongParty()
    if order.status != OrderStatus.COMPLETED:
        raise PortfolioOrderNotCompleted(errors={"order": [PortfolioOrderNotCompleted.title]})
    if not order.portfolio_consent:
        raise PortfolioConsentMissing(errors={"order": [PortfolioConsentMissing.title]})


@transaction.atomic
def portfolio_item_create(
    *, actor: User, title: str, description: str = "", order: Order | None = None
) -> PortfolioItem:
    """A sample of the seller's work, optionally linked to a completed order of theirs whose
    buyer gave consent (checked under the order's row lock, so a withdrawal cannot race it)."""
    if not permissions.is_seller(actor):
        raise NotASeller()
    if order is not None:
        order = _locked_order(order)
    _check_portfolio_order(actor, order)
    item = PortfolioItem.objects.create(
        seller=actor, title=title, description=description, order=order
    )
    record(
        actor=actor,
        action="freelance.portfolio_item_created",
        target=item,
        after={"title": title, "order": str(order.pk) if order else None},
    )
    return item


def portfolio_image_add(
    *, actor: User, item: PortfolioItem, uploaded_file: File, request: Any = None
) -> PortfolioImage:
    """Add an image through the files service (type checked from the bytes, re-encoded without
    metadata, stored under a random name). A refused upload stores nothing."""
    if item.seller_id != actor.pk:
        raise NotASeller()
    with transaction.atomic():
        locked = PortfolioItem.objects.select_for_update().get(pk=item.pk)
        if locked.images.count() >= MAX_PORTFOLIO_IMAGES:
            raise PortfolioImagesFull()
    stored = file_upload(
        actor=actor,
        uploaded_file=uploaded_file,
        kind=FileKind.IMAGE,
        attach_to=item,
        request=request,
    )
    try:
        with transaction.atomic():
            PortfolioItem.objects.select_for_update().get(pk=item.pk)
            if PortfolioImage.objects.filter(item=item).count() >= MAX_PORTFOLIO_IMAGES:
                raise PortfolioImagesFull()
            image = PortfolioImage.objects.create(item=item, file=stored)
    except BaseException:
        file_delete(actor=actor, file=stored)
        raise
    return image


@transaction.atomic
def portfolio_item_delete(*, actor: User, item: PortfolioItem) -> None:
    """Delete an item and its images (their blobs are removed after commit)."""
    if item.seller_id != actor.pk:
        raise NotASeller()
    images = list(PortfolioImage.objects.filter(item=item).select_related("file"))
    record(actor=actor, action="freelance.portfolio_item_deleted", target=item)
    PortfolioImage.objects.filter(item=item).delete()
    for image in images:
        file_delete(actor=actor, file=image.file)
    item.delete()
