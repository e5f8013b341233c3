"""Web pages of the market module: catalogue, product, cart, checkout, orders, the seller's
products and sales, the moderation queue.

Pages call the same selectors and services as the API; POSTs are parsed by `forms`;
refusals (DomainError) become a message on the page. Objects outside the visitor's scope
are 404.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lifeline.core.exceptions import DomainError, NotFound
from lifeline.files import services as files
from lifeline.market import conf, selectors
from lifeline.market.enums import OrderStatus, ProductStatus
from lifeline.market.permissions import (
    can_edit_product,
    can_moderate_product,
    is_buyer,
    is_moderator,
    is_seller,
)
from lifeline.market.services import cart as cart_services
from lifeline.market.services import images as image_services
from lifeline.market.services import orders as order_services
from lifeline.market.services import products as product_services
from lifeline.market.services import reviews as review_services
from lifeline.market.services import variants as variant_services
from lifeline.market.web import session_cart
from lifeline.market.web.forms import (
    AnswerForm,
    CatalogueFilterForm,
    ProductForm,
    QuantityForm,
    ReasonForm,
    ReviewForm,
    VariantForm,
    VariantStockForm,
)

PAGE_SIZE = 24


def _not_found_as_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc

    return wrapper


def web_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return login_required(_not_found_as_404(view))


def _refused(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, _(exc.title))


def _nav(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "is_seller": is_seller(user),
        "is_buyer": is_buyer(user),
        "is_moderator": is_moderator(user),
        "currency": conf.currency(),
    }


@_not_found_as_404
def home(request: HttpRequest) -> HttpResponse:
    """The catalogue with its filters (open to everyone)."""
    form = CatalogueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    category = data.get("category")
    filters = selectors.ProductFilters(
        q=data.get("q", "") or "",
        category=category.slug if category else "",
        city=data.get("city", "") or "",
        condition=data.get("condition", "") or "",
        price_min=data.get("price_min"),
        price_max=data.get("price_max"),
        in_stock=bool(data.get("in_stock")),
        min_rating=data.get("min_rating"),
        sort=data.get("sort", "") or "",
    )
    products = selectors.with_primary_image(selectors.product_list_public(filters=filters))
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # The filter panel shows what each choice would give: one facets call, one tree read.
    facets = selectors.product_facets(filters=filters)
    categories = list(selectors.category_list())
    form.show_counts(
        categories=categories,
        category_counts=selectors.category_counts_in_tree(
            categories=categories, counts=facets["categories"]
        ),
        facets=facets,
    )
    return render(
        request,
        "market/home.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "cities": _city_links(query, facets["cities"], chosen=filters.city),
            **_nav(request),
        },
    )


def _city_links(query: Any, cities: list[dict[str, Any]], *, chosen: str) -> list[dict[str, Any]]:
    """The city facet as links that set the city filter and keep the other filters."""
    links = []
    for row in cities:
        params = query.copy()
        params["city"] = row["value"]
        links.append(
            {
                **row,
                "url": f"?{params.urlencode()}",
                "current": row["value"].casefold() == chosen.strip().casefold(),
            }
        )
    return links


@_not_found_as_404
def product(request: HttpRequest, slug: str) -> HttpResponse:
    item = selectors.product_get_by_slug_for(actor=request.user, slug=slug)
    user = request.user
    favourite = bool(selectors.favourite_product_ids(actor=user, product_ids=[item.pk]))
    can_edit = can_edit_product(user, item)
    variants = list(selectors.variant_list(product=item))
    images = list(selectors.image_list(product=item))
    return render(
        request,
        "market/product.html",
        {
            "product": item,
            "variants": variants,
            "images": images,
            "variant_form": (
                VariantForm(attributes=selectors.attributes_for(category=item.category))
                if can_edit
                else None
            ),
            "reviews": selectors.review_list(product=item)[:50],
            "can_edit": can_edit,
            "can_moderate": can_moderate_product(user, item)
            and item.status == ProductStatus.PENDING_REVIEW,
            "can_review": user.is_authenticated and item.seller_id != user.pk,
            "favourite": favourite,
            "wish_lists": selectors.wishlist_choices_for(actor=user),
            "quantity_form": QuantityForm(initial={"quantity": 1}),
            "review_form": ReviewForm(),
            "reason_form": ReasonForm(),
            **_nav(request),
        },
    )


def _product_form_page(request: HttpRequest, form: ProductForm, item: Any = None) -> HttpResponse:
    status = 422 if form.is_bound else 200
    images = list(selectors.image_list(product=item)) if item is not None else []
    return render(
        request,
        "market/product_form.html",
        {"form": form, "product": item, "images": images, "last": len(images)},
        status=status,
    )


def _back_to(request: HttpRequest, slug: str) -> HttpResponse:
    """Image forms live on the product page and on its edit page; go back to the one used."""
    if request.POST.get("back") == "edit":
        return redirect(reverse("market-web:product-edit", args=[slug]) + "#images")
    return redirect("market-web:product", slug=slug)


@web_view
def product_new(request: HttpRequest) -> HttpResponse:
    if not is_seller(request.user):
        raise Http404
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = product_services.product_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Draft saved. Submit it for review when it is ready."))
            return redirect("market-web:product", slug=item.slug)
    return _product_form_page(request, form)


@web_view
def product_edit(request: HttpRequest, slug: str) -> HttpResponse:
    item = selectors.product_get_by_slug_for(actor=request.user, slug=slug)
    if not can_edit_product(request.user, item):
        raise Http404
    initial = {
        "category": item.category.slug,
        "title": item.title,
        "description": item.description,
        "price": item.price,
        "old_price": item.old_price,
        "condition": item.condition,
        "city": item.city,
        "stock": item.stock,
    }
    form = ProductForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        category = changes.pop("category")
        try:
            product_services.product_update(
                actor=request.user, product=item, category=category, **changes
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("market-web:product", slug=item.slug)
    return _product_form_page(request, form, item)


PRODUCT_ACTIONS: dict[str, Callable[..., Any]] = {
    "submit": product_services.product_submit,
    "approve": product_services.product_approve,
    "pause": product_services.product_pause,
    "resume": product_services.product_resume,
    "archive": product_services.product_archive,
}


@require_POST
@web_view
def product_action(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    item = selectors.product_get_by_slug_for(actor=request.user, slug=slug)
    try:
        if action == "reject":
            form = ReasonForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            product_services.product_reject(actor=request.user, product=item, reason=reason)
        elif action in PRODUCT_ACTIONS:
            PRODUCT_ACTIONS[action](actor=request.user, product=item)
        else:
            raise Http404
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Done."))
    if action in ("approve", "reject"):
        return redirect("market-web:moderation")
    return redirect("market-web:product", slug=item.slug)


@require_POST
@_not_found_as_404
def cart_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Into the buyer's cart; a visitor's goes into the session until they sign in."""
    item = selectors.product_get_by_slug_for(actor=request.user, slug=slug)
    form = QuantityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a quantity between 1 and 999."))
        return redirect("market-web:product", slug=slug)
    if not request.user.is_authenticated:
        variant = _variant_of(item, form.cleaned_data.get("variant"))
        if item.status != ProductStatus.ACTIVE or (
            variant is None and selectors.variant_list(product=item).exists()
        ):
            messages.error(request, _("Choose a variant."))
            return redirect("market-web:product", slug=slug)
        session_cart.set_line(
            request,
            item.pk,
            variant.pk if variant else None,
            form.cleaned_data["quantity"],
            add=True,
        )
        messages.success(request, _("Added to the cart."))
        return redirect("market-web:cart")
    try:
        cart_services.cart_add_item(
            actor=request.user,
            product=item,
            quantity=form.cleaned_data["quantity"],
            variant=_variant_of(item, form.cleaned_data.get("variant")),
        )
    except DomainError as exc:
        _refused(request, exc)
        return redirect("market-web:product", slug=slug)
    messages.success(request, _("Added to the cart."))
    return redirect("market-web:cart")


