"""Scoped reads of the freelance module: what each actor may see, with its prefetching."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import OrderBy
from django.db.models.functions import Cast, NullIf, TruncDate, TruncMonth, TruncWeek
from django.utils import timezone

from lifeline.accounts.models import User
from lifeline.core.exceptions import NotFound
from lifeline.core.selectors import get_or_not_found, tree_descendant_ids
from lifeline.freelance import levels, permissions, search
from lifeline.freelance.enums import DisputeStatus, GigStatus, LedgerAccount, OrderStatus
from lifeline.freelance.models import (
    Category,
    CustomOffer,
    Dispute,
    DisputeMessage,
    Favourite,
    Gig,
    GigDailyStat,
    GigImage,
    GigPackage,
    LedgerEntry,
    Order,
    OrderEvent,
    OrderFile,
    PortfolioImage,
    PortfolioItem,
    Review,
    ReviewHelpfulVote,
    SellerBalance,
)


def category_list() -> QuerySet[Category]:
    return Category.objects.select_related("parent").order_by("position", "slug")


def _with_primary_image(gigs: QuerySet[Gig]) -> QuerySet[Gig]:
    """`primary_image_id`: the gig's primary image for cards (no query of its own)."""
    primary = GigImage.objects.filter(gig=OuterRef("pk"), is_primary=True)
    return gigs.annotate(primary_image_id=Subquery(primary.values("id")[:1]))


def _gigs() -> QuerySet[Gig]:
    return _with_primary_image(
        Gig.objects.select_related("category", "seller")
        .prefetch_related(Prefetch("packages", queryset=GigPackage.objects.order_by("price")))
        .annotate(price_from=Min("packages__price"))
        # Explicit: Meta.ordering is not applied to a grouped (annotated) query. Stable paging.
        .order_by("-created_at", "-id")
    )


# --- search -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class GigFilters:
    q: str = ""
    category: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    delivery_days: int | None = None
    min_rating: Decimal | None = None
    seller_level: str = ""
    sort: str = ""


# Every ordering ends with the id, so pages are stable. `relevance` (the default with a query):
# title matches first, then the rank, then newest; without a query the default is newest.
GIG_SORTS: dict[str, tuple[Any, ...]] = {
    "newest": ("-created_at", "-id"),
    "best_selling": ("-orders_completed", "-created_at", "-id"),
    "price_asc": ("price_from", "id"),
    "price_desc": ("-price_from", "-id"),
    "rating": (
        OrderBy(
            # Real division (an integer one would tie 4.5 with 4.0 on SQLite).
            ExpressionWrapper(
                Cast("rating_sum", FloatField()) / NullIf(F("reviews_count"), 0),
                output_field=FloatField(),
            ),
            descending=True,
            nulls_last=True,
        ),
        "-id",
    ),
}
GIG_SORT_CHOICES = ("relevance", *GIG_SORTS)


def category_descendant_ids(*, slug: str) -> list[int]:
    """The category `slug` and its subcategories (one query: the tree is small)."""
    return tree_descendant_ids(Category.objects.all(), slug=slug)


def sellers_of_level(level: str) -> QuerySet[Any]:
    """The ids of the sellers whose level (`levels.seller_level_case`) is `level`."""
    return (
        Gig.objects.order_by()
        .values("seller_id")
        .annotate(**levels.seller_totals())
        .annotate(level=levels.seller_level_case())
        .filter(level=level)
        .values("seller_id")
    )


