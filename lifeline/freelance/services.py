"""Every write of the freelance module: gigs and their moderation, orders and their deadlines.

Services enforce invariants and who may move what (the right party of an order, a moderator
of the gig's marketplace); every transition runs under a row lock, is audited, tells the
other party (notification) and both parties' sockets (event), after commit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from lifeline.accounts.models import User
from lifeline.audit.services import record
from lifeline.core.exceptions import InvalidInput
from lifeline.core.jobs import claim_due
from lifeline.files import kinds as file_kinds
from lifeline.files.detection import detect_content_type
from lifeline.files.enums import FileKind
from lifeline.files.services import file_attach_owned, file_delete, file_upload
from lifeline.freelance import conf, events, permissions
from lifeline.freelance.enums import (
    DISPUTABLE_STATUSES,
    TIERS,
    DisputeOutcome,
    DisputeStatus,
    GigStatus,
    LedgerAccount,
    LedgerKind,
    OfferStatus,
    OrderEventKind,
    OrderStatus,
    OrderTier,
)
from lifeline.freelance.exceptions import (
    AlreadyDisputed,
    AlreadyReviewed,
    DisputeNotOpen,
    GigNotEditable,
    GigNotOrderable,
    GigTransitionRefused,
    InquiryNotAllowed,
    InvalidPackages,
    InvalidRefund,
    NoRevisionsLeft,
    NotABuyer,
    NotAModerator,
    NotASeller,
    NotLateEnough,
    OfferAlreadyPending,
    OfferExpired,
    OfferNotPending,
    OrderTransitionRefused,
    OwnGig,
    OwnGigFavourite,
    PortfolioConsentMissing,
    PortfolioImagesFull,
    PortfolioOrderNotCompleted,
    ReasonRequired,
    ReviewWindowClosed,
    TooManyOrderFiles,
    UnknownBuyer,
    UnknownPackage,
    WrongParty,
)
from lifeline.freelance.models import (
    Category,
    CustomOffer,
    Dispute,
    DisputeMessage,
    Favourite,
    Gig,
    GigDailyStat,
    GigInquiry,
    GigPackage,
    LedgerEntry,
    Order,
    OrderEvent,
    OrderFile,
    PortfolioImage,
    PortfolioItem,
    Review,
    SellerBalance,
)
from lifeline.notifications.services import notify_many
from lifeline.realtime.events import publish_on_commit

PACKAGE_FIELDS = ("title", "price", "delivery_days", "revisions", "features")
GIG_TEXT_FIELDS = ("title", "description", "category", "tags")


# --- gigs -----------------------------------------------------------------------------------
def _check_packages(packages: Mapping[str, Mapping[str, Any]]) -> None:
    if sorted(packages) != sorted(TIERS):
        raise InvalidPackages(errors={"packages": [InvalidPackages.title]})


def _gig_state(gig: Gig) -> dict[str, Any]:
    return {"status": gig.status, "title": gig.title}


def _locked_gig(gig: Gig) -> Gig:
    return Gig.objects.select_for_update().get(pk=gig.pk)


@transaction.atomic
def gig_create(
    *,
    actor: User,
    organization_id: Any | None = None,
    category: Category,
    title: str,
    description: str,
    tags: Sequence[str],
    packages: Mapping[str, Mapping[str, Any]],
) -> Gig:
    """A draft gig of `actor` (a seller) with exactly three packages."""
    organizations = permissions.seller_organization_ids(actor)
    if not organizations or (organization_id is not None and organization_id not in organizations):
        raise NotASeller()
    _check_packages(packages)
    gig = Gig.objects.create(
        organization_id=organization_id or organizations[0],
        seller=actor,
        category=category,
        title=title,
        description=description,
        tags=list(tags),
    )
    GigPackage.objects.bulk_create(
        [GigPackage(gig=gig, tier=tier, **dict(packages[tier])) for tier in TIERS]
    )
    record(actor=actor, action="freelance.gig_created", target=gig, after=_gig_state(gig))
    return gig


@transaction.atomic
def gig_update(
    *,
    actor: User,
    gig: Gig,
    fields: Mapping[str, Any],
    packages: Mapping[str, Mapping[str, Any]] | None = None,
) -> Gig:
    """Change a gig's text or packages. An active or paused gig goes back to approval."""
    if not permissions.can_edit_gig(actor, gig):
        raise NotASeller()
    gig = _locked_gig(gig)
    if gig.status == GigStatus.ARCHIVED:
        raise GigNotEditable()
    before = _gig_state(gig)
    changed = False
    for name in GIG_TEXT_FIELDS:
        if name in fields and getattr(gig, name) != fields[name]:
            setattr(gig, name, fields[name])
            changed = True
    if packages is not None:
        _check_packages(packages)
        current = {p.tier: p for p in gig.packages.all()}
        for tier in TIERS:
            package = current[tier]
            new = packages[tier]
            if any(getattr(package, f) != new[f] for f in PACKAGE_FIELDS if f in new):
                for f in PACKAGE_FIELDS:
                    if f in new:
                        setattr(package, f, new[f])
                package.full_clean(exclude=["gig"])
                package.save()
                changed = True
    if not changed:
        return gig
    if gig.status in (GigStatus.ACTIVE, GigStatus.PAUSED):
        # Buyers only see what a moderator approved; orders in flight keep their snapshot.
        gig.status = GigStatus.PENDING_APPROVAL
        gig.submitted_at = timezone.now()
    gig.save()
    record(
        actor=actor,
        action="freelance.gig_updated",
        target=gig,
        before=before,
        after=_gig_state(gig),
    )
    return gig