@require_POST
@web_view
def favourite(request: HttpRequest, slug: str) -> HttpResponse:
    item = selectors.product_get_by_slug_for(actor=request.user, slug=slug)
    try:
        if request.POST.get("remove"):
            review_services.favourite_remove(actor=request.user, product=item)
        else:
            review_services.favourite_add(actor=request.user, product=item)
    except DomainError as exc:
        _refused(request, exc)
    return redirect("market-web:product", slug=slug)


@require_POST
@web_view
def review(request: HttpRequest, slug: str) -> HttpResponse:
    item = selectors.product_get_by_slug_for(actor=request.user, slug=slug)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rating from 1 to 5."))
        return redirect("market-web:product", slug=slug)
    try:
        review_services.review_create(actor=request.user, product=item, **form.cleaned_data)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Thank you for your review."))
    return redirect("market-web:product", slug=slug)


@require_POST
@web_view
def review_answer(request: HttpRequest, slug: str, review_id: int) -> HttpResponse:
    item = selectors.product_get_by_slug_for(actor=request.user, slug=slug)
    found = selectors.review_get(product=item, review_id=review_id)
    form = AnswerForm(request.POST)
    try:
        text = form.cleaned_data["text"] if form.is_valid() else ""
        review_services.review_answer(actor=request.user, review=found, text=text)
    except DomainError as exc:
        _refused(request, exc)
    return redirect("market-web:product", slug=slug)