def gig_list_public(*, filters: GigFilters) -> QuerySet[Gig]:
    """Active gigs (anyone may read them) matching the query and the filters, in the asked
    order. The price filters and sorts use the gig's starting price (its cheapest package);
    `delivery_days`: a package delivers within that many days; `min_rating`: the exact
    average is at least that; `seller_level`: the seller's level now (see `levels`)."""
    cheapest = GigPackage.objects.filter(gig=OuterRef("pk")).order_by("price", "id")
    gigs = _with_primary_image(
        Gig.objects.filter(status=GigStatus.ACTIVE)
        .select_related("category", "seller")
        .prefetch_related(Prefetch("packages", queryset=GigPackage.objects.order_by("price")))
        .annotate(price_from=Subquery(cheapest.values("price")[:1]))
    )
    if filters.category:
        gigs = gigs.filter(category_id__in=category_descendant_ids(slug=filters.category))
    if filters.price_min is not None:
        gigs = gigs.filter(**{"price_from__gte": filters.price_min})  # the annotation
    if filters.price_max is not None:
        gigs = gigs.filter(**{"price_from__lte": filters.price_max})
    if filters.delivery_days is not None:
        gigs = gigs.filter(
            Exists(
                GigPackage.objects.filter(
                    gig=OuterRef("pk"), delivery_days__lte=filters.delivery_days
                )
            )
        )
    if filters.min_rating is not None:
        gigs = gigs.filter(
            reviews_count__gt=0, rating_sum__gte=F("reviews_count") * filters.min_rating
        )
    if filters.seller_level:
        gigs = gigs.filter(seller_id__in=sellers_of_level(filters.seller_level))
    if filters.q:
        gigs = search.GIGS.apply(gigs, filters.q)
    if filters.sort in GIG_SORTS:
        return gigs.order_by(*GIG_SORTS[filters.sort])
    if filters.q:
        return gigs.order_by("-title_match", "-search_rank", *GIG_SORTS["newest"])
    return gigs.order_by(*GIG_SORTS["newest"])


def gig_search(*, q: str = "", category_slug: str = "") -> QuerySet[Gig]:
    """Active gigs, optionally matching `q` and in a category (or one of its subcategories)."""
    return gig_list_public(filters=GigFilters(q=q, category=category_slug))


def _gig_scope(actor: Any) -> Q:
    scope = Q(status=GigStatus.ACTIVE)
    if getattr(actor, "is_authenticated", False):
        scope |= Q(seller_id=actor.pk)
        if permissions.is_moderator(actor):
            if permissions.is_platform_admin_user(actor):
                scope = Q()
            else:
                scope |= Q(organization_id__in=permissions.moderator_organization_ids(actor))
    return scope


def gig_get_for(*, actor: Any, gig_id: Any) -> Gig:
    """An active gig for anyone; any status for its seller and its marketplace's moderators."""
    return get_or_not_found(_gigs().filter(_gig_scope(actor)), pk=gig_id)


# --- images -----------------------------------------------------------------------------------
def gig_get_for_seller(*, actor: Any, gig_id: Any) -> Gig:
    """The actor's own gig (any status but archived); anyone else's is 404."""
    return get_or_not_found(gig_list_for_seller(actor=actor), pk=gig_id)


def gig_images(*, gig: Gig) -> list[GigImage]:
    """The gig's images, the primary first, then by position (one query)."""
    return list(GigImage.objects.filter(gig=gig).order_by("-is_primary", "position", "id"))


def gig_image_get_for_seller(*, actor: Any, gig_id: Any, image_id: Any) -> GigImage:
    """An image of the actor's own gig; another seller's is 404."""
    images = GigImage.objects.select_related("gig", "file").filter(
        gig_id=gig_id, gig__seller_id=getattr(actor, "pk", None)
    )
    return get_or_not_found(images, pk=image_id)


def gig_image_get_for(*, actor: Any, image_id: Any) -> GigImage:
    """An image of a gig the actor may see (anyone, for an active gig)."""
    visible = Gig.objects.filter(_gig_scope(actor)).values("pk")
    images = GigImage.objects.select_related("file").filter(
        gig_id__in=visible, file__deleted_at__isnull=True
    )
    return get_or_not_found(images, pk=image_id)


# --- favourites -------------------------------------------------------------------------------
def gig_get_for_favourite(*, actor: Any, gig_id: Any) -> Gig:
    """A gig the actor may see, or one they saved earlier (so a paused gig can be removed)."""
    if not getattr(actor, "is_authenticated", False):
        return get_or_not_found(Gig.objects.none(), pk=gig_id)
    saved = Favourite.objects.filter(user_id=actor.pk, gig_id=gig_id)
    return get_or_not_found(
        Gig.objects.filter(_gig_scope(actor) | Q(pk__in=saved.values("gig_id"))), pk=gig_id
    )


