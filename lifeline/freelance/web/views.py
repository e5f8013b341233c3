"""Web pages of the freelance module: catalogue and search, gig page, the seller's editor,
the order page with each party's actions, the moderation queue.

Pages call the same services and selectors as the API; refusals become a message.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lifeline.accounts.models import User
from lifeline.core.exceptions import DomainError, NotFound
from lifeline.files import kinds as file_kinds
from lifeline.files.enums import FileKind
from lifeline.files.services import file_download
from lifeline.freelance import permissions, selectors
from lifeline.freelance.enums import (
    DISPUTABLE_STATUSES,
    OPEN_ORDER_STATUSES,
    DisputeOutcome,
    DisputeStatus,
    OrderStatus,
)
from lifeline.freelance.services import deliveries as delivery_services
from lifeline.freelance.services import disputes as dispute_services
from lifeline.freelance.services import favourites as favourite_services
from lifeline.freelance.services import flows
from lifeline.freelance.services import gigs as gig_services
from lifeline.freelance.services import images as image_services
from lifeline.freelance.services import offers as offer_services
from lifeline.freelance.services import orders as order_services
from lifeline.freelance.services import portfolio as portfolio_services
from lifeline.freelance.services import reviews as review_services
from lifeline.freelance.web.forms import GigForm, GigSearchForm, PortfolioItemForm

PAGE_SIZE = 20


def _not_found_as_404(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc

    return wrapper


def web_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    return login_required(_not_found_as_404(view))


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


# --- public: catalogue, search, gig page ------------------------------------------------------
@_not_found_as_404
def home(request: HttpRequest) -> HttpResponse:
    search = GigSearchForm(request.GET)
    filters = selectors.GigFilters(**search.filters())
    page = Paginator(selectors.gig_list_public(filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    kept = request.GET.copy()  # the pages' links keep the query and filters
    kept.pop("page", None)
    user = request.user
    gig_services.gigs_record_impressions(
        viewer=user, shown=[(g.pk, g.seller_id) for g in page.object_list]
    )
    context: dict[str, Any] = {
        "q": filters.q,
        "search": search,
        "filtered": any(v for k, v in search.filters().items() if k not in ("q", "sort")),
        "page": page,
        "page_query": kept.urlencode(),
        "is_seller": permissions.is_seller(user),
        "is_moderator": permissions.is_moderator(user),
        "orders": list(selectors.order_list_for(actor=user)[:10]) if user.is_authenticated else [],
    }
    return render(request, "freelance/home.html", context)


@_not_found_as_404
def gig(request: HttpRequest, gig_id: UUID) -> HttpResponse:
    found = selectors.gig_get_for(actor=request.user, gig_id=gig_id)
    can_order = request.user.is_authenticated and permissions.can_order_gig(request.user, found)
    gig_services.gig_record_click(viewer=request.user, gig=found)
    sort = request.GET.get("sort", "recent")
    if sort not in selectors.REVIEW_SORTS:
        sort = "recent"
    reviews = Paginator(
        selectors.review_list(actor=request.user, gig_id=found.pk, sort=sort), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "freelance/gig.html",
        {
            "gig": found,
            "images": selectors.gig_images(gig=found),
            "reviews": reviews,
            "sort": sort,
            "is_gig_seller": found.seller_id == getattr(request.user, "pk", None),
            "can_order": can_order,
            "can_favourite": can_order and found.status == "active",
            "can_ask": can_order and found.status == "active",
            "is_favourite": bool(
                selectors.favourite_gig_ids(actor=request.user, gig_ids=[found.pk])
            ),
            "can_edit": permissions.can_edit_gig(request.user, found),
            "can_moderate": permissions.can_moderate_gig(request.user, found),
        },
    )


def gig_image(request: HttpRequest, image_id: UUID) -> FileResponse:
    """A gig's image for whoever may open the gig (anyone, for an active gig), inline."""
    try:
        image = selectors.gig_image_get_for(actor=request.user, image_id=image_id)
        handle = file_download(actor=request.user, file=image.file, request=request)
    except NotFound as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=image.file.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
