"""Requirements, deliveries and revisions of an order (with their files)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from lifeline.accounts.models import User
from lifeline.files import kinds as file_kinds
from lifeline.files.detection import detect_content_type
from lifeline.files.enums import FileKind
from lifeline.files.services import file_delete, file_upload
from lifeline.freelance import conf
from lifeline.freelance.enums import (
    OrderEventKind,
    OrderStatus,
)
from lifeline.freelance.exceptions import (
    NoRevisionsLeft,
    ReasonRequired,
    TooManyOrderFiles,
)
from lifeline.freelance.models import (
    Order,
    OrderEvent,
    OrderFile,
)
from lifeline.freelance.services.orders import (
    _announce,
    _clear_deadlines,
    _expect,
    _locked_order,
    _order_state,
    _party,
    _set_due,
)

MAX_ORDER_FILES = 10


def _upload_kind(uploaded: File) -> str:
    """Office documents go in as documents; images and PDFs (and anything else, which the files
    service then refuses with the allowed types named) as attachments."""
    return (
        FileKind.DOCUMENT
        if detect_content_type(uploaded) in file_kinds.OFFICE_TYPES
        else FileKind.ATTACHMENT
    )


def _with_files(
    actor: User,
    order: Order,
    uploads: Sequence[File],
    request: Any,
    transition: Callable[[list[Any]], Order],
) -> Order:
    """Store `uploads` through the files service (attached to the order, whose access rule lets
    the parties and a dispute's moderators download them), then run `transition` with them.
    If an upload or the transition is refused, the files stored so far are deleted again."""
    if len(uploads) > MAX_ORDER_FILES:
        raise TooManyOrderFiles(errors={"files": [TooManyOrderFiles.title]})
    stored: list[Any] = []
    try:
        for uploaded in uploads:
            stored.append(
                file_upload(
                    actor=actor,
                    uploaded_file=uploaded,
                    kind=_upload_kind(uploaded),
                    organization=order.organization,
                    attach_to=order,
                    request=request,
                )
            )
        return transition(stored)
    except BaseException:
        for file in stored:
            file_delete(actor=actor, file=file)
        raise


def _precheck(actor: User, order: Order, wanted: str, *statuses: str) -> None:
    """Refuse the wrong party or status before any upload is stored (the transition checks
    again under the row lock)."""
    current = Order.objects.only("status", "buyer_id", "seller_id").get(pk=order.pk)
    _party(actor, current, wanted)
    _expect(current, *statuses)


def _keep_files(order: Order, event: OrderEvent, stored: Sequence[Any]) -> None:
    OrderFile.objects.bulk_create([OrderFile(order=order, event=event, file=f) for f in stored])


def order_submit_requirements(
    *,
    actor: User,
    order: Order,
    text: str,
    files: Sequence[File] = (),
    request: Any = None,
) -> Order:
    """The buyer's requirements (text and files); the order starts."""
    _precheck(actor, order, "buyer", OrderStatus.AWAITING_REQUIREMENTS)
    text = (text or "").strip()
    if not text:
        raise ReasonRequired(errors={"requirements": [ReasonRequired.title]})
    return _with_files(
        actor,
        order,
        files,
        request,
        lambda stored: _submit_requirements(actor=actor, order=order, text=text, stored=stored),
    )


@transaction.atomic
def _submit_requirements(*, actor: User, order: Order, text: str, stored: Sequence[Any]) -> Order:
    order = _locked_order(order)
    _party(actor, order, "buyer")
    _expect(order, OrderStatus.AWAITING_REQUIREMENTS)
    before = _order_state(order)
    now = timezone.now()
    order.requirements = text
    order.status = OrderStatus.IN_PROGRESS
    order.started_at = now
    _set_due(order, now)
    order.save()
    event = OrderEvent.objects.create(order=order, kind=OrderEventKind.REQUIREMENTS, actor=actor)
    _keep_files(order, event, stored)
    _announce(
        order,
        actor=actor,
        kind=OrderEventKind.REQUIREMENTS,
        before=before,
        metadata={"files": len(stored)} if stored else None,
    )
    return order


def order_deliver(
    *,
    actor: User,
    order: Order,
    message: str,
    files: Sequence[File] = (),
    request: Any = None,
) -> Order:
    """The seller's delivery (a message of at least 10 characters and files)."""
    _precheck(actor, order, "seller", OrderStatus.IN_PROGRESS)
    return _with_files(
        actor,
        order,
        files,
        request,
        lambda stored: _deliver(actor=actor, order=order, message=message, stored=stored),
    )


@transaction.atomic
def _deliver(*, actor: User, order: Order, message: str, stored: Sequence[Any]) -> Order:
    order = _locked_order(order)
    _party(actor, order, "seller")
    _expect(order, OrderStatus.IN_PROGRESS)
    before = _order_state(order)
    now = timezone.now()
    complete_at = now + timedelta(days=conf.auto_complete_days())
    order.status = OrderStatus.DELIVERED
    order.delivered_at = now
    order.auto_complete_at = complete_at
    order.auto_complete_claimed_at = None
    order.remind_at = complete_at - timedelta(hours=conf.reminder_before_hours())
    order.remind_claimed_at = None
    order.save()
    event = OrderEvent.objects.create(
        order=order, kind=OrderEventKind.DELIVERED, actor=actor, message=message
    )
    _keep_files(order, event, stored)
    _announce(
        order,
        actor=actor,
        kind=OrderEventKind.DELIVERED,
        before=before,
        metadata={"files": len(stored)} if stored else None,
    )
    return order


@transaction.atomic
def order_request_revision(*, actor: User, order: Order, message: str) -> Order:
    order = _locked_order(order)
    _party(actor, order, "buyer")
    _expect(order, OrderStatus.DELIVERED)
    if order.revisions_left <= 0:
        raise NoRevisionsLeft()
    before = _order_state(order)
    order.status = OrderStatus.IN_PROGRESS
    order.revisions_used += 1
    _clear_deadlines(order)
    _set_due(order, timezone.now())  # the package's delivery days again for the new version
    order.save()
    OrderEvent.objects.create(
        order=order, kind=OrderEventKind.REVISION, actor=actor, message=message
    )
    _announce(order, actor=actor, kind=OrderEventKind.REVISION, before=before)
    return order