def _move_gig(
    gig: Gig, *, actor: User, allowed_from: Sequence[str], to: str, action: str, **extra: Any
) -> Gig:
    if gig.status not in allowed_from:
        raise GigTransitionRefused()
    before = _gig_state(gig)
    gig.status = to
    for name, value in extra.items():
        setattr(gig, name, value)
    gig.save()
    record(
        actor=actor,
        action=f"freelance.{action}",
        target=gig,
        before=before,
        after=_gig_state(gig),
        metadata={"reason": gig.rejection_reason} if gig.rejection_reason else None,
    )
    return gig


@transaction.atomic
def gig_submit(*, actor: User, gig: Gig) -> Gig:
    if not permissions.can_edit_gig(actor, gig):
        raise NotASeller()
    return _move_gig(
        _locked_gig(gig),
        actor=actor,
        allowed_from=(GigStatus.DRAFT, GigStatus.REJECTED),
        to=GigStatus.PENDING_APPROVAL,
        action="gig_submitted",
        submitted_at=timezone.now(),
        rejection_reason="",
    )


def _tell_seller(gig: Gig) -> None:
    notify_many(
        [gig.seller],
        "freelance.gig_moderated",
        [{"gig_id": str(gig.pk), "title": gig.title, "status": gig.status}],
    )
    publish_on_commit(events.gig_moderated(gig), events.gig_audience(gig))


@transaction.atomic
def gig_approve(*, actor: User, gig: Gig) -> Gig:
    if not permissions.can_moderate_gig(actor, gig):
        raise NotAModerator()
    gig = _move_gig(
        _locked_gig(gig),
        actor=actor,
        allowed_from=(GigStatus.PENDING_APPROVAL,),
        to=GigStatus.ACTIVE,
        action="gig_approved",
        approved_at=timezone.now(),
        rejection_reason="",
    )
    _tell_seller(gig)
    return gig


@transaction.atomic
def gig_reject(*, actor: User, gig: Gig, reason: str) -> Gig:
    if not permissions.can_moderate_gig(actor, gig):
        raise NotAModerator()
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(errors={"reason": [ReasonRequired.title]})
    gig = _move_gig(
        _locked_gig(gig),
        actor=actor,
        allowed_from=(GigStatus.PENDING_APPROVAL,),
        to=GigStatus.REJECTED,
        action="gig_rejected",
        rejection_reason=reason[:500],
    )
    _tell_seller(gig)
    return gig


SELLER_MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "pause": ((GigStatus.ACTIVE,), GigStatus.PAUSED),
    "resume": ((GigStatus.PAUSED,), GigStatus.ACTIVE),
    "archive": (
        (GigStatus.DRAFT, GigStatus.REJECTED, GigStatus.ACTIVE, GigStatus.PAUSED),
        GigStatus.ARCHIVED,
    ),
}


@transaction.atomic
def gig_set_status(*, actor: User, gig: Gig, move: str) -> Gig:
    """The seller's own moves: pause, resume (never past moderation), archive."""
    if not permissions.can_edit_gig(actor, gig):
        raise NotASeller()
    if move not in SELLER_MOVES:
        raise GigTransitionRefused()
    allowed_from, to = SELLER_MOVES[move]
    return _move_gig(
        _locked_gig(gig), actor=actor, allowed_from=allowed_from, to=to, action=f"gig_{to}"
    )


# --- orders ---------------------------------------------------------------------------------
def _order_state(order: Order) -> dict[str, Any]:
    return {"status": order.status, "revisions_used": order.revisions_used}


def _locked_order(order: Order) -> Order:
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("buyer", "seller")
        .get(pk=order.pk)
    )


def _announce(
    order: Order,
    *,
    actor: User | None,
    kind: str,
    before: dict[str, Any],
    metadata: dict[str, Any] | None = None,
) -> None:
    """Audit, notify the other party (both when the platform or a moderator acted), event."""
    record(
        actor=actor,
        action=f"freelance.order_{kind}",
        target=order,
        before=before,
        after=_order_state(order),
        metadata=metadata,
    )
    recipients = [u for u in (order.buyer, order.seller) if actor is None or u.pk != actor.pk]
    context = {"order_id": str(order.pk), "title": order.gig_title, "kind": kind}
    notify_many(recipients, "freelance.order_updated", [context] * len(recipients))
    publish_on_commit(events.order_changed(order, kind), events.order_audience(order))


def _party(actor: User, order: Order, wanted: str) -> None:
    if permissions.party_of(actor, order) != wanted:
        raise WrongParty()


def _expect(order: Order, *statuses: str) -> None:
    if order.status not in statuses:
        raise OrderTransitionRefused()


@transaction.atomic
def order_place(*, actor: User, gig: Gig, tier: str) -> Order:
    """Buy one package of an active gig at this moment's price (a snapshot of the package)."""
    gig = Gig.objects.select_for_update().get(pk=gig.pk)
    if gig.seller_id == actor.pk:
        raise OwnGig()
    if gig.status != GigStatus.ACTIVE:
        raise GigNotOrderable()
    if not permissions.can_order_gig(actor, gig):
        raise NotABuyer()
    package = gig.packages.filter(tier=tier).first()
    if package is None:
        raise UnknownPackage(errors={"tier": [UnknownPackage.title]})
    order = Order.objects.create(
        organization_id=gig.organization_id,
        gig=gig,
        buyer=actor,
        seller_id=gig.seller_id,
        gig_title=gig.title,
        tier=package.tier,
        package_title=package.title,
        price=package.price,
        delivery_days=package.delivery_days,
        revisions_allowed=package.revisions,
        features=list(package.features),
        **money_terms(package.price),
    )
    post_payment(order)
    OrderEvent.objects.create(order=order, kind=OrderEventKind.PLACED, actor=actor)
    order = _locked_order(order)
    _announce(order, actor=actor, kind=OrderEventKind.PLACED, before={})
    return order