@web_view
def order_place(request: HttpRequest, gig_id: UUID) -> HttpResponse:
    found = selectors.gig_get_for(actor=request.user, gig_id=gig_id)
    try:
        order = order_services.order_place(
            actor=_user(request), gig=found, tier=request.POST.get("tier", "")
        )
    except DomainError as exc:
        messages.error(request, _(exc.title))
        return redirect("freelance-web:gig", gig_id=found.pk)
    return redirect("freelance-web:order", order_id=order.pk)


@_not_found_as_404
def seller(request: HttpRequest, seller_id: UUID) -> HttpResponse:
    """The public seller profile: anyone may read it."""
    profile = selectors.seller_profile(seller_id=seller_id)
    return render(
        request,
        "freelance/seller.html",
        {"profile": profile, "is_own": profile.seller.pk == getattr(request.user, "pk", None)},
    )


def portfolio_image(request: HttpRequest, image_id: int) -> FileResponse:
    """A portfolio image for anyone (portfolios are public), inline, never sniffed."""
    try:
        image = selectors.portfolio_image_get_public(image_id=image_id)
        handle = file_download(actor=request.user, file=image.file, request=request)
    except NotFound as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=image.file.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@web_view
def my_portfolio(request: HttpRequest) -> HttpResponse:
    """The seller's portfolio: add items (optionally linked to an order the buyer allowed),
    add images to them, delete them."""
    if not permissions.is_seller(request.user):
        raise Http404
    orders = list(selectors.portfolio_orders_for(actor=request.user)[:100])
    form = PortfolioItemForm(request.POST or None, orders=orders)
    if request.method == "POST" and form.is_valid():
        order_id = form.cleaned_data["order"]
        try:
            order = (
                selectors.order_get_for(actor=request.user, order_id=order_id) if order_id else None
            )
            portfolio_services.portfolio_item_create(
                actor=_user(request),
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                order=order,
            )
        except DomainError as exc:
            messages.error(request, _(exc.title))
        else:
            messages.success(request, _("Portfolio item added. Add its images below."))
            return redirect("freelance-web:my-portfolio")
    items = list(selectors.portfolio_list_for_seller(actor=request.user))
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "freelance/my_portfolio.html",
        {"form": form, "items": items, "max_images": portfolio_services.MAX_PORTFOLIO_IMAGES},
        status=status,
    )