def _variant_of(product: Any, variant_id: int | None) -> Any:
    return (
        None
        if variant_id is None
        else selectors.variant_get(product=product, variant_id=variant_id)
    )


@require_POST
@web_view
def variant_add(request: HttpRequest, slug: str) -> HttpResponse:
    """The seller adds a variant on the product page."""
    item = selectors.product_get_by_slug_for(actor=request.user, slug=slug)
    form = VariantForm(request.POST, attributes=selectors.attributes_for(category=item.category))
    if not form.is_valid():
        messages.error(request, _("Check the variant's price and stock."))
        return redirect("market-web:product", slug=slug)
    try:
        variant_services.variant_create(
            actor=request.user,
            product=item,
            attributes=form.attribute_values(),
            price=form.cleaned_data["price"],
            stock=form.cleaned_data["stock"],
        )
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Variant added."))
    return redirect("market-web:product", slug=slug)


@require_POST
@web_view
def variant_update(request: HttpRequest, slug: str, variant_id: int) -> HttpResponse:
    item = selectors.product_get_by_slug_for(actor=request.user, slug=slug)
    found = selectors.variant_get(product=item, variant_id=variant_id)
    form = VariantStockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the variant's price and stock."))
        return redirect("market-web:product", slug=slug)
    try:
        variant_services.variant_update(actor=request.user, variant=found, **form.cleaned_data)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("market-web:product", slug=slug)


@_not_found_as_404
def image(request: HttpRequest, image_id: Any) -> Any:
    """A product image for whoever may open the product (anyone, for products on sale)."""
    found = selectors.image_get_for(actor=request.user, image_id=image_id)
    handle = files.file_download(actor=request.user, file=found.file, request=request)
    response = FileResponse(handle, content_type=found.file.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
@web_view
def image_add(request: HttpRequest, slug: str) -> HttpResponse:
    item = selectors.product_get_by_slug_for(actor=request.user, slug=slug)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose an image."))
        return _back_to(request, slug)
    try:
        image_services.image_add(actor=request.user, product=item, uploaded_file=upload)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Image added."))
    return _back_to(request, slug)


IMAGE_MOVES = {"up": -1, "down": 1}


@require_POST
@web_view
def image_action(request: HttpRequest, slug: str, image_id: Any, action: str) -> HttpResponse:
    item = selectors.product_get_by_slug_for(actor=request.user, slug=slug)
    found = selectors.image_get_for(actor=request.user, image_id=image_id)
    if found.product_id != item.pk or action not in ("primary", "remove", *IMAGE_MOVES):
        raise Http404
    if action in IMAGE_MOVES and not can_edit_product(request.user, item):
        raise Http404  # like the edit page the buttons are on
    try:
        if action == "primary":
            image_services.image_make_primary(actor=request.user, image=found)
        elif action == "remove":
            image_services.image_remove(actor=request.user, image=found)
        else:
            image_services.image_move(actor=request.user, image=found, step=IMAGE_MOVES[action])
    except DomainError as exc:
        _refused(request, exc)
    return _back_to(request, slug)


@_not_found_as_404
def cart(request: HttpRequest) -> HttpResponse:
    items: list[Any]
    if request.user.is_authenticated:
        items = selectors.cart_items(cart=selectors.cart_for(buyer=request.user))
    else:
        items = session_cart.visitor_lines(request)
    lines = [(i, i.unit_price * i.quantity) for i in items]
    total = sum((amount for _i, amount in lines), Decimal("0.00"))
    return render(request, "market/cart.html", {"lines": lines, "total": total, **_nav(request)})


@require_POST
@_not_found_as_404
def cart_update(request: HttpRequest, product_id: Any) -> HttpResponse:
    raw_variant = request.POST.get("variant", "")
    variant_id = int(raw_variant) if raw_variant.isdigit() else None
    if not request.user.is_authenticated:
        form = QuantityForm(request.POST)
        if request.POST.get("remove"):
            session_cart.remove_line(request, product_id, variant_id)
        elif form.is_valid():
            session_cart.set_line(
                request, product_id, variant_id, form.cleaned_data["quantity"], add=False
            )
        return redirect("market-web:cart")
    if request.POST.get("remove"):
        cart_services.cart_remove_item(
            actor=request.user, product_id=product_id, variant_id=variant_id
        )
        return redirect("market-web:cart")
    form = QuantityForm(request.POST)
    item = selectors.product_get_for(actor=request.user, product_id=product_id)
    if not form.is_valid():
        messages.error(request, _("Choose a quantity between 1 and 999."))
        return redirect("market-web:cart")
    try:
        cart_services.cart_set_item(
            actor=request.user,
            product=item,
            quantity=form.cleaned_data["quantity"],
            variant=_variant_of(item, variant_id),
        )
    except DomainError as exc:
        _refused(request, exc)
    return redirect("market-web:cart")


@require_POST
@web_view
def checkout(request: HttpRequest) -> HttpResponse:
    try:
        placed = order_services.checkout_place(actor=request.user)
    except DomainError as exc:
        _refused(request, exc)
        return redirect("market-web:cart")
    count = placed.orders.count()
    messages.success(request, _("Thank you! %(count)s order(s) placed.") % {"count": count})
    return redirect("market-web:orders")


def _order_list(request: HttpRequest, *, as_seller: bool) -> HttpResponse:
    orders = selectors.order_list_for(actor=request.user, as_seller=as_seller)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "market/orders.html",
        {"page": page, "as_seller": as_seller, **_nav(request)},
    )