MAX_ORDER_FILES = 10
# Files uploaded beforehand (resumable uploads) that a requirement or delivery may take.
ORDER_FILE_KINDS = (FileKind.DELIVERABLE, FileKind.DOCUMENT, FileKind.ATTACHMENT)


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
    file_ids: Sequence[Any] = (),
) -> Order:
    """Store `uploads` through the files service (attached to the order, whose access rule lets
    the parties and a dispute's moderators download them), then run `transition` with them.
    If an upload or the transition is refused, the files stored so far are deleted again.
    `file_ids` (files uploaded beforehand) count towards the limit; `_keep_files` takes them."""
    if len(uploads) + len(file_ids) > MAX_ORDER_FILES:
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


def _keep_files(
    order: Order,
    event: OrderEvent,
    stored: Sequence[Any],
    *,
    actor: User,
    file_ids: Sequence[Any] = (),
) -> list[Any]:
    """Keep the files with the event: those just stored, and the actor's own earlier uploads
    named by `file_ids` (attached to the order here, under the caller's transaction, so a
    refused transition leaves them free for another try)."""
    claimed = file_attach_owned(
        actor=actor,
        file_ids=file_ids,
        obj=order,
        allowed_kinds=ORDER_FILE_KINDS,
        organization=order.organization,
    )
    kept = [*stored, *claimed]
    OrderFile.objects.bulk_create([OrderFile(order=order, event=event, file=f) for f in kept])
    return kept


def order_submit_requirements(
    *,
    actor: User,
    order: Order,
    text: str,
    files: Sequence[File] = (),
    file_ids: Sequence[Any] = (),
    request: Any = None,
) -> Order:
    """The buyer's requirements (text and files, uploaded now or beforehand: `file_ids`);
    the order starts."""
    _precheck(actor, order, "buyer", OrderStatus.AWAITING_REQUIREMENTS)
    text = (text or "").strip()
    if not text:
        raise ReasonRequired(errors={"requirements": [ReasonRequired.title]})
    return _with_files(
        actor,
        order,
        files,
        request,
        lambda stored: _submit_requirements(
            actor=actor, order=order, text=text, stored=stored, file_ids=file_ids
        ),
        file_ids,
    )


@transaction.atomic
def _submit_requirements(
    *, actor: User, order: Order, text: str, stored: Sequence[Any], file_ids: Sequence[Any]
) -> Order:
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
    stored = _keep_files(order, event, stored, actor=actor, file_ids=file_ids)
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
    file_ids: Sequence[Any] = (),
    request: Any = None,
) -> Order:
    """The seller's delivery (a message of at least 10 characters and files, uploaded now or
    beforehand: `file_ids`, e.g. large files sent in parts)."""
    _precheck(actor, order, "seller", OrderStatus.IN_PROGRESS)
    return _with_files(
        actor,
        order,
        files,
        request,
        lambda stored: _deliver(
            actor=actor, order=order, message=message, stored=stored, file_ids=file_ids
        ),
        file_ids,
    )


@transaction.atomic
def _deliver(
    *, actor: User, order: Order, message: str, stored: Sequence[Any], file_ids: Sequence[Any]
) -> Order:
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
    stored = _keep_files(order, event, stored, actor=actor, file_ids=file_ids)
    _announce(
        order,
        actor=actor,
        kind=OrderEventKind.DELIVERED,
        before=before,
        metadata={"files": len(stored)} if stored else None,
    )
    return order


def _clear_deadlines(order: Order) -> None:
    order.auto_complete_at = None
    order.remind_at = None


def _set_due(order: Order, start: datetime) -> None:
    """Due `delivery_days` after `start` (the requirements, or a revision request); not late."""
    order.due_at = start + timedelta(days=order.delivery_days)
    order.late_at = None
    order.late_claimed_at = None


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


def _complete(
    order: Order,
    *,
    actor: User | None,
    kind: str,
    message: str = "",
    metadata: dict[str, Any] | None = None,
) -> Order:
    before = _order_state(order)
    order.status = OrderStatus.COMPLETED
    order.completed_at = timezone.now()
    order.cancel_requested_by = None
    order.clears_at = order.completed_at + timedelta(days=conf.clearance_days())
    _clear_deadlines(order)
    order.save()
    post_earning(order)
    Gig.objects.filter(pk=order.gig_id).update(orders_completed=F("orders_completed") + 1)
    OrderEvent.objects.create(order=order, kind=kind, actor=actor, message=message)
    _announce(order, actor=actor, kind=kind, before=before, metadata=metadata)
    return order


@transaction.atomic
def order_complete(*, actor: User, order: Order) -> Order:
    order = _locked_order(order)
    _party(actor, order, "buyer")
    _expect(order, OrderStatus.DELIVERED)
    return _complete(order, actor=actor, kind=OrderEventKind.COMPLETED)