def favourite_gig_ids(*, actor: Any, gig_ids: Any) -> set[Any]:
    """Which of `gig_ids` the actor saved (one query; for buttons on lists and pages)."""
    if not getattr(actor, "is_authenticated", False):
        return set()
    return set(
        Favourite.objects.filter(user_id=actor.pk, gig_id__in=list(gig_ids)).values_list(
            "gig_id", flat=True
        )
    )


def favourite_list_for(*, actor: Any) -> QuerySet[Gig]:
    """The actor's saved gigs that are still active, most recently saved first."""
    if not getattr(actor, "is_authenticated", False):
        return Gig.objects.none()
    return (
        _gigs()
        .filter(status=GigStatus.ACTIVE, favourites__user_id=actor.pk)
        .annotate(saved_at=Max("favourites__created_at"))
        .order_by("-saved_at", "-id")
    )


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
        .prefetch_related(
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor")),
            Prefetch("events__files", queryset=OrderFile.objects.select_related("file")),
        ),
        pk=order_id,
    )


def order_file_get_for(*, actor: Any, order_id: Any, file_id: Any) -> OrderFile:
    """A live file of an order `actor` may open (a party, or a moderator of its dispute): the
    order is looked up in the actor's scope first, so anyone else gets 404."""
    order = order_get_for(actor=actor, order_id=order_id)
    found = get_or_not_found(
        OrderFile.objects.select_related("file").filter(
            order_id=order.pk, file__deleted_at__isnull=True
        ),
        file_id=file_id,
    )
    if not permissions.can_view_order_files(actor, order):
        raise NotFound()
    return found


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
    """Buyers who wrote to the seller (asked about a gig) or ordered from them: whom the offer
    form lists (nobody else can receive an offer)."""
    from lifeline.accounts.models import User

    if not getattr(actor, "is_authenticated", False):
        return []
    return list(
        User.objects.filter(
            Q(freelance_purchases__seller_id=actor.pk)
            | Q(freelance_inquiries__gig__seller_id=actor.pk)
        )
        .distinct()
        .order_by("full_name", "id")[:200]
    )


# --- public seller profile --------------------------------------------------------------------
PROFILE_REVIEWS = 20
RESPONSE_SAMPLE = 50


@dataclass(frozen=True)
class SellerProfile:
    seller: User
    member_since: datetime
    rating_average: Decimal | None
    reviews_count: int
    orders_completed: int
    response_time: timedelta | None
    gigs: list[Gig] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    portfolio: list[PortfolioItem] = field(default_factory=list)


def exact_average(total: int | None, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total or 0) / Decimal(count)).quantize(Decimal("0.01"))


def seller_response_time(*, seller_id: Any) -> timedelta | None:
    """The median time from the buyer's requirements (the order starts) to the seller's first
    action on that order (a delivery or a cancellation proposal), over the seller's latest
    `RESPONSE_SAMPLE` started orders that have one. One query; None without such orders."""
    rows = (
        Order.objects.filter(seller_id=seller_id, started_at__isnull=False)
        .annotate(
            first_response=Min(
                "events__created_at",
                filter=Q(events__actor_id=seller_id, events__created_at__gte=F("started_at")),
            )
        )
        .filter(first_response__isnull=False)
        .order_by("-started_at", "-id")
        .values_list("started_at", "first_response")[:RESPONSE_SAMPLE]
    )
    seconds = [(answered - started).total_seconds() for started, answered in rows]
    if not seconds:
        return None
    return timedelta(seconds=round(statistics.median(seconds)))


