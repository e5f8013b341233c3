"""Scoped reads of the market module. Anything outside the caller's scope is NotFound."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import OrderBy
from django.db.models.functions import Cast, Lower, NullIf

from lifeline.access.enums import Role
from lifeline.core.selectors import get_or_not_found, tree_descendant_ids
from lifeline.market import search
from lifeline.market.enums import (
    LISTED_STATUSES,
    PUBLIC_STATUSES,
    Condition,
    OrderStatus,
    ProductStatus,
)
from lifeline.market.models import (
    Attribute,
    Cart,
    CartItem,
    Category,
    Favourite,
    Order,
    OrderLine,
    Product,
    ProductImage,
    Review,
    SellerBalance,
    Variant,
    WishList,
    WishListItem,
)
from lifeline.market.permissions import is_moderator, marketplace_organization_ids


def category_list() -> QuerySet[Category]:
    return Category.objects.all()


def category_descendant_ids(*, slug: str) -> list[int]:
    """The category `slug` and all its subcategories (one query: the tree is small)."""
    return tree_descendant_ids(Category.objects.all(), slug=slug)


@dataclass(frozen=True)
class ProductFilters:
    q: str = ""
    category: str = ""
    city: str = ""
    condition: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False
    min_rating: Decimal | None = None
    sort: str = ""


# Catalogue sorts: newest first by default; the id breaks ties, so pages are stable.
SORTS: dict[str, tuple[Any, ...]] = {
    "newest": ("-created_at", "-id"),
    "price_asc": ("price", "id"),
    "price_desc": ("-price", "-id"),
    "rating": (
        OrderBy(
            # Real division (an integer one would tie 4.5 with 4.0 on SQLite).
            ExpressionWrapper(
                Cast("rating_sum", FloatField()) / NullIf(F("rating_count"), 0),
                output_field=FloatField(),
            ),
            descending=True,
            nulls_last=True,
        ),
        "-id",
    ),
}


def _with_relations(products: QuerySet[Product]) -> QuerySet[Product]:
    return products.select_related("category", "seller")


def _catalogue(
    filters: ProductFilters,
    *,
    category_ids: list[int] | None = None,
    typos: dict[str, list[str]] | None = None,
) -> QuerySet[Product]:
    """Listed products matching the filters and the query (not ordered)."""
    products = Product.objects.filter(status__in=list(LISTED_STATUSES))
    if filters.category:
        if category_ids is None:
            category_ids = category_descendant_ids(slug=filters.category)
        products = products.filter(category_id__in=category_ids)
    if filters.city:
        products = products.filter(city__iexact=filters.city.strip())
    if filters.condition in Condition.values:
        products = products.filter(condition=filters.condition)
    if filters.price_min is not None:
        products = products.filter(price__gte=filters.price_min)
    if filters.price_max is not None:
        products = products.filter(price__lte=filters.price_max)
    if filters.in_stock:
        products = products.filter(stock__gt=0, status=ProductStatus.ACTIVE)
    if filters.min_rating is not None:
        products = products.filter(
            rating_count__gt=0, rating_sum__gte=F("rating_count") * filters.min_rating
        )
    if filters.q:
        products = search.apply(products, filters.q, alternatives=typos)
    return products


def product_list_public(*, filters: ProductFilters) -> QuerySet[Product]:
    """The catalogue: products on sale (and sold out), filtered. Newest first; with a query
    and no other sort, by relevance: title matches first, then the search rank, then newest.
    The id ends every ordering, so pages are stable."""
    products = _catalogue(filters)
    if filters.sort in SORTS:
        products = products.order_by(*SORTS[filters.sort])
    elif filters.q:
        products = products.order_by("-title_match", "-search_rank", *SORTS["newest"])
    return _with_relations(products)


# Rating facet: how many products have an average of at least each value.
RATING_STEPS = (4, 3, 2, 1)
# The city facet lists the most common cities only (city is free text).
CITY_FACET_LIMIT = 20


def _in_stock() -> Q:
    return Q(stock__gt=0, status=ProductStatus.ACTIVE)


def _rated(at_least: Any) -> Q:
    return Q(rating_count__gt=0, rating_sum__gte=F("rating_count") * at_least)


def product_facets(*, filters: ProductFilters) -> dict[str, Any]:
    """Counts of the filtered catalogue by category, condition, city (the most common),
    rating and in stock, each ignoring its own filter (a shopper sees what choosing another
    value would give).

    One query however many values (plus the category tree when a category is chosen, and
    the typo check on SQLite): the matches of the query and price range, grouped by
    category, condition and city, each group with its counts under the in-stock and rating
    filters; the category, condition and city filters are applied to the groups here.
    Category counts are per product category (`category_counts_in_tree` adds subcategories
    up); cities are grouped by lower case, and the database says which match the city
    filter, so the counts agree with what filtering gives on each engine.
    """
    category_ids = set(category_descendant_ids(slug=filters.category)) if filters.category else None
    condition = filters.condition if filters.condition in Condition.values else ""
    city = filters.city.strip()
    stock = _in_stock() if filters.in_stock else Q()
    rated = _rated(filters.min_rating) if filters.min_rating is not None else Q()
    matches = replace(
        filters, category="", condition="", city="", in_stock=False, min_rating=None, sort=""
    )
    typos = search.typo_alternatives(filters.q) if filters.q else {}
    groups = list(
        _catalogue(matches, typos=typos)
        .order_by()
        .values(
            "category_id",
            "category__slug",
            "condition",
            city_key=Lower("city"),
            city_match=(
                ExpressionWrapper(Q(city__iexact=city), output_field=BooleanField())
                if city
                else Value(True)
            ),
        )
        .annotate(
            label=Min("city"),
            n=Count("id", filter=stock & rated),
            in_stock=Count("id", filter=_in_stock() & rated),
            **{f"r{step}": Count("id", filter=_rated(step) & stock) for step in RATING_STEPS},
        )
    )

    def chosen(row: dict[str, Any], *, ignore: str) -> bool:
        return (
            (ignore == "category" or category_ids is None or row["category_id"] in category_ids)
            and (ignore == "condition" or not condition or row["condition"] == condition)
            and (ignore == "city" or not city or bool(row["city_match"]))
        )

    def tally(key: str, ignore: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in groups:
            if row["n"] and chosen(row, ignore=ignore):
                counts[row[key]] = counts.get(row[key], 0) + row["n"]
        return counts

    labels: dict[str, str] = {}  # a city's spelling shown: the first in sort order
    for row in groups:
        key = row["city_key"]
        if key and (key not in labels or row["label"] < labels[key]):
            labels[key] = row["label"]
    cities = tally("city_key", "city")
    cities.pop("", None)  # products without a city
    everything = [row for row in groups if chosen(row, ignore="")]
    ratings = {step: sum(row[f"r{step}"] for row in everything) for step in RATING_STEPS}
    return {
        "categories": [
            {"value": slug, "count": n}
            for slug, n in sorted(tally("category__slug", "category").items())
        ],
        "conditions": [
            {"value": value, "count": n}
            for value, n in sorted(tally("condition", "condition").items())
        ],
        "cities": [
            {"value": labels[key], "count": n}
            for key, n in sorted(cities.items(), key=lambda item: (-item[1], item[0]))[
                :CITY_FACET_LIMIT
            ]
        ],
        "ratings": [
            {"value": str(step), "count": ratings[step]} for step in RATING_STEPS if ratings[step]
        ],
        "in_stock": sum(row["in_stock"] for row in everything),
    }


def category_counts_in_tree(
    *, categories: list[Category], counts: list[dict[str, Any]]
) -> dict[str, int]:
    """Per category slug, the facet count of it and all its subcategories (no query: the
    caller passes the tree it already loaded and `product_facets()["categories"]`)."""
    own = {row["value"]: row["count"] for row in counts}
    slug_of = {c.pk: c.slug for c in categories}
    total = dict.fromkeys(slug_of.values(), 0)
    parent_of = {c.pk: c.parent_id for c in categories}
    for category in categories:
        n = own.get(category.slug, 0)
        node: int | None = category.pk
        seen: set[int] = set()
        while node is not None and node not in seen:  # a cycle would be a data error
            seen.add(node)
            total[slug_of[node]] += n
            node = parent_of.get(node)
    return total


def product_get_for(*, actor: Any, product_id: UUID | str) -> Product:
    """A product anyone may open (on sale, sold out, paused), or one of the actor's own, or
    any but drafts for a moderator of its marketplace."""
    return get_or_not_found(product_scope_for(actor=actor), pk=product_id)


def product_get_by_slug_for(*, actor: Any, slug: str) -> Product:
    return get_or_not_found(product_scope_for(actor=actor), slug=slug)


def product_scope_for(*, actor: Any) -> QuerySet[Product]:
    visible = Q(status__in=list(PUBLIC_STATUSES))
    if getattr(actor, "is_authenticated", False):
        visible |= Q(seller_id=actor.pk)
        if is_moderator(actor):
            moderated = ~Q(status=ProductStatus.DRAFT)
            org_ids = marketplace_organization_ids(actor, Role.MODERATOR)
            if org_ids:
                moderated &= Q(organization_id__in=org_ids)
            visible |= moderated
    return _with_relations(Product.objects.filter(visible))


def product_list_for_seller(*, actor: Any) -> QuerySet[Product]:
    """Every product of the seller, in every status; no one else's."""
    return _with_relations(Product.objects.filter(seller_id=actor.pk))


