"""Scoped reads of the freelance module: what each actor may see, with its prefetching."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Min, Prefetch, Q, QuerySet

from lifeline.core.selectors import get_or_not_found
from lifeline.freelance import permissions
from lifeline.freelance.enums import DisputeStatus, GigStatus, LedgerAccount
from lifeline.freelance.models import (
    Category,
    CustomOffer,
    Dispute,
    DisputeMessage,
    Gig,
    GigPackage,
    LedgerEntry,
    Order,
    OrderEvent,
    SellerBalance,
)

MAX_QUERY_WORDS = 8


def category_list() -> QuerySet[Category]:
    return Category.objects.select_related("parent").order_by("position", "slug")


def _gigs() -> QuerySet[Gig]:
    return (
        Gig.objects.select_related("category", "seller")
        .prefetch_related(Prefetch("packages", queryset=GigPackage.objects.order_by("price")))
        .annotate(price_from=Min("packages__price"))
        # Explicit: Meta.ordering is not applied to a grouped (annotated) query. Stable paging.
        .order_by("-created_at", "-id")
    )


def _search(gigs: QuerySet[Gig], q: str) -> QuerySet[Gig]:
    q = " ".join(q.split()[:MAX_QUERY_WORDS])
    if not q:
        return gigs
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("title", weight="A", config="simple") + SearchVector(
            "description", weight="B", config="simple"
        )
        query = SearchQuery(q, search_type="websearch", config="simple")
        return (
            gigs.annotate(rank=SearchRank(vector, query))
            .filter(rank__gt=0)
            .order_by("-rank", "-created_at", "-id")
        )
    # The embedded default (SQLite): every word in the title or the description.
    for word in q.split():
        gigs = gigs.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return gigs


def gig_search(*, q: str = "", category_slug: str = "") -> QuerySet[Gig]:
    """Active gigs (anyone may read them), optionally matching `q` and in a category."""
    gigs = _gigs().filter(status=GigStatus.ACTIVE)
    if category_slug:
        gigs = gigs.filter(
            Q(category__slug=category_slug) | Q(category__parent__slug=category_slug)
        )
    return _search(gigs, q)


def gig_get_for(*, actor: Any, gig_id: Any) -> Gig:
    """An active gig for anyone; any status for its seller and its marketplace's moderators."""
    scope = Q(status=GigStatus.ACTIVE)
    if getattr(actor, "is_authenticated", False):
        scope |= Q(seller_id=actor.pk)
        if permissions.is_moderator(actor):
            if permissions.is_platform_admin_user(actor):
                scope = Q()
            else:
                scope |= Q(organization_id__in=permissions.moderator_organization_ids(actor))
    return get_or_not_found(_gigs().filter(scope), pk=gig_id)


def gig_list_for_seller(*, actor: Any) -> QuerySet[Gig]:
    return _gigs().filter(seller_id=getattr(actor, "pk", None)).exclude(status=GigStatus.ARCHIVED)


def gig_moderation_queue(*, actor: Any) -> QuerySet[Gig]:
    gigs = _gigs().filter(status=GigStatus.PENDING_APPROVAL).order_by("submitted_at", "id")
    if permissions.is_platform_admin_user(actor):
        return gigs
    return gigs.filter(organization_id__in=permissions.moderator_organization_ids(actor))


def _orders() -> QuerySet[Order]:
    return Order.objects.select_related("buyer", "seller", "gig", "dispute")


def _moderated_q(actor: Any) -> Q:
    """Disputed orders (open or resolved) of the marketplaces `actor` moderates."""
    if not permissions.is_moderator(actor):
        return Q(pk__in=[])
    if permissions.is_platform_admin_user(actor):
        return Q(dispute__isnull=False)
    return Q(
        dispute__isnull=False,
        organization_id__in=permissions.moderator_organization_ids(actor),
    )