@transaction.atomic
def order_cancel(*, actor: User, order: Order, reason: str = "") -> Order:
    """Cancel by mutual agreement: the first party proposes, the other party's call agrees."""
    order = _locked_order(order)
    party = permissions.party_of(actor, order)
    if party is None:
        raise WrongParty()
    _expect(
        order, OrderStatus.AWAITING_REQUIREMENTS, OrderStatus.IN_PROGRESS, OrderStatus.DELIVERED
    )
    before = _order_state(order)
    if order.cancel_requested_by_id is None or order.cancel_requested_by_id == actor.pk:
        if order.cancel_requested_by_id == actor.pk:
            raise OrderTransitionRefused()  # already proposed; the other party must agree
        order.cancel_requested_by = actor
        order.save()
        kind = OrderEventKind.CANCEL_REQUESTED
    else:
        _cancel(order)
        kind = OrderEventKind.CANCELLED
    OrderEvent.objects.create(order=order, kind=kind, actor=actor, message=reason[:2000])
    _announce(order, actor=actor, kind=kind, before=before)
    return order


def _cancel(order: Order) -> None:
    """Cancelled: the deadlines stop and the buyer's whole payment is refunded (recorded)."""
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = timezone.now()
    order.cancel_requested_by = None
    _clear_deadlines(order)
    order.refunded_amount = order.price
    order.save()
    post_refund(order)


@transaction.atomic
def order_cancel_late(*, actor: User, order: Order, reason: str = "") -> Order:
    """The buyer cancels alone: the order is in progress and its due time passed more than the
    grace period ago (`FREELANCE_LATE_CANCEL_GRACE_HOURS`). The buyer is refunded."""
    order = _locked_order(order)
    _party(actor, order, "buyer")
    _expect(order, OrderStatus.IN_PROGRESS)
    grace = timedelta(hours=conf.late_cancel_grace_hours())
    if order.due_at is None or order.due_at + grace > timezone.now():
        raise NotLateEnough()
    before = _order_state(order)
    _cancel(order)
    kind = OrderEventKind.CANCELLED_LATE
    OrderEvent.objects.create(order=order, kind=kind, actor=actor, message=reason[:2000])
    _announce(order, actor=actor, kind=kind, before=before)
    return order


def can_cancel_late(order: Order, *, now: datetime | None = None) -> bool:
    """Whether the grace period after the due time is over (the page shows the button)."""
    if order.status != OrderStatus.IN_PROGRESS or order.due_at is None:
        return False
    grace = timedelta(hours=conf.late_cancel_grace_hours())
    return order.due_at + grace <= (now or timezone.now())


@transaction.atomic
def order_withdraw_cancel(*, actor: User, order: Order) -> Order:
    order = _locked_order(order)
    if order.cancel_requested_by_id != actor.pk or order.status not in (
        OrderStatus.AWAITING_REQUIREMENTS,
        OrderStatus.IN_PROGRESS,
        OrderStatus.DELIVERED,
    ):
        raise OrderTransitionRefused()
    before = _order_state(order)
    order.cancel_requested_by = None
    order.save()
    OrderEvent.objects.create(order=order, kind=OrderEventKind.CANCEL_WITHDRAWN, actor=actor)
    _announce(order, actor=actor, kind=OrderEventKind.CANCEL_WITHDRAWN, before=before)
    return order


# --- custom offers -------------------------------------------------------------------------
def _offer_state(offer: CustomOffer) -> dict[str, Any]:
    return {"status": offer.status, "price": money(offer.price)}


@transaction.atomic
def offer_create(
    *,
    actor: User,
    gig: Gig,
    buyer_id: Any,
    description: str,
    price: Decimal,
    delivery_days: int,
    revisions: int,
) -> CustomOffer:
    """The gig's seller offers one buyer of the marketplace custom terms; it expires after
    `FREELANCE_OFFER_EXPIRY_DAYS`. One pending offer per gig and buyer."""
    if not permissions.can_edit_gig(actor, gig):
        raise NotASeller()
    gig = _locked_gig(gig)
    if gig.status != GigStatus.ACTIVE:
        raise GigNotOrderable()
    buyer = User.objects.filter(pk=buyer_id).first()
    if (
        buyer is None
        or buyer.pk == actor.pk
        or not permissions.is_buyer_in(buyer, gig.organization_id)
        or not _has_written(seller=actor, buyer=buyer)
    ):
        raise UnknownBuyer(errors={"buyer": [UnknownBuyer.title]})
    pending = CustomOffer.objects.filter(gig=gig, buyer=buyer, status=OfferStatus.PENDING)
    if pending.filter(expires_at__gt=timezone.now()).exists():
        raise OfferAlreadyPending()
    pending.update(status=OfferStatus.EXPIRED)  # a lapsed one the sweep has not reached yet
    offer = CustomOffer(
        organization_id=gig.organization_id,
        gig=gig,
        seller=actor,
        buyer=buyer,
        description=description.strip(),
        price=price,
        delivery_days=delivery_days,
        revisions=revisions,
        expires_at=timezone.now() + timedelta(days=conf.offer_expiry_days()),
    )
    offer.full_clean(exclude=["gig", "seller", "buyer", "organization", "order"])
    offer.save()
    record(actor=actor, action="freelance.offer_sent", target=offer, after=_offer_state(offer))
    notify_many(
        [buyer],
        "freelance.offer_received",
        [{"offer_id": str(offer.pk), "title": gig.title, "price": money(offer.price)}],
    )
    return offer


def _has_written(*, seller: User, buyer: User) -> bool:
    """The buyer asked the seller about one of their gigs, or ordered from them: a seller
    cannot approach a buyer who never wrote to them."""
    return (
        GigInquiry.objects.filter(gig__seller_id=seller.pk, buyer_id=buyer.pk).exists()
        or Order.objects.filter(seller_id=seller.pk, buyer_id=buyer.pk).exists()
    )


