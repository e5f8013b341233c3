"""Gig images: the files service checks the bytes, re-encodes the image without its metadata
and stores it under a random name; here it becomes one of the gig's ordered images. The first
is the primary (shown on cards); removing the primary makes the next one primary. Only the
gig's seller changes them (callers load the gig with `selectors.gig_get_for_seller`).

Adding or removing an image of an active (or paused) gig sends it back to approval, like an
edit of its text or packages: a moderator sees every picture buyers will see. Reordering and
choosing the primary only rearrange pictures a moderator already approved, so the gig stays
as it is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Max

from lifeline.accounts.models import User
from lifeline.audit.services import record
from lifeline.files.enums import FileKind
from lifeline.files.services import file_attach, file_delete, file_upload
from lifeline.freelance.enums import GigStatus
from lifeline.freelance.exceptions import (
    GigImageOrderMismatch,
    GigImagesFull,
    GigNotEditable,
    NotASeller,
)
from lifeline.freelance.models import Gig, GigImage
from lifeline.freelance.permissions import can_edit_gig
from lifeline.freelance.services.gigs import gig_back_to_approval

MAX_GIG_IMAGES = 10


def _locked_gig(actor: User, gig: Gig) -> Gig:
    if not can_edit_gig(actor, gig):
        raise NotASeller()
    locked = Gig.objects.select_for_update().get(pk=gig.pk)
    if locked.status == GigStatus.ARCHIVED:
        raise GigNotEditable()
    return locked


def _content_changed(gig: Gig) -> dict[str, Any]:
    """Send the locked gig back to approval if it was active or paused; the audit fields."""
    before = gig.status
    if gig_back_to_approval(gig):
        gig.save(update_fields=["status", "submitted_at", "updated_at"])
        return {"before": {"status": before}, "after": {"status": gig.status}}
    return {}


def gig_image_add(*, actor: User, gig: Gig, uploaded_file: File, request: Any = None) -> GigImage:
    """Store an image of the seller's own gig (at most 10), last in the order; the first one
    becomes the primary. A refused upload, or a gig already full, stores nothing."""
    with transaction.atomic():
        _locked_gig(actor, gig)
        if GigImage.objects.filter(gig=gig).count() >= MAX_GIG_IMAGES:
            raise GigImagesFull()
    stored = file_upload(
        actor=actor,
        uploaded_file=uploaded_file,
        kind=FileKind.IMAGE,
        organization=gig.organization,
        request=request,
    )
    try:
        with transaction.atomic():
            locked = _locked_gig(actor, gig)
            existing = GigImage.objects.filter(gig=gig)
            if existing.count() >= MAX_GIG_IMAGES:
                raise GigImagesFull()
            last = existing.aggregate(last=Max("position"))["last"]
            image = GigImage.objects.create(
                gig=gig,
                file=stored,
                position=0 if last is None else last + 1,
                is_primary=not existing.filter(is_primary=True).exists(),
            )
            file_attach(file=stored, obj=image)
            record(
                actor=actor,
                action="freelance.gig_image_added",
                target=gig,
                metadata={"image": str(image.pk)},
                **_content_changed(locked),
            )
    except BaseException:
        file_delete(actor=actor, file=stored)
        raise
    return image


@transaction.atomic
def gig_image_make_primary(*, actor: User, image: GigImage) -> GigImage:
    _locked_gig(actor, image.gig)
    GigImage.objects.filter(gig_id=image.gig_id, is_primary=True).exclude(pk=image.pk).update(
        is_primary=False
    )
    GigImage.objects.filter(pk=image.pk).update(is_primary=True)
    image.is_primary = True
    record(
        actor=actor,
        action="freelance.gig_image_primary",
        target=image.gig,
        metadata={"image": str(image.pk)},
    )
    return image


@transaction.atomic
def gig_images_reorder(*, actor: User, gig: Gig, image_ids: Sequence[Any]) -> list[GigImage]:
    """Put the gig's images in the given order (every image exactly once, else 400 and
    nothing changes). The primary stays the primary."""
    _locked_gig(actor, gig)
    images = {str(i.pk): i for i in GigImage.objects.filter(gig=gig)}
    wanted = [str(i) for i in image_ids]
    if len(wanted) != len(set(wanted)) or set(wanted) != set(images):
        raise GigImageOrderMismatch(errors={"images": [GigImageOrderMismatch.title]})
    for position, image_id in enumerate(wanted):
        images[image_id].position = position
    GigImage.objects.bulk_update(images.values(), ["position"])
    record(actor=actor, action="freelance.gig_images_reordered", target=gig)
    return sorted(images.values(), key=lambda i: (not i.is_primary, i.position))


@transaction.atomic
def gig_image_remove(*, actor: User, image: GigImage) -> None:
    """Remove the image (the files service deletes its blob after commit); the next image in
    the order becomes the primary if it was."""
    gig = _locked_gig(actor, image.gig)
    stored, was_primary = image.file, image.is_primary
    image.delete()
    file_delete(actor=actor, file=stored)
    if was_primary:
        following = GigImage.objects.filter(gig=gig).order_by("position", "id").first()
        if following is not None:
            GigImage.objects.filter(pk=following.pk).update(is_primary=True)
    record(
        actor=actor,
        action="freelance.gig_image_removed",
        target=gig,
        metadata={"file": str(stored.pk)},
        **_content_changed(gig),
    )


@transaction.atomic
def gig_image_move(*, actor: User, image: GigImage, step: int) -> list[GigImage]:
    """Move an image one place earlier (`step` -1) or later (+1) among the images after the
    primary (the primary is always shown first); at either end nothing moves."""
    gig = _locked_gig(actor, image.gig)
    rows = list(
        GigImage.objects.filter(gig=gig)
        .order_by("-is_primary", "position", "id")
        .values_list("pk", "is_primary")
    )
    first = 1 if rows and rows[0][1] else 0  # the primary's place is fixed
    order = [pk for pk, _primary in rows]
    index = order.index(image.pk) if image.pk in order else -1
    target = index + step
    if index >= first and first <= target < len(order):
        order[index], order[target] = order[target], order[index]
    return gig_images_reorder(actor=actor, gig=gig, image_ids=order)