@require_POST
@web_view
def portfolio_image_upload(request: HttpRequest, item_id: UUID) -> HttpResponse:
    item = selectors.portfolio_item_get_own(actor=request.user, item_id=item_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose an image (JPEG, PNG or WebP)."))
        return redirect("freelance-web:my-portfolio")
    try:
        portfolio_services.portfolio_image_add(
            actor=_user(request), item=item, uploaded_file=upload, request=request
        )
    except DomainError as exc:
        messages.error(request, _(exc.title))
    else:
        messages.success(request, _("Image added."))
    return redirect("freelance-web:my-portfolio")


@require_POST
@web_view
def portfolio_item_delete(request: HttpRequest, item_id: UUID) -> HttpResponse:
    item = selectors.portfolio_item_get_own(actor=request.user, item_id=item_id)
    portfolio_services.portfolio_item_delete(actor=_user(request), item=item)
    messages.success(request, _("Portfolio item deleted."))
    return redirect("freelance-web:my-portfolio")


# --- seller analytics ---------------------------------------------------------------------------
def _analytics_for(request: HttpRequest) -> selectors.SellerAnalytics:
    if not permissions.is_seller(request.user):
        raise Http404
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    return selectors.seller_analytics(
        actor=request.user, days=days, group=request.GET.get("group", "day")
    )


@web_view
def analytics(request: HttpRequest) -> HttpResponse:
    figures = _analytics_for(request)
    top = max((p.revenue for p in figures.series), default=0) or 1
    return render(
        request,
        "freelance/analytics.html",
        {
            "a": figures,
            "top": top,
            "periods": selectors.ANALYTICS_PERIODS,
            "groups": [("day", _("By day")), ("week", _("By week")), ("month", _("By month"))],
        },
    )


def _cell(value: Any) -> Any:
    """Spreadsheet-safe: a text cell never starts a formula (CSV/XLSX injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


@web_view
def analytics_export(request: HttpRequest, kind: str) -> HttpResponse:
    figures = _analytics_for(request)
    header = [
        _("Gig"),
        _("Status"),
        _("Impressions"),
        _("Clicks"),
        _("Conversion, %"),
        _("Orders"),
        _("Completed"),
        _("Cancelled"),
        _("Revenue, USD"),
        _("Rating"),
        _("Reviews"),
    ]
    rows = [
        [
            _cell(g.gig.title),
            str(g.gig.get_status_display()),
            g.impressions,
            g.clicks,
            g.conversion,
            g.orders,
            g.completed,
            g.cancelled,
            g.revenue,
            g.rating_average,
            g.reviews_count,
        ]
        for g in figures.gigs
    ]
    name = f"freelance-analytics-{figures.days}d"
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(
            [f"{v:.2f}" if isinstance(v, Decimal) else _cell(v) for v in row] for row in rows
        )
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if kind != "xlsx":
        raise Http404
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = "gigs"
    sheet.append(header)
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else _cell(v) for v in row])
    series = workbook.create_sheet(title="revenue")
    series.append([_("Period start"), _("Completed"), _("Revenue, USD")])
    for point in figures.series:
        series.append([point.start, point.orders, float(point.revenue)])
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# --- favourites -------------------------------------------------------------------------------
@require_POST
@web_view
def gig_favourite(request: HttpRequest, gig_id: UUID) -> HttpResponse:
    """Save or remove (`on` = 1 or 0): submitting the same form twice changes nothing."""
    found = selectors.gig_get_for_favourite(actor=request.user, gig_id=gig_id)
    on = request.POST.get("on") == "1"
    try:
        favourite_services.favourite_set(actor=_user(request), gig=found, on=on)
    except DomainError as exc:
        messages.error(request, _(exc.title))
    else:
        messages.success(
            request, _("Saved to favourites.") if on else _("Removed from favourites.")
        )
    if request.POST.get("next") == "favourites":
        return redirect("freelance-web:favourites")
    return redirect("freelance-web:gig", gig_id=found.pk)


@web_view
def favourites(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.favourite_list_for(actor=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "freelance/favourites.html", {"page": page})


# --- seller -----------------------------------------------------------------------------------
@web_view
def my_gigs(request: HttpRequest) -> HttpResponse:
    gigs = list(selectors.gig_list_for_seller(actor=request.user))
    return render(request, "freelance/my_gigs.html", {"gigs": gigs})


@web_view
def gig_new(request: HttpRequest) -> HttpResponse:
    form = GigForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields, packages = form.service_data()
        try:
            created = gig_services.gig_create(actor=_user(request), packages=packages, **fields)
        except DomainError as exc:
            messages.error(request, _(exc.title))
        else:
            messages.success(request, _("Draft saved. Submit it for approval when ready."))
            return redirect("freelance-web:gig-edit", gig_id=created.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "freelance/gig_form.html", {"form": form, "gig": None}, status=status)


@web_view
def gig_edit(request: HttpRequest, gig_id: UUID) -> HttpResponse:
    found = selectors.gig_get_for(actor=request.user, gig_id=gig_id)
    if not permissions.can_edit_gig(request.user, found):
        raise Http404
    form = GigForm(request.POST or None, initial=GigForm.initial_for(found))
    if request.method == "POST" and form.is_valid():
        fields, packages = form.service_data()
        try:
            gig_services.gig_update(
                actor=_user(request), gig=found, fields=fields, packages=packages
            )
        except DomainError as exc:
            messages.error(request, _(exc.title))
        else:
            messages.success(request, _("Gig saved."))
            return redirect("freelance-web:gig-edit", gig_id=found.pk)
    status = 422 if request.method == "POST" else 200
    images = selectors.gig_images(gig=found)
    context = {
        "form": form,
        "gig": found,
        "images": images,
        "last": len(images),
        "max_images": image_services.MAX_GIG_IMAGES,
    }
    return render(request, "freelance/gig_form.html", context, status=status)


@require_POST
@web_view
def gig_move(request: HttpRequest, gig_id: UUID, move: str) -> HttpResponse:
    found = selectors.gig_get_for(actor=request.user, gig_id=gig_id)
    try:
        if move == "submit":
            gig_services.gig_submit(actor=_user(request), gig=found)
        elif move == "approve":
            gig_services.gig_approve(actor=_user(request), gig=found)
        elif move == "reject":
            gig_services.gig_reject(
                actor=_user(request), gig=found, reason=request.POST.get("reason", "")
            )
        else:
            gig_services.gig_set_status(actor=_user(request), gig=found, move=move)
    except DomainError as exc:
        messages.error(request, _(exc.title))
    if move in ("approve", "reject"):
        return redirect("freelance-web:moderation")
    return redirect("freelance-web:gig-edit", gig_id=found.pk)


@web_view
def balance(request: HttpRequest) -> HttpResponse:
    """The seller's money: pending clearance, cleared, and the ledger lines behind them."""
    from lifeline.freelance import conf

    page = Paginator(selectors.ledger_for(actor=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "freelance/balance.html",
        {
            "balance": selectors.balance_for(actor=request.user),
            "page": page,
            "clearance_days": conf.clearance_days(),
            "is_seller": permissions.is_seller(request.user),
        },
    )


# --- custom offers -------------------------------------------------------------------------
@web_view
def offers(request: HttpRequest) -> HttpResponse:
    """Offers sent and received; a seller sends a new one to a buyer they have dealt with."""
    from lifeline.freelance.enums import GigStatus
    from lifeline.freelance.web.forms import OfferForm

    user = _user(request)
    gigs = [g for g in selectors.gig_list_for_seller(actor=user) if g.status == GigStatus.ACTIVE]
    buyers = selectors.offer_buyer_choices(actor=user)
    # From a conversation (its panel's "Send a custom offer"): that gig and buyer only; the
    # offer is posted there as a card and the seller goes back to it.
    conversation = None
    conversation_id = request.POST.get("conversation") or request.GET.get("conversation")
    if conversation_id:
        try:
            conversation, gig_id, buyer_id = flows.offer_conversation_get(
                actor=user, conversation_id=conversation_id
            )
        except NotFound as exc:
            raise Http404 from exc
        gigs = [g for g in gigs if g.pk == gig_id]
        buyers = [b for b in buyers if b.pk == buyer_id]
    form = OfferForm(request.POST or None, gigs=gigs, buyers=buyers)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            gig = selectors.gig_get_for(actor=user, gig_id=data.pop("gig"))
            offer_services.offer_create(
                actor=user,
                gig=gig,
                buyer_id=data.pop("buyer"),
                conversation=conversation,
                **data,
            )
        except DomainError as exc:
            messages.error(request, _(exc.title))
        else:
            messages.success(request, _("Offer sent."))
            if conversation is not None:
                return redirect(f"{reverse('chat-web:home')}?c={conversation.pk}")
            return redirect("freelance-web:offers")
    page = Paginator(selectors.offer_list_for(actor=user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "freelance/offers.html",
        {
            "form": form if gigs and buyers else None,
            "page": page,
            "user_id": user.pk,
            "conversation": conversation,
        },
        status=422 if request.method == "POST" else 200,
    )


OFFER_ACTIONS: dict[str, Callable[..., Any]] = {
    "accept": offer_services.offer_accept,
    "decline": offer_services.offer_decline,
    "withdraw": offer_services.offer_withdraw,
}


@require_POST
@web_view
def offer_action(request: HttpRequest, offer_id: UUID, action: str) -> HttpResponse:
    found = selectors.offer_get_for(actor=request.user, offer_id=offer_id)
    call = OFFER_ACTIONS.get(action)
    if call is None:
        raise Http404
    try:
        result = call(actor=_user(request), offer=found)
    except DomainError as exc:
        messages.error(request, _(exc.title))
        return redirect("freelance-web:offers")
    if action == "accept":
        return redirect("freelance-web:order", order_id=result.pk)
    return redirect("freelance-web:offers")


# --- reviews ----------------------------------------------------------------------------------
@require_POST
@web_view
def review_action(request: HttpRequest, review_id: UUID, action: str) -> HttpResponse:
    """`helpful` (with `on` = 1 or 0, idempotent) by any signed-in user but the reviewer;
    `reply` once by the gig's seller. Back to the gig page, keeping its sort."""
    found = selectors.review_get(review_id=review_id)
    try:
        if action == "helpful":
            review_services.review_mark_helpful(
                actor=_user(request), review=found, on=request.POST.get("on") == "1"
            )
        elif action == "reply":
            review_services.review_reply(
                actor=_user(request), review=found, text=request.POST.get("text", "")
            )
            messages.success(request, _("Your reply is published."))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, _(exc.title))
    sort = "helpful" if request.POST.get("sort") == "helpful" else "recent"
    url = reverse("freelance-web:gig", kwargs={"gig_id": found.gig_id})
    return redirect(f"{url}?sort={sort}#reviews")


# --- moderator --------------------------------------------------------------------------------
@web_view
def moderation(request: HttpRequest) -> HttpResponse:
    if not permissions.is_moderator(request.user):
        raise Http404
    gigs = list(selectors.gig_moderation_queue(actor=request.user)[:100])
    disputes = list(selectors.dispute_list_for(actor=request.user, status=DisputeStatus.OPEN)[:100])
    return render(request, "freelance/moderation.html", {"gigs": gigs, "disputes": disputes})


# --- orders -----------------------------------------------------------------------------------
@web_view
def order(request: HttpRequest, order_id: UUID) -> HttpResponse:
    found = selectors.order_get_for(actor=request.user, order_id=order_id)
    party = permissions.party_of(request.user, found)
    status = found.status
    is_open = party is not None and status in OPEN_ORDER_STATUSES
    dispute = getattr(found, "dispute", None)
    dispute_open = dispute is not None and dispute.status == DisputeStatus.OPEN
    is_moderator = permissions.is_moderator(request.user, found.organization_id)
    context = {
        "dispute": dispute,
        "dispute_messages": list(selectors.dispute_messages(dispute)) if dispute else [],
        "can_dispute": party is not None and dispute is None and status in DISPUTABLE_STATUSES,
        "can_post_dispute": dispute_open and (party is not None or is_moderator),
        "can_resolve": dispute_open and is_moderator and party is None,
        "outcomes": DisputeOutcome.choices,
        "order": found,
        "party": party,
        "events": list(found.events.all()),
        "can_requirements": party == "buyer" and status == OrderStatus.AWAITING_REQUIREMENTS,
        "can_deliver": party == "seller" and status == OrderStatus.IN_PROGRESS,
        "can_revise": party == "buyer"
        and status == OrderStatus.DELIVERED
        and found.revisions_left > 0,
        "can_complete": party == "buyer" and status == OrderStatus.DELIVERED,
        "can_cancel": is_open and found.cancel_requested_by_id != request.user.pk,
        "can_withdraw": is_open and found.cancel_requested_by_id == request.user.pk,
        "can_cancel_late": party == "buyer" and order_services.can_cancel_late(found),
        "can_consent": party == "buyer" and status == OrderStatus.COMPLETED,
        "can_review": party == "buyer"
        and status == OrderStatus.COMPLETED
        and not hasattr(found, "review")
        and review_services.can_review_now(found),
        # Files go up in parts (files/uploads.js), each up to the deliverable limit.
        "upload_max_bytes": file_kinds.resumable_max_bytes(FileKind.DELIVERABLE),
    }
    return render(request, "freelance/order.html", context)


@require_POST
@web_view
def gig_conversation(request: HttpRequest, gig_id: UUID) -> HttpResponse:
    """A buyer asks the seller about a gig before ordering: the gig's conversation in the
    messenger (opened, or the existing one returned)."""
    from lifeline.chat import services as chat_services
    from lifeline.freelance.chat_policy import GIG_KIND

    found = selectors.gig_get_for(actor=request.user, gig_id=gig_id)
    try:
        offer_services.gig_inquiry_record(actor=_user(request), gig=found)
    except DomainError as exc:
        messages.error(request, _(exc.title))
        return redirect("freelance-web:gig", gig_id=found.pk)
    conversation, _created = chat_services.conversation_open(
        actor=request.user, kind=GIG_KIND, subject_id=found.pk
    )
    return redirect(f"{reverse('chat-web:home')}?c={conversation.pk}")


@require_POST
@web_view
def order_conversation(request: HttpRequest, order_id: UUID) -> HttpResponse:
    """Open (or return) the buyer–seller conversation of the order in the messenger."""
    from lifeline.chat import services as chat_services
    from lifeline.freelance.chat_policy import KIND

    found = selectors.order_get_for(actor=request.user, order_id=order_id)
    if permissions.party_of(request.user, found) is None:
        raise Http404
    conversation, _created = chat_services.conversation_open(
        actor=request.user, kind=KIND, subject_id=found.pk
    )
    return redirect(f"{reverse('chat-web:home')}?c={conversation.pk}")


FILE_ACTIONS: dict[str, Callable[[User, Any, HttpRequest], Any]] = {
    "requirements": lambda u, o, r: delivery_services.order_submit_requirements(
        actor=u,
        order=o,
        text=r.POST.get("text", ""),
        files=r.FILES.getlist("files"),
        file_ids=r.POST.getlist("file_ids"),
        request=r,
    ),
    "deliver": lambda u, o, r: delivery_services.order_deliver(
        actor=u,
        order=o,
        message=_checked_message(r.POST.get("text", "")),
        files=r.FILES.getlist("files"),
        file_ids=r.POST.getlist("file_ids"),
        request=r,
    ),
}

ORDER_ACTIONS: dict[str, Callable[[User, Any, Any], Any]] = {
    "revision": lambda u, o, p: delivery_services.order_request_revision(
        actor=u, order=o, message=p.get("text", "")[:2000]
    ),
    "complete": lambda u, o, p: order_services.order_complete(actor=u, order=o),
    "cancel": lambda u, o, p: order_services.order_cancel(
        actor=u, order=o, reason=p.get("text", "")[:2000]
    ),
    "withdraw": lambda u, o, p: order_services.order_withdraw_cancel(actor=u, order=o),
    "dispute": lambda u, o, p: dispute_services.dispute_open(
        actor=u, order=o, reason=p.get("text", "")
    ),
    "dispute-message": lambda u, o, p: dispute_services.dispute_post_message(
        actor=u, order=o, text=p.get("text", "")
    ),
    "resolve": lambda u, o, p: dispute_services.dispute_resolve(
        actor=u,
        order=o,
        outcome=p.get("outcome", ""),
        resolution=p.get("text", ""),
        refund_amount=_amount(p.get("refund_amount")),
    ),
    "cancel-late": lambda u, o, p: order_services.order_cancel_late(
        actor=u, order=o, reason=p.get("text", "")[:2000]
    ),
    "portfolio-consent": lambda u, o, p: portfolio_services.order_set_portfolio_consent(
        actor=u, order=o, allowed=p.get("allowed") == "1"
    ),
    "review": lambda u, o, p: review_services.review_create(
        actor=u,
        order=o,
        rating=_rating(p.get("rating")),
        communication=_rating(p.get("communication")),
        as_described=_rating(p.get("as_described")),
        would_recommend=p.get("would_recommend") == "1",
        comment=p.get("text", "")[:2000],
    ),
}


def _checked_message(text: str) -> str:
    from lifeline.freelance.exceptions import ReasonRequired

    text = text.strip()
    if not 10 <= len(text) <= 5000:
        raise ReasonRequired(code="freelance.delivery_message_length")
    return text


def _amount(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value).strip().replace(",", ".")) if value else None
    except InvalidOperation:
        return None


def _rating(value: Any) -> int:
    from lifeline.freelance.exceptions import ReasonRequired

    try:
        rating = int(value)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ReasonRequired(code="freelance.rating_range")
    return rating


@require_POST
@web_view
def order_action(request: HttpRequest, order_id: UUID, action: str) -> HttpResponse:
    found = selectors.order_get_for(actor=request.user, order_id=order_id)
    file_call = FILE_ACTIONS.get(action)
    call = ORDER_ACTIONS.get(action)
    if call is None and file_call is None:
        raise Http404
    try:
        if file_call is not None:
            file_call(_user(request), found, request)
        elif call is not None:
            call(_user(request), found, request.POST)
    except DomainError as exc:
        messages.error(request, _(exc.title))
        if str(exc.detail) != _(exc.title):  # e.g. the file types a refused upload allows
            messages.error(request, str(exc.detail))
    return redirect("freelance-web:order", order_id=found.pk)


@web_view
def order_file(request: HttpRequest, order_id: UUID, file_id: UUID) -> HttpResponseBase:
    """A requirement or delivery file, for the order's parties (and a moderator of its
    dispute) only; always a download, never sniffed. Anyone else: 404."""
    found = selectors.order_file_get_for(actor=request.user, order_id=order_id, file_id=file_id)
    handle = file_download(actor=request.user, file=found.file, request=request)
    response = FileResponse(
        handle,
        content_type=found.file.content_type,
        as_attachment=True,
        filename=found.file.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