def gig_inquiry_record(*, actor: User, gig: Gig) -> GigInquiry:
    """A buyer asks the seller about an active gig before ordering (the gig's conversation in
    the messenger follows). Recorded once per buyer and gig; the seller may then answer with
    a custom offer."""
    if not permissions.can_order_gig(actor, gig) or gig.status != GigStatus.ACTIVE:
        raise InquiryNotAllowed()
    inquiry, created = GigInquiry.objects.get_or_create(gig=gig, buyer=actor)
    if created:
        record(actor=actor, action="freelance.gig_inquiry", target=gig)
    return inquiry


def _locked_offer(offer: CustomOffer) -> CustomOffer:
    return (
        CustomOffer.objects.select_for_update(of=("self",))
        .select_related("gig", "buyer", "seller")
        .get(pk=offer.pk)
    )


def _decide(offer: CustomOffer, *, actor: User, to: str) -> CustomOffer:
    before = _offer_state(offer)
    offer.status = to
    offer.decided_at = timezone.now()
    offer.save(update_fields=["status", "decided_at", "order", "updated_at"])
    record(
        actor=actor,
        action=f"freelance.offer_{to}",
        target=offer,
        before=before,
        after=_offer_state(offer),
    )
    other = offer.seller if actor.pk == offer.buyer_id else offer.buyer
    notify_many(
        [other],
        "freelance.offer_decided",
        [{"offer_id": str(offer.pk), "title": offer.gig.title, "status": to}],
    )
    return offer


def _pending_for(offer: CustomOffer, actor: User, wanted: str) -> CustomOffer:
    offer = _locked_offer(offer)
    holder = offer.buyer_id if wanted == "buyer" else offer.seller_id
    if actor.pk != holder:
        raise WrongParty()
    if offer.status != OfferStatus.PENDING:
        raise OfferNotPending()
    if offer.expires_at <= timezone.now():
        raise OfferExpired()
    return offer


@transaction.atomic
def offer_accept(*, actor: User, offer: CustomOffer) -> Order:
    """The buyer accepts: an order with the offer's terms (a snapshot), awaiting requirements."""
    offer = _pending_for(offer, actor, "buyer")
    gig = offer.gig
    order = Order.objects.create(
        organization_id=offer.organization_id,
        gig=gig,
        buyer=actor,
        seller_id=offer.seller_id,
        gig_title=gig.title,
        tier=OrderTier.CUSTOM,
        package_title=offer.description[:80],
        price=offer.price,
        delivery_days=offer.delivery_days,
        revisions_allowed=offer.revisions,
        features=[],
        **money_terms(offer.price),
    )
    post_payment(order)
    OrderEvent.objects.create(
        order=order, kind=OrderEventKind.PLACED, actor=actor, message=offer.description
    )
    offer.order = order
    _decide(offer, actor=actor, to=OfferStatus.ACCEPTED)
    order = _locked_order(order)
    _announce(order, actor=actor, kind=OrderEventKind.PLACED, before={})
    return order


@transaction.atomic
def offer_decline(*, actor: User, offer: CustomOffer) -> CustomOffer:
    return _decide(_pending_for(offer, actor, "buyer"), actor=actor, to=OfferStatus.DECLINED)


@transaction.atomic
def offer_withdraw(*, actor: User, offer: CustomOffer) -> CustomOffer:
    return _decide(_pending_for(offer, actor, "seller"), actor=actor, to=OfferStatus.WITHDRAWN)


def offers_expire(*, now: datetime | None = None) -> int:
    """The sweep: pending offers past their time become expired (one UPDATE; idempotent)."""
    return CustomOffer.objects.filter(
        status=OfferStatus.PENDING, expires_at__lte=now or timezone.now()
    ).update(status=OfferStatus.EXPIRED, decided_at=now or timezone.now())


# --- disputes -------------------------------------------------------------------------------
MIN_DISPUTE_TEXT = 20


def _long_enough(text: str, field: str) -> str:
    text = (text or "").strip()
    if len(text) < MIN_DISPUTE_TEXT:
        raise ReasonRequired(errors={field: [ReasonRequired.title]})
    return text[:2000]


@transaction.atomic
def dispute_open(*, actor: User, order: Order, reason: str) -> Dispute:
    """Either party disputes an order in progress or delivered; the order is frozen (status
    `disputed`: no transition, no deadline) until a moderator resolves it. One per order."""
    order = _locked_order(order)
    if permissions.party_of(actor, order) is None:
        raise WrongParty()
    if Dispute.objects.filter(order=order).exists():
        raise AlreadyDisputed()
    _expect(order, *DISPUTABLE_STATUSES)
    reason = _long_enough(reason, "reason")
    before = _order_state(order)
    dispute = Dispute.objects.create(
        order=order,
        organization_id=order.organization_id,
        opened_by=actor,
        reason=reason,
        status_before=order.status,
    )
    order.status = OrderStatus.DISPUTED
    order.cancel_requested_by = None
    _clear_deadlines(order)
    order.save()
    OrderEvent.objects.create(
        order=order, kind=OrderEventKind.DISPUTE_OPENED, actor=actor, message=reason
    )
    _announce(order, actor=actor, kind=OrderEventKind.DISPUTE_OPENED, before=before)
    moderators = list(permissions.moderators_of(order.organization_id))
    notify_many(
        moderators,
        "freelance.dispute_opened",
        [{"order_id": str(order.pk), "title": order.gig_title}] * len(moderators),
    )
    return dispute


