"""Gigs: create, edit, moderation moves, impressions and clicks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lifeline.accounts.models import User
from lifeline.audit.services import record
from lifeline.freelance import events, permissions
from lifeline.freelance.enums import (
    TIERS,
    GigStatus,
)
from lifeline.freelance.exceptions import (
    GigNotEditable,
    GigTransitionRefused,
    InvalidPackages,
    NotAModerator,
    NotASeller,
    ReasonRequired,
)
from lifeline.freelance.models import (
    Category,
    Gig,
    GigDailyStat,
    GigPackage,
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
    gig_back_to_approval(gig)
    gig.save()
    record(
        actor=actor,
        action="freelance.gig_updated",
        target=gig,
        before=before,
        after=_gig_state(gig),
    )
    return gig


def gig_back_to_approval(gig: Gig) -> bool:
    """An active or paused gig whose content changed (text, packages, images) waits for a
    moderator again: buyers only see what a moderator approved; orders in flight keep their
    snapshot. Sets the fields on `gig` (locked by the caller, who saves it); True if it moved."""
    if gig.status not in (GigStatus.ACTIVE, GigStatus.PAUSED):
        return False
    gig.status = GigStatus.PENDING_APPROVAL
    gig.submitted_at = timezone.now()
    return True


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