def product_get_own(*, actor: Any, product_id: UUID | str) -> Product:
    """One of the actor's own products (any status); anyone else's is NotFound, even on sale:
    for writes that only the seller may make."""
    return get_or_not_found(Product.objects.filter(seller_id=actor.pk), pk=product_id)


def product_moderation_queue(*, actor: Any) -> QuerySet[Product]:
    """Products waiting for review in the actor's marketplaces, oldest first."""
    pending = Product.objects.filter(status=ProductStatus.PENDING_REVIEW)
    org_ids = marketplace_organization_ids(actor, Role.MODERATOR)
    if not is_moderator(actor):
        return pending.none()
    if org_ids:
        pending = pending.filter(organization_id__in=org_ids)
    return _with_relations(pending).order_by("created_at", "id")


def cart_for(*, buyer: Any) -> Cart:
    """The buyer's cart (created on first use), with its items and their products."""
    cart, _created = Cart.objects.get_or_create(buyer=buyer)
    return cart


def cart_items(*, cart: Cart) -> list[CartItem]:
    return list(
        CartItem.objects.filter(cart=cart).select_related(
            "product", "product__seller", "product__category", "variant"
        )
    )


def attributes_for(*, category: Category) -> list[Attribute]:
    """The attributes of the category and of its ancestors (the tree is small: one query)."""
    parents = dict(Category.objects.values_list("id", "parent_id"))
    ids: list[int] = []
    node: int | None = category.pk
    while node is not None:
        ids.append(node)
        node = parents.get(node)
    return list(Attribute.objects.filter(category_id__in=ids).order_by("position", "code"))