def seller_profile(*, seller_id: Any) -> SellerProfile:
    """A seller's public profile: what anyone may read about them, and nothing else.

    404 unless the user is active and holds the seller or freelancer role in a marketplace.
    A constant number of queries (the test counts them), whatever the number of gigs or reviews.
    """
    seller = get_or_not_found(User.objects.all(), pk=seller_id)
    if not seller.is_active or not permissions.is_seller(seller):
        raise NotFound()
    reviews = Review.objects.filter(gig__seller_id=seller.pk)
    totals = reviews.aggregate(total=Sum("rating"), count=Count("id"))
    return SellerProfile(
        seller=seller,
        member_since=seller.date_joined,
        rating_average=exact_average(totals["total"], totals["count"]),
        reviews_count=totals["count"],
        orders_completed=Order.objects.filter(
            seller_id=seller.pk, status=OrderStatus.COMPLETED
        ).count(),
        response_time=seller_response_time(seller_id=seller.pk),
        gigs=list(_gigs().filter(seller_id=seller.pk, status=GigStatus.ACTIVE)),
        reviews=list(reviews.select_related("buyer", "gig")[:PROFILE_REVIEWS]),
        portfolio=list(_portfolio().filter(seller_id=seller.pk)[:PROFILE_PORTFOLIO]),
    )


# --- portfolio ----------------------------------------------------------------------------------
PROFILE_PORTFOLIO = 24


def _portfolio() -> QuerySet[PortfolioItem]:
    return PortfolioItem.objects.select_related("order").prefetch_related(
        Prefetch("images", queryset=PortfolioImage.objects.order_by("created_at", "id"))
    )


def portfolio_list_for_seller(*, actor: Any) -> QuerySet[PortfolioItem]:
    return _portfolio().filter(seller_id=getattr(actor, "pk", None))


def portfolio_item_get_public(*, item_id: Any) -> PortfolioItem:
    """Any item of an active seller: portfolios are public, like the profile that shows them."""
    item = get_or_not_found(_portfolio().select_related("seller"), pk=item_id)
    if not item.seller.is_active:
        raise NotFound()
    return item


def portfolio_item_get_own(*, actor: Any, item_id: Any) -> PortfolioItem:
    """An item of `actor`; anyone else's is 404."""
    return get_or_not_found(portfolio_list_for_seller(actor=actor), pk=item_id)


def portfolio_image_get_public(*, image_id: Any) -> PortfolioImage:
    image = get_or_not_found(
        PortfolioImage.objects.select_related("file", "item__seller").filter(
            file__deleted_at__isnull=True
        ),
        pk=image_id,
    )
    if not image.item.seller.is_active:
        raise NotFound()
    return image


def portfolio_orders_for(*, actor: Any) -> QuerySet[Order]:
    """The seller's completed orders whose buyers allowed showing them in a portfolio."""
    return Order.objects.filter(
        seller_id=getattr(actor, "pk", None),
        status=OrderStatus.COMPLETED,
        portfolio_consent=True,
    ).order_by("-completed_at", "-id")


# --- seller analytics ---------------------------------------------------------------------------
ANALYTICS_PERIODS = (7, 30, 90, 365)
ANALYTICS_GROUPS = ("day", "week", "month")


@dataclass(frozen=True)
class GigFigures:
    gig: Gig
    orders: int
    completed: int
    cancelled: int
    revenue: Decimal
    rating_average: Decimal | None
    reviews_count: int
    impressions: int = 0
    clicks: int = 0
    conversion: Decimal | None = None  # orders placed per 100 clicks (page views)