def order_list_for(*, actor: Any, status: str = "") -> QuerySet[Order]:
    """Orders `actor` bought or sells: never anyone else's."""
    if not getattr(actor, "is_authenticated", False):
        return Order.objects.none()
    orders = _orders().filter(Q(buyer_id=actor.pk) | Q(seller_id=actor.pk))
    if status:
        orders = orders.filter(status=status)
    return orders


def order_get_for(*, actor: Any, order_id: Any) -> Order:
    """An order of which `actor` is a party, or a disputed order of a marketplace `actor`
    moderates; anything else is 404."""
    if not getattr(actor, "is_authenticated", False):
        return get_or_not_found(Order.objects.none(), pk=order_id)
    scope = Q(buyer_id=actor.pk) | Q(seller_id=actor.pk) | _moderated_q(actor)
    return get_or_not_found(
        _orders()
        .filter(scope)
        .prefetch_related(Prefetch("events", queryset=OrderEvent.objects.select_related("actor"))),
        pk=order_id,
    )


def dispute_list_for(*, actor: Any, status: str = "") -> QuerySet[Dispute]:
    """Disputes of the actor's own orders, and every dispute of the marketplaces they
    moderate."""
    if not getattr(actor, "is_authenticated", False):
        return Dispute.objects.none()
    scope = Q(order__buyer_id=actor.pk) | Q(order__seller_id=actor.pk)
    if permissions.is_platform_admin_user(actor):
        scope = Q()
    else:
        moderated = permissions.moderator_organization_ids(actor)
        if moderated:
            scope |= Q(organization_id__in=moderated)
    disputes = Dispute.objects.filter(scope).select_related("order", "opened_by")
    if status in DisputeStatus.values:
        disputes = disputes.filter(status=status)
    return disputes.order_by("-created_at", "-id")


def dispute_messages(dispute: Dispute) -> QuerySet[DisputeMessage]:
    return dispute.messages.select_related("author").order_by("created_at", "id")


# --- money ------------------------------------------------------------------------------------
SELLER_ACCOUNTS = (LedgerAccount.SELLER_PENDING, LedgerAccount.SELLER_CLEARED)


def balance_for(*, actor: Any, currency: str = "USD") -> SellerBalance:
    """The actor's own balance (zero when they never earned): nobody reads another's."""
    if not getattr(actor, "is_authenticated", False):
        return SellerBalance(currency=currency)
    found = SellerBalance.objects.filter(seller_id=actor.pk, currency=currency).first()
    return found or SellerBalance(seller_id=actor.pk, currency=currency)


def ledger_for(*, actor: Any) -> QuerySet[LedgerEntry]:
    """The actor's own ledger lines as a seller (pending and cleared), newest first."""
    if not getattr(actor, "is_authenticated", False):
        return LedgerEntry.objects.none()
    return (
        LedgerEntry.objects.filter(holder_id=actor.pk, account__in=SELLER_ACCOUNTS)
        .select_related("order")
        .order_by("-created_at", "-id")
    )


# --- custom offers ----------------------------------------------------------------------------
def offer_list_for(*, actor: Any) -> QuerySet[CustomOffer]:
    """Offers the actor sent (as a seller) or received (as a buyer); nobody else's."""
    if not getattr(actor, "is_authenticated", False):
        return CustomOffer.objects.none()
    return (
        CustomOffer.objects.filter(Q(seller_id=actor.pk) | Q(buyer_id=actor.pk))
        .select_related("gig", "seller", "buyer")
        .order_by("-created_at", "-id")
    )


def offer_get_for(*, actor: Any, offer_id: Any) -> CustomOffer:
    return get_or_not_found(offer_list_for(actor=actor), pk=offer_id)


def offer_buyer_choices(*, actor: Any) -> list[Any]:
    """Buyers the seller has dealt with (an order with them): whom the offer form lists."""
    from lifeline.accounts.models import User

    if not getattr(actor, "is_authenticated", False):
        return []
    return list(
        User.objects.filter(freelance_purchases__seller_id=actor.pk)
        .distinct()
        .order_by("full_name", "id")[:200]
    )