def image_list(*, product: Product) -> QuerySet[ProductImage]:
    """The product's images, the primary first, then in order."""
    return ProductImage.objects.filter(product=product).select_related("file")


def image_get_for(*, actor: Any, image_id: Any) -> ProductImage:
    """An image of a product the actor may open (anyone: on sale, sold out, paused; the
    seller: all their own; a moderator: those they review)."""
    visible = product_scope_for(actor=actor).values("pk")
    return get_or_not_found(
        ProductImage.objects.filter(product_id__in=visible).select_related("file", "product"),
        pk=image_id,
    )


def with_primary_image(products: QuerySet[Product]) -> QuerySet[Product]:
    """Products with `primary_images` (a list of at most one) for cards: one more query."""
    return products.prefetch_related(
        Prefetch(
            "images",
            queryset=ProductImage.objects.filter(is_primary=True),
            to_attr="primary_images",
        )
    )


def variant_list(*, product: Product) -> QuerySet[Variant]:
    return Variant.objects.filter(product=product).order_by("price", "id")


def variant_get(*, product: Product, variant_id: Any) -> Variant:
    """A variant of `product` (which the caller already may see)."""
    return get_or_not_found(
        Variant.objects.filter(product=product).select_related("product"), pk=variant_id
    )


def order_list_for(*, actor: Any, as_seller: bool = False) -> QuerySet[Order]:
    """The buyer's orders, or (as_seller) the seller's parts of others' checkouts."""
    orders = (
        Order.objects.filter(seller_id=actor.pk)
        if as_seller
        else Order.objects.filter(buyer_id=actor.pk)
    )
    return orders.select_related("buyer", "seller").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("id"))
    )