@web_view
def orders(request: HttpRequest) -> HttpResponse:
    return _order_list(request, as_seller=False)


@web_view
def sales(request: HttpRequest) -> HttpResponse:
    if not is_seller(request.user):
        raise Http404
    return _order_list(request, as_seller=True)


@web_view
def order(request: HttpRequest, order_id: Any) -> HttpResponse:
    item = selectors.order_get_for(actor=request.user, order_id=order_id)
    is_the_seller = item.seller_id == request.user.pk
    next_step = {
        OrderStatus.NEW: "confirm",
        OrderStatus.CONFIRMED: "ship",
        OrderStatus.SHIPPED: "deliver",
    }.get(OrderStatus(item.status))
    cancellable = item.status == OrderStatus.NEW or (
        is_the_seller and item.status == OrderStatus.CONFIRMED
    )
    return render(
        request,
        "market/order.html",
        {
            "order": item,
            "is_the_seller": is_the_seller,
            "next_step": next_step if is_the_seller else None,
            "cancellable": cancellable,
            "reason_form": ReasonForm(),
            **_nav(request),
        },
    )


@require_POST
@web_view
def order_action(request: HttpRequest, order_id: Any, action: str) -> HttpResponse:
    item = selectors.order_get_for(actor=request.user, order_id=order_id)
    try:
        if action == "cancel":
            form = ReasonForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            order_services.order_cancel(actor=request.user, order=item, reason=reason)
        elif action in ("confirm", "ship", "deliver"):
            order_services.order_advance(actor=request.user, order=item, step=action)
        else:
            raise Http404
    except DomainError as exc:
        _refused(request, exc)
    return redirect("market-web:order", order_id=item.pk)


@web_view
def my_products(request: HttpRequest) -> HttpResponse:
    if not is_seller(request.user):
        raise Http404
    products = selectors.product_list_for_seller(actor=request.user)
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "market/mine.html",
        {"page": page, "balance": selectors.balance_for(seller=request.user), **_nav(request)},
    )


@web_view
def moderation(request: HttpRequest) -> HttpResponse:
    if not is_moderator(request.user):
        raise Http404
    products = selectors.product_moderation_queue(actor=request.user)
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "market/moderation.html",
        {"page": page, "reason_form": ReasonForm(), **_nav(request)},
    )


@web_view
def favourites(request: HttpRequest) -> HttpResponse:
    rows = selectors.favourite_list_for(actor=request.user)[:200]
    return render(request, "market/favourites.html", {"rows": rows, **_nav(request)})