def _open_dispute(order: Order) -> Dispute:
    dispute = Dispute.objects.select_for_update().filter(order=order).first()
    if dispute is None or dispute.status != DisputeStatus.OPEN:
        raise DisputeNotOpen()
    return dispute


@transaction.atomic
def dispute_post_message(*, actor: User, order: Order, text: str) -> DisputeMessage:
    """A line in the dispute's thread, by a party or a moderator of the order's marketplace."""
    order = _locked_order(order)
    from_moderator = permissions.party_of(actor, order) is None
    if from_moderator and not permissions.is_moderator(actor, order.organization_id):
        raise WrongParty()
    dispute = _open_dispute(order)
    text = (text or "").strip()
    if not text:
        raise ReasonRequired(errors={"text": [ReasonRequired.title]})
    message = DisputeMessage.objects.create(
        dispute=dispute, author=actor, text=text[:2000], from_moderator=from_moderator
    )
    record(
        actor=actor,
        action="freelance.dispute_message_posted",
        target=dispute,
        organization=order.organization_id,
        metadata={"order_id": str(order.pk), "from_moderator": from_moderator},
    )
    recipients = [u for u in (order.buyer, order.seller) if u.pk != actor.pk]
    context = {"order_id": str(order.pk), "title": order.gig_title, "kind": "dispute_message"}
    notify_many(recipients, "freelance.order_updated", [context] * len(recipients))
    return message


@transaction.atomic
def dispute_resolve(
    *,
    actor: User,
    order: Order,
    outcome: str,
    resolution: str,
    refund_amount: Decimal | None = None,
) -> Dispute:
    """A moderator of the order's marketplace settles the dispute: `complete` (the seller is
    paid), `cancel` (the buyer is refunded in full) or `partial` (the buyer gets
    `refund_amount` back, the seller the rest less the platform's fee). Both parties are told."""
    order = _locked_order(order)
    if not permissions.is_moderator(actor, order.organization_id):
        raise NotAModerator()
    dispute = _open_dispute(order)
    _expect(order, OrderStatus.DISPUTED)
    resolution = _long_enough(resolution, "resolution")
    if outcome not in DisputeOutcome.values:
        raise InvalidInput(
            code="freelance.invalid_outcome", errors={"outcome": [", ".join(DisputeOutcome.values)]}
        )
    refund = Decimal("0")
    if outcome == DisputeOutcome.PARTIAL:
        if refund_amount is None or not Decimal("0") < refund_amount < order.price:
            raise InvalidRefund(errors={"refund_amount": [InvalidRefund.title]})
        refund = refund_amount.quantize(CENT)
    elif outcome == DisputeOutcome.CANCEL:
        refund = order.price
    dispute.status = DisputeStatus.RESOLVED
    dispute.outcome = outcome
    dispute.refund_amount = refund
    dispute.resolution = resolution
    dispute.resolved_by = actor
    dispute.resolved_at = timezone.now()
    dispute.save()
    metadata = {"outcome": outcome, "refund_amount": money(refund)}
    kind = OrderEventKind.DISPUTE_RESOLVED
    if outcome == DisputeOutcome.CANCEL:
        before = _order_state(order)
        _cancel(order)
        OrderEvent.objects.create(order=order, kind=kind, actor=actor, message=resolution)
        _announce(order, actor=actor, kind=kind, before=before, metadata=metadata)
    else:
        if refund:
            order.refunded_amount = refund
            order.platform_fee, order.seller_net = split(order.price - refund, order.fee_percent)
        _complete(order, actor=actor, kind=kind, message=resolution, metadata=metadata)
    return dispute


# --- deadlines --------------------------------------------------------------------------------
def order_auto_complete(*, order: Order) -> Order | None:
    """Complete a delivered order whose buyer did not answer in time (idempotent)."""
    with transaction.atomic():
        order = _locked_order(order)
        if order.status != OrderStatus.DELIVERED or order.auto_complete_at is None:
            return None
        if order.auto_complete_at > timezone.now():
            return None
        return _complete(order, actor=None, kind=OrderEventKind.AUTO_COMPLETED)


def order_remind(*, order: Order) -> None:
    with transaction.atomic():
        order = _locked_order(order)
        if order.status != OrderStatus.DELIVERED:
            return
        OrderEvent.objects.create(order=order, kind=OrderEventKind.REMINDER)
        notify_many(
            [order.buyer],
            "freelance.order_auto_complete_soon",
            [{"order_id": str(order.pk), "title": order.gig_title}],
        )


def order_flag_late(*, order: Order) -> Order | None:
    """Flag an order still in progress past its due time (idempotent; both parties told)."""
    with transaction.atomic():
        order = _locked_order(order)
        now = timezone.now()
        if order.status != OrderStatus.IN_PROGRESS or order.late_at is not None:
            return None
        if order.due_at is None or order.due_at > now:
            return None
        before = _order_state(order)
        order.late_at = now
        order.save(update_fields=["late_at"])
        OrderEvent.objects.create(order=order, kind=OrderEventKind.LATE)
        _announce(order, actor=None, kind=OrderEventKind.LATE, before=before)
        return order