def order_get_for(*, actor: Any, order_id: UUID | str) -> Order:
    """An order its buyer or its seller may see; anyone else gets NotFound."""
    if not getattr(actor, "is_authenticated", False):
        return get_or_not_found(Order.objects.none(), pk=order_id)
    orders = Order.objects.filter(Q(buyer_id=actor.pk) | Q(seller_id=actor.pk))
    return get_or_not_found(
        orders.select_related("buyer", "seller").prefetch_related("lines"), pk=order_id
    )


def balance_for(*, seller: Any) -> SellerBalance | None:
    return SellerBalance.objects.filter(seller=seller).first()


def review_list(*, product: Product) -> QuerySet[Review]:
    return Review.objects.filter(product=product).select_related("author")


def review_get(*, product: Product, review_id: Any) -> Review:
    """A review of `product` (which the caller already may see)."""
    return get_or_not_found(
        Review.objects.filter(product=product).select_related("product", "author"), pk=review_id
    )


def has_bought(*, buyer: Any, product: Product) -> bool:
    """A delivered order of `buyer` with `product` in it (the "verified purchase" mark)."""
    return OrderLine.objects.filter(
        product=product, order__buyer_id=buyer.pk, order__status=OrderStatus.DELIVERED
    ).exists()


def favourite_list_for(*, actor: Any) -> QuerySet[Favourite]:
    return Favourite.objects.filter(user_id=actor.pk).select_related(
        "product", "product__category", "product__seller"
    )


def favourite_product_ids(*, actor: Any, product_ids: list[Any]) -> set[Any]:
    if not getattr(actor, "is_authenticated", False):
        return set()
    return set(
        Favourite.objects.filter(user_id=actor.pk, product_id__in=product_ids).values_list(
            "product_id", flat=True
        )
    )


def wishlist_list_for(*, actor: Any) -> QuerySet[WishList]:
    return WishList.objects.filter(owner_id=actor.pk).prefetch_related(_listed_items())


def wishlist_choices_for(*, actor: Any) -> list[WishList]:
    """The actor's lists without their items (the product page's "add to a list" choice)."""
    if not getattr(actor, "is_authenticated", False):
        return []
    return list(WishList.objects.filter(owner_id=actor.pk).only("id", "name")[:100])


def wishlist_get_for(*, actor: Any, wishlist_id: Any) -> WishList:
    """The actor's own list; anyone else's is NotFound."""
    return get_or_not_found(wishlist_list_for(actor=actor), pk=wishlist_id)


def wishlist_get_shared(*, token: str) -> WishList:
    """A shared list by its private link; an empty or revoked token is NotFound."""
    shared = (
        WishList.objects.exclude(share_token="")
        .select_related("owner")
        .prefetch_related(_listed_items())
    )
    return get_or_not_found(shared, share_token=token)


def _listed_items() -> Prefetch:
    """The items, with their products when still visible to everyone (drafts drop out)."""
    return Prefetch(
        "items",
        queryset=WishListItem.objects.filter(product__status__in=list(PUBLIC_STATUSES))
        .select_related("product", "product__category", "product__seller")
        .prefetch_related(
            Prefetch(
                "product__images",
                queryset=ProductImage.objects.filter(is_primary=True),
                to_attr="primary_images",
            )
        )
        .order_by("-created_at", "-id"),
    )
