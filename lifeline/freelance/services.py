"""Every write of the freelance module: gigs and their moderation, orders and their deadlines.

Services enforce invariants and who may move what (the right party of an order, a moderator
of the gig's marketplace); every transition runs under a row lock, is audited, tells the
other party (notification) and both parties' sockets (event), after commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from lifeline.accounts.models import User
from lifeline.audit.services import record
from lifeline.core.jobs import claim_due
from lifeline.files.enums import FileKind
from lifeline.files.services import file_delete, file_upload
from lifeline.freelance import conf, events, permissions
from lifeline.freelance.enums import TIERS, GigStatus, OrderEventKind, OrderStatus
from lifeline.freelance.exceptions import (
    AlreadyReviewed,
    GigNotEditable,
    GigNotOrderable,
    GigTransitionRefused,
    InvalidPackages,
    NoRevisionsLeft,
    NotABuyer,
    NotAModerator,
    NotASeller,
    OrderTransitionRefused,
    OwnGig,
    OwnGigFavourite,
    PortfolioConsentMissing,
    PortfolioImagesFull,
    PortfolioOrderNotCompleted,
    ReasonRequired,
    UnknownPackage,
    WrongParty,
)
from lifeline.freelance.models import (
    Category,
    Favourite,
    Gig,
    GigPackage,
    Order,
    OrderEvent,
    PortfolioImage,
    PortfolioItem,
    Review,
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


def _announce(order: Order, *, actor: User | None, kind: str, before: dict[str, Any]) -> None:
    """Audit, timeline line, notify the other party (both when the platform acted), event."""
    record(
        actor=actor,
        action=f"freelance.order_{kind}",
        target=order,
        before=before,
        after=_order_state(order),
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
    )
    OrderEvent.objects.create(order=order, kind=OrderEventKind.PLACED, actor=actor)
    order = _locked_order(order)
    _announce(order, actor=actor, kind=OrderEventKind.PLACED, before={})
    return order


@transaction.atomic
def order_submit_requirements(*, actor: User, order: Order, text: str) -> Order:
    order = _locked_order(order)
    _party(actor, order, "buyer")
    _expect(order, OrderStatus.AWAITING_REQUIREMENTS)
    text = (text or "").strip()
    if not text:
        raise ReasonRequired(errors={"requirements": [ReasonRequired.title]})
    before = _order_state(order)
    now = timezone.now()
    order.requirements = text
    order.status = OrderStatus.IN_PROGRESS
    order.started_at = now
    order.due_at = now + timedelta(days=order.delivery_days)
    order.save()
    OrderEvent.objects.create(order=order, kind=OrderEventKind.REQUIREMENTS, actor=actor)
    _announce(order, actor=actor, kind=OrderEventKind.REQUIREMENTS, before=before)
    return order


@transaction.atomic
def order_deliver(*, actor: User, order: Order, message: str) -> Order:
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
    OrderEvent.objects.create(
        order=order, kind=OrderEventKind.DELIVERED, actor=actor, message=message
    )
    _announce(order, actor=actor, kind=OrderEventKind.DELIVERED, before=before)
    return order


def _clear_deadlines(order: Order) -> None:
    order.auto_complete_at = None
    order.remind_at = None


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
    order.save()
    OrderEvent.objects.create(
        order=order, kind=OrderEventKind.REVISION, actor=actor, message=message
    )
    _announce(order, actor=actor, kind=OrderEventKind.REVISION, before=before)
    return order


def _complete(order: Order, *, actor: User | None, kind: str) -> Order:
    before = _order_state(order)
    order.status = OrderStatus.COMPLETED
    order.completed_at = timezone.now()
    order.cancel_requested_by = None
    _clear_deadlines(order)
    order.save()
    Gig.objects.filter(pk=order.gig_id).update(orders_completed=F("orders_completed") + 1)
    OrderEvent.objects.create(order=order, kind=kind, actor=actor)
    _announce(order, actor=actor, kind=kind, before=before)
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
        order.status = OrderStatus.CANCELLED
        order.cancelled_at = timezone.now()
        _clear_deadlines(order)
        order.save()
        kind = OrderEventKind.CANCELLED
    OrderEvent.objects.create(order=order, kind=kind, actor=actor, message=reason[:2000])
    _announce(order, actor=actor, kind=kind, before=before)
    return order


@transaction.atomic
def order_withdraw_cancel(*, actor: User, order: Order) -> Order:
    order = _locked_order(order)
    if order.cancel_requested_by_id != actor.pk or order.status == OrderStatus.CANCELLED:
        raise OrderTransitionRefused()
    before = _order_state(order)
    order.cancel_requested_by = None
    order.save()
    OrderEvent.objects.create(order=order, kind=OrderEventKind.CANCEL_WITHDRAWN, actor=actor)
    _announce(order, actor=actor, kind=OrderEventKind.CANCEL_WITHDRAWN, before=before)
    return order


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


def orders_run_due(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """The sweep: reminders, then auto-completions that are due. Each row is claimed once."""
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
    return {"reminded": len(reminded), "completed": completed}


# --- reviews --------------------------------------------------------------------------------
@transaction.atomic
def review_create(*, actor: User, order: Order, rating: int, comment: str = "") -> Review:
    """One review per completed order, by its buyer; the gig's sum and count move together."""
    order = _locked_order(order)
    _party(actor, order, "buyer")
    _expect(order, OrderStatus.COMPLETED)
    if Review.objects.filter(order=order).exists():
        raise AlreadyReviewed()
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
