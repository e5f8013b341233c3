"""Wish list pages: the buyer's named lists (create, rename, delete, share by a private
link), adding a product from its page, and the shared read-only view behind the link.

Same services and selectors as the API; another user's list is 404, and so is a revoked or
unknown link. The shared view is not indexed (robots meta and `X-Robots-Tag`) and sends no
referrer beyond the site (the security headers' `same-origin`), so the link stays private.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lifeline.core.exceptions import DomainError, InvalidInput
from lifeline.market import selectors
from lifeline.market.services import wishlists as wishlist_services
from lifeline.market.web.forms import WishListChoiceForm, WishListNameForm
from lifeline.market.web.views import _nav, _not_found_as_404, _refused, web_view


def _invalid(request: HttpRequest, exc: DomainError) -> None:
    if isinstance(exc, InvalidInput):
        for problems in (exc.errors or {}).values():
            for problem in problems:
                messages.error(request, _(problem))
        return
    _refused(request, exc)


@web_view
def wishlists(request: HttpRequest) -> HttpResponse:
    """The buyer's lists with their item counts, and a form for a new one."""
    form = WishListNameForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                created = wishlist_services.wishlist_create(
                    actor=request.user, name=form.cleaned_data["name"]
                )
            except DomainError as exc:
                _invalid(request, exc)
            else:
                return redirect("market-web:wishlist", wishlist_id=created.pk)
        status = 422
    else:
        status = 200
    lists = selectors.wishlist_list_for(actor=request.user)[:100]
    return render(
        request,
        "market/wishlists.html",
        {"lists": lists, "form": form, **_nav(request)},
        status=status,
    )


@web_view
def wishlist(request: HttpRequest, wishlist_id: Any) -> HttpResponse:
    found = selectors.wishlist_get_for(actor=request.user, wishlist_id=wishlist_id)
    share_url = (
        request.build_absolute_uri(reverse("market-web:wishlist-shared", args=[found.share_token]))
        if found.share_token
        else ""
    )
    return render(
        request,
        "market/wishlist.html",
        {
            "wish_list": found,
            "items": found.items.all(),
            "share_url": share_url,
            "form": WishListNameForm(initial={"name": found.name}),
            **_nav(request),
        },
    )


@require_POST
@web_view
def wishlist_action(request: HttpRequest, wishlist_id: Any, action: str) -> HttpResponse:
    found = selectors.wishlist_get_for(actor=request.user, wishlist_id=wishlist_id)
    try:
        if action == "rename":
            form = WishListNameForm(request.POST)
            name = form.cleaned_data["name"] if form.is_valid() else ""
            wishlist_services.wishlist_rename(wish_list=found, name=name)
            messages.success(request, _("Saved."))
        elif action == "delete":
            wishlist_services.wishlist_delete(wish_list=found)
            messages.success(request, _("The list is deleted."))
            return redirect("market-web:wishlists")
        elif action == "share":
            wishlist_services.wishlist_share(wish_list=found)
            messages.success(request, _("Anyone with the link can now see this list."))
        elif action == "unshare":
            wishlist_services.wishlist_unshare(wish_list=found)
            messages.success(request, _("The link no longer works."))
        else:
            raise Http404
    except DomainError as exc:
        _invalid(request, exc)
    return redirect("market-web:wishlist", wishlist_id=found.pk)


@require_POST
@web_view
def wishlist_item_remove(request: HttpRequest, wishlist_id: Any, product_id: Any) -> HttpResponse:
    found = selectors.wishlist_get_for(actor=request.user, wishlist_id=wishlist_id)
    wishlist_services.wishlist_remove(wish_list=found, product_id=product_id)
    messages.success(request, _("Removed from the list."))
    return redirect("market-web:wishlist", wishlist_id=found.pk)


@require_POST
@web_view
def wishlist_add(request: HttpRequest, slug: str) -> HttpResponse:
    """From the product page: into one of the buyer's lists, or a new one named there."""
    item = selectors.product_get_by_slug_for(actor=request.user, slug=slug)
    form = WishListChoiceForm(request.POST)
    if not form.is_valid():
        raise Http404
    chosen = form.cleaned_data["wishlist"]
    # Another user's list is 404, like the list's own page.
    target = selectors.wishlist_get_for(actor=request.user, wishlist_id=chosen) if chosen else None
    try:
        if target is None:
            target = wishlist_services.wishlist_create(
                actor=request.user, name=form.cleaned_data["name"]
            )
        wishlist_services.wishlist_add(wish_list=target, product=item)
    except DomainError as exc:
        _invalid(request, exc)
    else:
        messages.success(request, _("Added to “%(name)s”.") % {"name": target.name})
    return redirect("market-web:product", slug=slug)


@_not_found_as_404
def wishlist_shared(request: HttpRequest, token: str) -> HttpResponse:
    """Read-only, for anyone holding the link; not indexed."""
    found = selectors.wishlist_get_shared(token=token)
    response = render(
        request,
        "market/wishlist_shared.html",
        {"wish_list": found, "items": found.items.all(), **_nav(request)},
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response