def conversion_rate(orders: int, clicks: int) -> Decimal | None:
    """Orders per 100 clicks, one decimal; None without clicks."""
    if not clicks:
        return None
    return (Decimal(orders) * 100 / Decimal(clicks)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class RevenuePoint:
    start: date
    orders: int
    revenue: Decimal


@dataclass(frozen=True)
class SellerAnalytics:
    start: datetime
    end: datetime
    days: int
    group: str
    orders: int
    orders_previous: int
    completed: int
    completed_previous: int
    cancelled: int
    revenue: Decimal
    revenue_previous: Decimal
    completion_rate: Decimal | None
    rating_average: Decimal | None
    reviews_count: int
    gigs: list[GigFigures]
    series: list[RevenuePoint]
    impressions: int = 0
    impressions_previous: int = 0
    clicks: int = 0
    clicks_previous: int = 0
    conversion: Decimal | None = None


def _between(prefix: str, start: datetime, end: datetime) -> Q:
    return Q(**{f"{prefix}__gte": start, f"{prefix}__lt": end})


def _bucket_start(value: date, group: str) -> date:
    if group == "week":
        return value - timedelta(days=value.weekday())
    if group == "month":
        return value.replace(day=1)
    return value


def _next_bucket(value: date, group: str) -> date:
    if group == "week":
        return value + timedelta(days=7)
    if group == "month":
        return (value.replace(day=28) + timedelta(days=4)).replace(day=1)
    return value + timedelta(days=1)


def seller_analytics(
    *, actor: Any, days: int = 30, group: str = "day", now: datetime | None = None
) -> SellerAnalytics:
    """The seller's figures over the last `days` days and the `days` before them.

    Orders are counted when placed, completions and cancellations when they happened, revenue
    is the price of the orders completed in the period, the completion rate is completed /
    (completed + cancelled) in the period, ratings are the reviews written in the period.
    Impressions and clicks come from the daily counters (`GigDailyStat`) of the local days
    the period touches. Five queries whatever the number of gigs or orders (the test counts
    them).
    """
    days = days if days in ANALYTICS_PERIODS else 30
    group = group if group in ANALYTICS_GROUPS else "day"
    end = now or timezone.now()
    start = end - timedelta(days=days)
    previous = start - timedelta(days=days)
    seller_id = getattr(actor, "pk", None)
    current = (start, end)
    before = (previous, start)

    orders = Order.objects.filter(seller_id=seller_id)
    totals = orders.aggregate(
        orders=Count("id", filter=_between("created_at", *current)),
        orders_previous=Count("id", filter=_between("created_at", *before)),
        completed=Count("id", filter=_between("completed_at", *current)),
        completed_previous=Count("id", filter=_between("completed_at", *before)),
        cancelled=Count("id", filter=_between("cancelled_at", *current)),
        revenue=Sum("price", filter=_between("completed_at", *current)),
        revenue_previous=Sum("price", filter=_between("completed_at", *before)),
    )
    per_gig = (
        Gig.objects.filter(seller_id=seller_id)
        .annotate(
            n_orders=Count("orders", filter=_between("orders__created_at", *current)),
            n_completed=Count("orders", filter=_between("orders__completed_at", *current)),
            n_cancelled=Count("orders", filter=_between("orders__cancelled_at", *current)),
            n_revenue=Sum("orders__price", filter=_between("orders__completed_at", *current)),
        )
        .order_by("title", "id")
    )
    ratings = {
        row["gig_id"]: (row["total"], row["count"])
        for row in Review.objects.filter(gig__seller_id=seller_id)
        .filter(_between("created_at", *current))
        .values("gig_id")
        .annotate(total=Sum("rating"), count=Count("id"))
        .order_by()
    }
    day_start, day_end = timezone.localdate(start), timezone.localdate(end)
    day_previous = timezone.localdate(previous)
    current_days = Q(day__gt=day_start, day__lte=day_end)
    previous_days = Q(day__gt=day_previous, day__lte=day_start)
    traffic: dict[Any, tuple[int, int]] = {}
    traffic_previous = (0, 0)
    for row in (
        GigDailyStat.objects.filter(
            gig__seller_id=seller_id, day__gt=day_previous, day__lte=day_end
        )
        .values("gig_id")
        .annotate(
            shown=Sum("impressions", filter=current_days),
            opened=Sum("clicks", filter=current_days),
            shown_before=Sum("impressions", filter=previous_days),
            opened_before=Sum("clicks", filter=previous_days),
        )
        .order_by()
    ):
        traffic[row["gig_id"]] = (row["shown"] or 0, row["opened"] or 0)
        traffic_previous = (
            traffic_previous[0] + (row["shown_before"] or 0),
            traffic_previous[1] + (row["opened_before"] or 0),
        )
    trunc = {"day": TruncDate, "week": TruncWeek, "month": TruncMonth}[group]
    buckets: dict[date, tuple[int, Decimal]] = {}
    for row in (
        orders.filter(_between("completed_at", *current))
        .annotate(bucket=trunc("completed_at"))
        .values("bucket")
        .annotate(count=Count("id"), total=Sum("price"))
        .order_by("bucket")
    ):
        bucket = row["bucket"]
        bucket = bucket.date() if isinstance(bucket, datetime) else bucket
        buckets[bucket] = (row["count"], row["total"] or Decimal("0"))

    gigs: list[GigFigures] = []
    for gig in per_gig:
        if gig.status == GigStatus.ARCHIVED and not gig.n_orders and not gig.n_completed:
            continue
        total, count = ratings.get(gig.pk, (0, 0))
        impressions, clicks = traffic.get(gig.pk, (0, 0))
        gigs.append(
            GigFigures(
                gig=gig,
                orders=gig.n_orders,
                completed=gig.n_completed,
                cancelled=gig.n_cancelled,
                revenue=gig.n_revenue or Decimal("0.00"),
                rating_average=exact_average(total, count),
                reviews_count=count,
                impressions=impressions,
                clicks=clicks,
                conversion=conversion_rate(gig.n_orders, clicks),
            )
        )
    series: list[RevenuePoint] = []
    local_start = timezone.localdate(start)
    cursor, last = _bucket_start(local_start, group), timezone.localdate(end)
    while cursor <= last:
        count, total = buckets.get(cursor, (0, Decimal("0.00")))
        series.append(RevenuePoint(start=cursor, orders=count, revenue=total))
        cursor = _next_bucket(cursor, group)
    review_total = sum(t for t, _ in ratings.values())
    review_count = sum(c for _, c in ratings.values())
    finished = totals["completed"] + totals["cancelled"]
    return SellerAnalytics(
        start=start,
        end=end,
        days=days,
        group=group,
        orders=totals["orders"],
        orders_previous=totals["orders_previous"],
        completed=totals["completed"],
        completed_previous=totals["completed_previous"],
        cancelled=totals["cancelled"],
        revenue=totals["revenue"] or Decimal("0.00"),
        revenue_previous=totals["revenue_previous"] or Decimal("0.00"),
        completion_rate=(
            (Decimal(totals["completed"]) * 100 / Decimal(finished)).quantize(Decimal("0.1"))
            if finished
            else None
        ),
        rating_average=exact_average(review_total, review_count),
        reviews_count=review_count,
        gigs=gigs,
        series=series,
        impressions=sum(i for i, _ in traffic.values()),
        impressions_previous=traffic_previous[0],
        clicks=sum(c for _, c in traffic.values()),
        clicks_previous=traffic_previous[1],
        conversion=conversion_rate(totals["orders"], sum(c for _, c in traffic.values())),
    )


# --- reviews ----------------------------------------------------------------------------------
REVIEW_SORTS = {
    "recent": ("-created_at", "-id"),
    "helpful": ("-helpful_count", "-created_at", "-id"),
}


def review_list(
    *, actor: Any, gig_id: Any = None, seller_id: Any = None, sort: str = "recent"
) -> QuerySet[Review]:
    """A gig's reviews (the gig visible to the actor, else 404) or a seller's (an active
    seller, else 404), most recent or most helpful first, each with `helpful_by_me`.
    One query per page whatever the number of reviews (buyer and gig joined)."""
    reviews = Review.objects.select_related("buyer", "gig")
    if gig_id is not None:
        gig = get_or_not_found(Gig.objects.filter(_gig_scope(actor)).only("pk"), pk=gig_id)
        reviews = reviews.filter(gig_id=gig.pk)
    else:
        seller = get_or_not_found(User.objects.all(), pk=seller_id)
        if not seller.is_active or not permissions.is_seller(seller):
            raise NotFound()
        reviews = reviews.filter(gig__seller_id=seller.pk)
    if getattr(actor, "is_authenticated", False):
        mine = ReviewHelpfulVote.objects.filter(review_id=OuterRef("pk"), user_id=actor.pk)
        reviews = reviews.annotate(helpful_by_me=Exists(mine))
    else:
        reviews = reviews.annotate(helpful_by_me=Value(False, output_field=BooleanField()))
    return reviews.order_by(*REVIEW_SORTS.get(sort, REVIEW_SORTS["recent"]))


def review_get(*, review_id: Any) -> Review:
    """Any review: reviews are public, as on the seller's profile."""
    return get_or_not_found(Review.objects.select_related("gig"), pk=review_id)