def order_clear_funds(*, order: Order) -> Order | None:
    """Move a completed order's net from the seller's pending to cleared (idempotent)."""
    with transaction.atomic():
        order = _locked_order(order)
        if order.status != OrderStatus.COMPLETED or order.cleared_at is not None:
            return None
        if order.clears_at is None or order.clears_at > timezone.now():
            return None
        order.cleared_at = timezone.now()
        order.save(update_fields=["cleared_at"])
        post_clearance(order)
        OrderEvent.objects.create(order=order, kind=OrderEventKind.FUNDS_CLEARED)
        record(
            actor=None,
            action="freelance.order_funds_cleared",
            target=order,
            after={"seller_net": money(order.seller_net)},
        )
        notify_many(
            [order.seller],
            "freelance.order_updated",
            [{"order_id": str(order.pk), "title": order.gig_title, "kind": "funds_cleared"}],
        )
        return order


def orders_run_due(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """The sweep: reminders, auto-completions, late flags and clearances that are due. Each
    row is claimed once (`claim_due`); the services re-check under the row lock."""
    now = now or timezone.now()
    delivered = Order.objects.filter(status=OrderStatus.DELIVERED)
    with transaction.atomic():
        reminded = claim_due(
            delivered,
            deadline_field="remind_at",
            claim_field="remind_claimed_at",
            now=now,
            limit=limit,
        )
        for order in Order.objects.filter(pk__in=reminded):
            order_remind(order=order)
    completed = 0
    with transaction.atomic():
        due = claim_due(
            delivered,
            deadline_field="auto_complete_at",
            claim_field="auto_complete_claimed_at",
            now=now,
            limit=limit,
        )
        for order in Order.objects.filter(pk__in=due):
            if order_auto_complete(order=order) is not None:
                completed += 1
    late = 0
    with transaction.atomic():
        due = claim_due(
            Order.objects.filter(status=OrderStatus.IN_PROGRESS, late_at__isnull=True),
            deadline_field="due_at",
            claim_field="late_claimed_at",
            now=now,
            limit=limit,
        )
        for order in Order.objects.filter(pk__in=due):
            if order_flag_late(order=order) is not None:
                late += 1
    cleared = 0
    with transaction.atomic():
        due = claim_due(
            Order.objects.filter(status=OrderStatus.COMPLETED, cleared_at__isnull=True),
            deadline_field="clears_at",
            claim_field="clearance_claimed_at",
            now=now,
            limit=limit,
        )
        for order in Order.objects.filter(pk__in=due):
            if order_clear_funds(order=order) is not None:
                cleared += 1
    return {
        "reminded": len(reminded),
        "completed": completed,
        "late": late,
        "cleared": cleared,
        "offers_expired": offers_expire(now=now),
    }


# --- reviews --------------------------------------------------------------------------------
@transaction.atomic
def review_create(*, actor: User, order: Order, rating: int, comment: str = "") -> Review:
    """One review per completed order, by its buyer; the gig's sum and count move together."""
    order = _locked_order(order)
    _party(actor, order, "buyer")
    _expect(order, OrderStatus.COMPLETED)
    if Review.objects.filter(order=order).exists():
        raise AlreadyReviewed()
    if not can_review_now(order):
        raise ReviewWindowClosed()
    review = Review.objects.create(
        order=order, gig_id=order.gig_id, buyer=actor, rating=rating, comment=comment
    )
    Gig.objects.filter(pk=order.gig_id).update(
        rating_sum=F("rating_sum") + rating, reviews_count=F("reviews_count") + 1
    )
    record(
        actor=actor,
        action="freelance.review_created",
        target=review,
        organization=order.organization_id,
        after={"rating": rating},
    )
    return review


def can_review_now(order: Order) -> bool:
    """Within `FREELANCE_REVIEW_WINDOW_DAYS` (30) of the order's completion."""
    window = timedelta(days=conf.review_window_days())
    return order.completed_at is None or order.completed_at + window >= timezone.now()


# --- favourites -----------------------------------------------------------------------------
def favourite_set(*, actor: User, gig: Gig, on: bool) -> bool:
    """Save (`on`) or remove a gig from the buyer's favourites; repeating a call changes nothing.

    The gig's `favourites_count` moves only when a row was really inserted or deleted, in the
    same transaction, so it always equals the number of rows. Returns whether it is saved now.
    """
    if on:
        if gig.seller_id == actor.pk:
            raise OwnGigFavourite()
        if gig.status != GigStatus.ACTIVE:
            raise GigNotOrderable()
        if not permissions.is_buyer_in(actor, gig.organization_id):
            raise NotABuyer()
        try:
            with transaction.atomic():
                Favourite.objects.create(user=actor, gig=gig)
                Gig.objects.filter(pk=gig.pk).update(favourites_count=F("favourites_count") + 1)
        except IntegrityError:
            pass  # already saved (perhaps by a concurrent call): nothing changes
        return True
    with transaction.atomic():
        deleted, _ = Favourite.objects.filter(user=actor, gig=gig).delete()
        if deleted:
            Gig.objects.filter(pk=gig.pk).update(favourites_count=F("favourites_count") - 1)
    return False


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


def money(value: Decimal) -> str:
    return f"{value:.2f}"


# --- money: recorded, not moved ---------------------------------------------------------------
CENT = Decimal("0.01")


def split(amount: Decimal, percent: Decimal) -> tuple[Decimal, Decimal]:
    """(platform fee, seller's net) of `amount`: the fee rounded half up to the cent, the net
    the exact rest, so fee + net == amount always."""
    fee = (amount * percent / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
    return fee, amount - fee


def money_terms(price: Decimal) -> dict[str, Decimal]:
    """An order's money terms at the moment it is placed (the fee rate is kept with it)."""
    percent = conf.platform_fee_percent()
    fee, net = split(price, percent)
    return {"fee_percent": percent, "platform_fee": fee, "seller_net": net}


Line = tuple[str, Any, Decimal]  # (account, holder id or None, amount)


def _post(order: Order, kind: str, lines: Sequence[Line]) -> None:
    """Write one balanced posting (its lines sum to zero) and move the seller's balance.

    The unique (order, kind, account) constraint refuses a second posting of the same kind:
    a replayed transition cannot count money twice."""
    lines = [line for line in lines if line[2] != 0]
    if sum((amount for _a, _h, amount in lines), Decimal(0)) != 0:
        raise ValueError("A ledger posting must sum to zero.")
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                organization_id=order.organization_id,
                order=order,
                holder_id=holder,
                account=account,
                kind=kind,
                amount=amount,
                currency=order.currency,
            )
            for account, holder, amount in lines
        ]
    )
    moves = {
        field: amount
        for account, _holder, amount in lines
        for field in (_BALANCE_FIELDS.get(account),)
        if field is not None
    }
    if moves:
        SellerBalance.objects.get_or_create(seller_id=order.seller_id, currency=order.currency)
        SellerBalance.objects.filter(seller_id=order.seller_id, currency=order.currency).update(
            **{field: F(field) + amount for field, amount in moves.items()}
        )


_BALANCE_FIELDS: dict[str, str] = {
    LedgerAccount.SELLER_PENDING: "pending",
    LedgerAccount.SELLER_CLEARED: "cleared",
}


def post_payment(order: Order) -> None:
    """The buyer paid the order's price; the platform holds it for the order."""
    _post(
        order,
        LedgerKind.PAYMENT,
        [
            (LedgerAccount.BUYER_PAYMENTS, order.buyer_id, -order.price),
            (LedgerAccount.ESCROW, None, order.price),
        ],
    )


def post_earning(order: Order) -> None:
    """Completed: the held price becomes the platform's fee and the seller's pending net, less
    whatever was refunded (a partial settlement)."""
    lines: list[Line] = [
        (LedgerAccount.ESCROW, None, -order.price),
        (LedgerAccount.PLATFORM_FEES, None, order.platform_fee),
        (LedgerAccount.SELLER_PENDING, order.seller_id, order.seller_net),
    ]
    if order.refunded_amount:
        lines.append((LedgerAccount.BUYER_REFUNDS, order.buyer_id, order.refunded_amount))
    _post(order, LedgerKind.EARNING, lines)


def post_refund(order: Order) -> None:
    """Cancelled: the held price goes back to the buyer (recorded; no payment provider)."""
    _post(
        order,
        LedgerKind.REFUND,
        [
            (LedgerAccount.ESCROW, None, -order.price),
            (LedgerAccount.BUYER_REFUNDS, order.buyer_id, order.refunded_amount),
        ],
    )


def post_clearance(order: Order) -> None:
    _post(
        order,
        LedgerKind.CLEARANCE,
        [
            (LedgerAccount.SELLER_PENDING, order.seller_id, -order.seller_net),
            (LedgerAccount.SELLER_CLEARED, order.seller_id, order.seller_net),
        ],
    )


@transaction.atomic
def balance_rebuild(*, seller: User, currency: str = "USD") -> SellerBalance:
    """Recompute a seller's balance from the ledger (repair, audit); returns the stored row."""
    from django.db.models import Sum

    sums = dict(
        LedgerEntry.objects.filter(
            holder=seller,
            currency=currency,
            account__in=[LedgerAccount.SELLER_PENDING, LedgerAccount.SELLER_CLEARED],
        )
        .values_list("account")
        .annotate(total=Sum("amount"))
        .values_list("account", "total")
    )
    balance, _created = SellerBalance.objects.select_for_update().get_or_create(
        seller=seller, currency=currency
    )
    balance.pending = sums.get(LedgerAccount.SELLER_PENDING) or Decimal("0")
    balance.cleared = sums.get(LedgerAccount.SELLER_CLEARED) or Decimal("0")
    balance.save()
    return balance


# --- impressions and clicks -------------------------------------------------------------------
def _bump(gig_ids: Sequence[Any], field: str) -> None:
    """Add one to `field` of today's counter row of each gig: two queries whatever the number
    of gigs (create the missing rows, then one UPDATE with an F expression), exact under
    concurrent views (the unique (gig, day) row absorbs the race of two first views)."""
    ids = list(dict.fromkeys(gig_ids))
    if not ids:
        return
    today = timezone.localdate()
    GigDailyStat.objects.bulk_create(
        [GigDailyStat(gig_id=gig_id, day=today) for gig_id in ids], ignore_conflicts=True
    )
    GigDailyStat.objects.filter(gig_id__in=ids, day=today).update(**{field: F(field) + 1})


def gigs_record_impressions(*, viewer: Any, shown: Sequence[tuple[Any, Any]]) -> None:
    """The gigs shown on a catalogue or search page, as (gig id, seller id) pairs (the
    viewer's own gigs do not count)."""
    viewer_id = getattr(viewer, "pk", None)
    own = str(viewer_id)
    _bump([gig_id for gig_id, seller_id in shown if str(seller_id) != own], "impressions")


def gig_record_click(*, viewer: Any, gig: Gig) -> None:
    """A gig's page opened by anyone but its seller (counted only while it is active)."""
    if gig.seller_id != getattr(viewer, "pk", None) and gig.status == GigStatus.ACTIVE:
        _bump([gig.pk], "clicks")
