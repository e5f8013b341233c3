"""The freelance API: categories, gigs and their moderation, search, orders, reviews."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.accounts.models import User
from lifeline.core.api.pagination import (
    CreatedCursorPagination,
    TableLimitOffsetPagination,
    paginate,
)
from lifeline.freelance import conf, permissions, selectors
from lifeline.freelance.api import serializers as s
from lifeline.freelance.enums import OrderStatus
from lifeline.freelance.exceptions import NotASeller
from lifeline.freelance.levels import SellerLevel
from lifeline.freelance.models import Order
from lifeline.freelance.services import deliveries as delivery_services
from lifeline.freelance.services import disputes as dispute_services
from lifeline.freelance.services import favourites as favourite_services
from lifeline.freelance.services import gigs as gig_services
from lifeline.freelance.services import offers as offer_services
from lifeline.freelance.services import orders as order_services
from lifeline.freelance.services import portfolio as portfolio_services
from lifeline.freelance.services import reviews as review_services

TAGS_GIGS = ["freelance: gigs"]
TAGS_ORDERS = ["freelance: orders"]

Q_PARAM = OpenApiParameter("q", str, description="Words to find in the title or description.")
CATEGORY_PARAM = OpenApiParameter("category", str, description="A category or subcategory slug.")


def _user(request: Request) -> User:
    return cast("User", request.user)


class PublicReadApi(APIView):
    """GET for anyone (public gig pages and search); every other method needs a login."""

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method == "GET":
            return [AllowAny()]
        return [IsAuthenticated()]


class CategoryListApi(PublicReadApi):
    @extend_schema(tags=TAGS_GIGS, responses={200: s.FreelanceCategoryOutput(many=True)})
    def get(self, request: Request) -> Response:
        return Response(s.FreelanceCategoryOutput(selectors.category_list(), many=True).data)


def _gig_input(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    fields = {k: v for k, v in data.items() if k != "packages"}
    return fields, data.get("packages")


def _shown(request: Request, response: Response) -> Response:
    """Count an impression for each gig of a public list page (two queries)."""
    rows = (response.data or {}).get("results", [])
    gig_services.gigs_record_impressions(
        viewer=request.user, shown=[(row["id"], row["seller"]) for row in rows]
    )
    return response


class GigListApi(PublicReadApi):
    pagination_class = CreatedCursorPagination

    @extend_schema(
        tags=TAGS_GIGS,
        parameters=[CATEGORY_PARAM],
        responses={200: s.FreelanceGigOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        gigs = selectors.gig_search(category_slug=request.query_params.get("category", ""))
        return _shown(
            request,
            paginate(
                queryset=gigs, serializer_class=s.FreelanceGigOutput, request=request, view=self
            ),
        )

    @extend_schema(
        tags=TAGS_GIGS, request=s.FreelanceGigCreateInput, responses={201: s.FreelanceGigOutput}
    )
    def post(self, request: Request) -> Response:
        data = s.FreelanceGigCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields, packages = _gig_input(dict(data.validated_data))
        gig = gig_services.gig_create(actor=_user(request), packages=packages or {}, **fields)
        gig = selectors.gig_get_for(actor=request.user, gig_id=gig.pk)
        return Response(s.FreelanceGigOutput(gig).data, status=status.HTTP_201_CREATED)


SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q", str, description="Words to find in the title, tags or description (typos too)."
    ),
    CATEGORY_PARAM,
    OpenApiParameter("price_min", str, description="Decimal: starting price at least."),
    OpenApiParameter("price_max", str, description="Decimal: starting price at most."),
    OpenApiParameter("delivery_days", int, description="A package delivers within 1–90 days."),
    OpenApiParameter("min_rating", str, description="Decimal 1–5: average rating at least."),
    OpenApiParameter("seller_level", str, enum=list(SellerLevel.values)),
    OpenApiParameter(
        "sort",
        str,
        enum=list(selectors.GIG_SORT_CHOICES),
        description="relevance (the default with a query): title matches first, then the "
        "rank, then newest; newest is the default without one.",
    ),
]


def _search_filters(request: Request) -> selectors.GigFilters:
    data = s.FreelanceGigSearchInput(data=request.query_params)
    data.is_valid(raise_exception=True)
    values = dict(data.validated_data)
    if values.get("sort") == "relevance":
        values["sort"] = ""
    return selectors.GigFilters(**values)


class GigSearchApi(PublicReadApi):
    """Full text (PostgreSQL tsvector ru + en with trigram similarity for typos; SQLite FTS5
    with close words for typos) over active gigs, with filters and sorts; limit/offset pages."""

    pagination_class = TableLimitOffsetPagination

    @extend_schema(
        tags=TAGS_GIGS,
        parameters=SEARCH_PARAMETERS,
        responses={200: s.FreelanceGigOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        gigs = selectors.gig_list_public(filters=_search_filters(request))
        return _shown(
            request,
            paginate(
                queryset=gigs, serializer_class=s.FreelanceGigOutput, request=request, view=self
            ),
        )


class MyGigListApi(APIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(tags=TAGS_GIGS, responses={200: s.FreelanceGigOutput(many=True)})
    def get(self, request: Request) -> Response:
        gigs = selectors.gig_list_for_seller(actor=request.user)
        return paginate(
            queryset=gigs, serializer_class=s.FreelanceGigOutput, request=request, view=self
        )


class ModerationQueueApi(APIView):
    pagination_class = TableLimitOffsetPagination

    @extend_schema(tags=TAGS_GIGS, responses={200: s.FreelanceGigOutput(many=True)})
    def get(self, request: Request) -> Response:
        gigs = selectors.gig_moderation_queue(actor=request.user)
        return paginate(
            queryset=gigs, serializer_class=s.FreelanceGigOutput, request=request, view=self
        )


class GigDetailApi(PublicReadApi):
    @extend_schema(tags=TAGS_GIGS, responses={200: s.FreelanceGigDetailOutput})
    def get(self, request: Request, gig_id: UUID) -> Response:
        gig = selectors.gig_get_for(actor=request.user, gig_id=gig_id)
        gig_services.gig_record_click(viewer=request.user, gig=gig)
        return Response(s.FreelanceGigDetailOutput(gig).data)

    @extend_schema(
        tags=TAGS_GIGS, request=s.FreelanceGigUpdateInput, responses={200: s.FreelanceGigOutput}
    )
    def patch(self, request: Request, gig_id: UUID) -> Response:
        gig = selectors.gig_get_for(actor=request.user, gig_id=gig_id)
        data = s.FreelanceGigUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields, packages = _gig_input(dict(data.validated_data))
        gig_services.gig_update(actor=_user(request), gig=gig, fields=fields, packages=packages)
        gig = selectors.gig_get_for(actor=request.user, gig_id=gig_id)
        return Response(s.FreelanceGigOutput(gig).data)


class GigStatusApi(APIView):
    @extend_schema(
        tags=TAGS_GIGS, request=s.FreelanceGigStatusInput, responses={200: s.FreelanceGigOutput}
    )
    def post(self, request: Request, gig_id: UUID) -> Response:
        gig = selectors.gig_get_for(actor=request.user, gig_id=gig_id)
        data = s.FreelanceGigStatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        move = data.validated_data["move"]
        if move == "submit":
            gig_services.gig_submit(actor=_user(request), gig=gig)
        else:
            gig_services.gig_set_status(actor=_user(request), gig=gig, move=move)
        gig = selectors.gig_get_for(actor=request.user, gig_id=gig_id)
        return Response(s.FreelanceGigOutput(gig).data)


class GigApproveApi(APIView):
    @extend_schema(tags=TAGS_GIGS, request=None, responses={200: s.FreelanceGigOutput})
    def post(self, request: Request, gig_id: UUID) -> Response:
        gig = selectors.gig_get_for(actor=request.user, gig_id=gig_id)
        gig_services.gig_approve(actor=_user(request), gig=gig)
        gig = selectors.gig_get_for(actor=request.user, gig_id=gig_id)
        return Response(s.FreelanceGigOutput(gig).data)


class GigRejectApi(APIView):
    @extend_schema(
        tags=TAGS_GIGS, request=s.FreelanceRejectInput, responses={200: s.FreelanceGigOutput}
    )
    def post(self, request: Request, gig_id: UUID) -> Response:
        gig = selectors.gig_get_for(actor=request.user, gig_id=gig_id)
        data = s.FreelanceRejectInput(data=request.data)
        data.is_valid(raise_exception=True)
        gig_services.gig_reject(actor=_user(request), gig=gig, reason=data.validated_data["reason"])
        gig = selectors.gig_get_for(actor=request.user, gig_id=gig_id)
        return Response(s.FreelanceGigOutput(gig).data)


class GigInquiryApi(APIView):
    @extend_schema(
        tags=TAGS_GIGS,
        request=None,
        responses={200: s.FreelanceInquiryOutput},
        description="A buyer asks the seller about an active gig before ordering (once per "
        "buyer and gig; repeating it returns the same inquiry). The conversation itself is the "
        "messenger's, kind `freelance.gig` about the gig; the seller cannot start one, and may "
        "send custom offers only to buyers who asked or ordered.",
    )
    def post(self, request: Request, gig_id: UUID) -> Response:
        gig = selectors.gig_get_for(actor=request.user, gig_id=gig_id)
        inquiry = offer_services.gig_inquiry_record(actor=_user(request), gig=gig)
        return Response(s.FreelanceInquiryOutput(inquiry).data)


class SellerProfileApi(PublicReadApi):
    @extend_schema(tags=TAGS_GIGS, responses={200: s.FreelanceSellerProfileOutput})
    def get(self, request: Request, seller_id: UUID) -> Response:
        profile = selectors.seller_profile(seller_id=seller_id)
        return Response(s.FreelanceSellerProfileOutput(profile).data)


class AnalyticsApi(APIView):
    @extend_schema(
        tags=TAGS_GIGS,
        parameters=[
            OpenApiParameter("days", int, enum=list(selectors.ANALYTICS_PERIODS)),
            OpenApiParameter("group", str, enum=list(selectors.ANALYTICS_GROUPS)),
        ],
        responses={200: s.FreelanceAnalyticsOutput},
        description="The caller's seller figures over the period and the period before it.",
    )
    def get(self, request: Request) -> Response:
        if not permissions.is_seller(request.user):
            raise NotASeller()
        return Response(s.FreelanceAnalyticsOutput(_analytics(request)).data)


def _analytics(request: Any) -> selectors.SellerAnalytics:
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    return selectors.seller_analytics(
        actor=request.user, days=days, group=request.GET.get("group", "day")
    )


# --- favourites ---------------------------------------------------------------------------
class FavouriteListApi(APIView):
    pagination_class = TableLimitOffsetPagination

    @extend_schema(tags=TAGS_GIGS, responses={200: s.FreelanceSavedGigOutput(many=True)})
    def get(self, request: Request) -> Response:
        gigs = selectors.favourite_list_for(actor=request.user)
        return paginate(
            queryset=gigs, serializer_class=s.FreelanceSavedGigOutput, request=request, view=self
        )


class GigFavouriteApi(APIView):
    """PUT saves the gig, DELETE removes it; both are idempotent."""

    def _answer(self, request: Request, gig_id: UUID, *, on: bool) -> Response:
        gig = selectors.gig_get_for_favourite(actor=request.user, gig_id=gig_id)
        favourited = favourite_services.favourite_set(actor=_user(request), gig=gig, on=on)
        gig.refresh_from_db(fields=["favourites_count"])
        return Response(
            s.FreelanceFavouriteOutput(
                {
                    "gig": gig.pk,
                    "favourited": favourited,
                    "favourites_count": gig.favourites_count,
                }
            ).data
        )

    @extend_schema(tags=TAGS_GIGS, request=None, responses={200: s.FreelanceFavouriteOutput})
    def put(self, request: Request, gig_id: UUID) -> Response:
        return self._answer(request, gig_id, on=True)

    @extend_schema(tags=TAGS_GIGS, request=None, responses={200: s.FreelanceFavouriteOutput})
    def delete(self, request: Request, gig_id: UUID) -> Response:
        return self._answer(request, gig_id, on=False)


# --- orders ---------------------------------------------------------------------------------
class OrderListApi(APIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(
        tags=TAGS_ORDERS,
        parameters=[OpenApiParameter("status", str, enum=OrderStatus.values)],
        responses={200: s.FreelanceOrderOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        wanted = request.query_params.get("status", "")
        orders = selectors.order_list_for(
            actor=request.user, status=wanted if wanted in OrderStatus.values else ""
        )
        return paginate(
            queryset=orders, serializer_class=s.FreelanceOrderOutput, request=request, view=self
        )

    @extend_schema(
        tags=TAGS_ORDERS,
        request=s.FreelanceOrderCreateInput,
        responses={201: s.FreelanceOrderDetailOutput},
    )
    def post(self, request: Request) -> Response:
        data = s.FreelanceOrderCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        gig = selectors.gig_get_for(actor=request.user, gig_id=data.validated_data["gig"])
        order = order_services.order_place(
            actor=_user(request), gig=gig, tier=data.validated_data["tier"]
        )
        order = selectors.order_get_for(actor=request.user, order_id=order.pk)
        return Response(s.FreelanceOrderDetailOutput(order).data, status=status.HTTP_201_CREATED)


class OrderDetailApi(APIView):
    @extend_schema(tags=TAGS_ORDERS, responses={200: s.FreelanceOrderDetailOutput})
    def get(self, request: Request, order_id: UUID) -> Response:
        order = selectors.order_get_for(actor=request.user, order_id=order_id)
        return Response(s.FreelanceOrderDetailOutput(order).data)


def _order_action(
    input_class: type[s.serializers.Serializer[Any]] | None,
    call: Callable[[User, Order, dict[str, Any]], Any],
    doc: str,
    name: str,
    *,
    with_files: bool = False,
) -> type[APIView]:
    """One APIView per order transition: load within scope, validate, call one service.
    `with_files`: JSON or multipart (the input's `files`); the request rides along in the
    values as `_request` (for the files service's audit)."""

    class OrderActionApi(APIView):
        if with_files:
            parser_classes = [JSONParser, MultiPartParser]

        @extend_schema(
            tags=TAGS_ORDERS,
            request=(
                {"application/json": input_class, "multipart/form-data": input_class}
                if with_files
                else input_class
            ),
            responses={200: s.FreelanceOrderDetailOutput},
            description=doc,
        )
        def post(self, request: Request, order_id: UUID) -> Response:
            order = selectors.order_get_for(actor=request.user, order_id=order_id)
            values: dict[str, Any] = {}
            if input_class is not None:
                data = input_class(data=request.data)
                data.is_valid(raise_exception=True)
                values = dict(data.validated_data)
            values["_request"] = request._request
            call(_user(request), order, values)
            order = selectors.order_get_for(actor=request.user, order_id=order_id)
            return Response(s.FreelanceOrderDetailOutput(order).data)

    OrderActionApi.__name__ = OrderActionApi.__qualname__ = name
    return OrderActionApi


OrderRequirementsApi = _order_action(
    s.FreelanceRequirementsInput,
    lambda u, o, v: delivery_services.order_submit_requirements(
        actor=u,
        order=o,
        text=v["requirements"],
        files=v["files"],
        file_ids=v["file_ids"],
        request=v["_request"],
    ),
    "The buyer submits the requirements (text and files); the order starts "
    "(awaiting requirements -> in progress).",
    "OrderRequirementsApi",
    with_files=True,
)
OrderDeliverApi = _order_action(
    s.FreelanceDeliverInput,
    lambda u, o, v: delivery_services.order_deliver(
        actor=u,
        order=o,
        message=v["message"],
        files=v["files"],
        file_ids=v["file_ids"],
        request=v["_request"],
    ),
    "The seller delivers a message and files (in progress -> delivered); auto-completion is "
    "scheduled.",
    "OrderDeliverApi",
    with_files=True,
)
OrderRevisionApi = _order_action(
    s.FreelanceMessageInput,
    lambda u, o, v: delivery_services.order_request_revision(
        actor=u, order=o, message=v["message"]
    ),
    "The buyer asks for a revision while revisions remain (delivered -> in progress).",
    "OrderRevisionApi",
)
OrderCompleteApi = _order_action(
    None,
    lambda u, o, v: order_services.order_complete(actor=u, order=o),
    "The buyer accepts the delivery (delivered -> completed).",
    "OrderCompleteApi",
)
OrderCancelApi = _order_action(
    s.FreelanceMessageInput,
    lambda u, o, v: order_services.order_cancel(actor=u, order=o, reason=v["message"]),
    "Propose a cancellation, or agree to the other party's proposal (then cancelled).",
    "OrderCancelApi",
)
OrderCancelLateApi = _order_action(
    s.FreelanceMessageInput,
    lambda u, o, v: order_services.order_cancel_late(actor=u, order=o, reason=v["message"]),
    "The buyer cancels an order whose seller is late past the grace period (refunded).",
    "OrderCancelLateApi",
)
OrderCancelWithdrawApi = _order_action(
    None,
    lambda u, o, v: order_services.order_withdraw_cancel(actor=u, order=o),
    "Withdraw one's own cancellation proposal.",
    "OrderCancelWithdrawApi",
)


OrderPortfolioConsentApi = _order_action(
    s.FreelancePortfolioConsentInput,
    lambda u, o, v: portfolio_services.order_set_portfolio_consent(
        actor=u, order=o, allowed=v["allowed"]
    ),
    "The buyer allows (or withdraws) showing this order in the seller's portfolio; "
    "withdrawing unlinks it from the seller's portfolio items.",
    "OrderPortfolioConsentApi",
)


# --- portfolio --------------------------------------------------------------------------------
TAGS_PORTFOLIO = ["freelance: portfolio"]


class PortfolioListApi(APIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(
        tags=TAGS_PORTFOLIO,
        description="The caller's own portfolio items.",
        responses={200: s.FreelancePortfolioItemOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        items = selectors.portfolio_list_for_seller(actor=request.user)
        return paginate(
            queryset=items,
            serializer_class=s.FreelancePortfolioItemOutput,
            request=request,
            view=self,
        )

    @extend_schema(
        tags=TAGS_PORTFOLIO,
        request=s.FreelancePortfolioItemInput,
        responses={201: s.FreelancePortfolioItemOutput},
    )
    def post(self, request: Request) -> Response:
        data = s.FreelancePortfolioItemInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        order_id = values.pop("order")
        # Only the caller's own orders can be found: anyone else's is 404.
        order = (
            None
            if order_id is None
            else selectors.order_get_for(actor=request.user, order_id=order_id)
        )
        item = portfolio_services.portfolio_item_create(actor=_user(request), order=order, **values)
        item = selectors.portfolio_item_get_own(actor=request.user, item_id=item.pk)
        return Response(s.FreelancePortfolioItemOutput(item).data, status=status.HTTP_201_CREATED)


class PortfolioDetailApi(PublicReadApi):
    @extend_schema(tags=TAGS_PORTFOLIO, responses={200: s.FreelancePortfolioItemOutput})
    def get(self, request: Request, item_id: UUID) -> Response:
        item = selectors.portfolio_item_get_public(item_id=item_id)
        return Response(s.FreelancePortfolioItemOutput(item).data)

    @extend_schema(tags=TAGS_PORTFOLIO, responses={204: None})
    def delete(self, request: Request, item_id: UUID) -> Response:
        item = selectors.portfolio_item_get_own(actor=request.user, item_id=item_id)
        portfolio_services.portfolio_item_delete(actor=_user(request), item=item)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PortfolioImageApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=TAGS_PORTFOLIO,
        request={"multipart/form-data": s.FreelancePortfolioImageInput},
        responses={201: s.FreelancePortfolioItemOutput},
        description="Add an image (JPEG, PNG or WebP; re-encoded by the files service).",
    )
    def post(self, request: Request, item_id: UUID) -> Response:
        item = selectors.portfolio_item_get_own(actor=request.user, item_id=item_id)
        data = s.FreelancePortfolioImageInput(data=request.data)
        data.is_valid(raise_exception=True)
        portfolio_services.portfolio_image_add(
            actor=_user(request),
            item=item,
            uploaded_file=data.validated_data["file"],
            request=request._request,
        )
        item = selectors.portfolio_item_get_own(actor=request.user, item_id=item_id)
        return Response(s.FreelancePortfolioItemOutput(item).data, status=status.HTTP_201_CREATED)


class OrderReviewApi(APIView):
    @extend_schema(
        tags=TAGS_ORDERS, request=s.FreelanceReviewInput, responses={201: s.FreelanceReviewOutput}
    )
    def post(self, request: Request, order_id: UUID) -> Response:
        order = selectors.order_get_for(actor=request.user, order_id=order_id)
        data = s.FreelanceReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = review_services.review_create(
            actor=_user(request), order=order, **data.validated_data
        )
        return Response(s.FreelanceReviewOutput(review).data, status=status.HTTP_201_CREATED)


# --- money ------------------------------------------------------------------------------------
TAGS_MONEY = ["freelance: money"]


class BalanceApi(APIView):
    @extend_schema(tags=TAGS_MONEY, responses={200: s.FreelanceBalanceOutput})
    def get(self, request: Request) -> Response:
        """The caller's balance as a seller: pending clearance and cleared (available)."""
        balance = selectors.balance_for(actor=request.user)
        return Response(
            s.FreelanceBalanceOutput(
                {
                    "currency": balance.currency,
                    "pending": balance.pending,
                    "cleared": balance.cleared,
                    "clearance_days": conf.clearance_days(),
                    "fee_percent": conf.platform_fee_percent(),
                }
            ).data
        )


class LedgerListApi(APIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(tags=TAGS_MONEY, responses={200: s.FreelanceLedgerEntryOutput(many=True)})
    def get(self, request: Request) -> Response:
        """The caller's own ledger lines (earnings and clearances), newest first."""
        return paginate(
            queryset=selectors.ledger_for(actor=request.user),
            serializer_class=s.FreelanceLedgerEntryOutput,
            request=request,
            view=self,
        )


# --- disputes ---------------------------------------------------------------------------------
TAGS_DISPUTES = ["freelance: disputes"]


def _dispute_of(order: Order) -> Any:
    from lifeline.core.exceptions import NotFound

    dispute = getattr(order, "dispute", None)
    if dispute is None:
        raise NotFound()
    return dispute


class OrderDisputeApi(APIView):
    @extend_schema(tags=TAGS_DISPUTES, responses={200: s.FreelanceDisputeOutput})
    def get(self, request: Request, order_id: UUID) -> Response:
        """The order's dispute and its thread (the parties; the marketplace's moderators)."""
        order = selectors.order_get_for(actor=request.user, order_id=order_id)
        return Response(s.FreelanceDisputeOutput(_dispute_of(order)).data)

    @extend_schema(
        tags=TAGS_DISPUTES,
        request=s.FreelanceDisputeOpenInput,
        responses={201: s.FreelanceDisputeOutput},
    )
    def post(self, request: Request, order_id: UUID) -> Response:
        """A party opens a dispute (in progress or delivered); the order is frozen."""
        order = selectors.order_get_for(actor=request.user, order_id=order_id)
        data = s.FreelanceDisputeOpenInput(data=request.data)
        data.is_valid(raise_exception=True)
        dispute = dispute_services.dispute_open(
            actor=_user(request), order=order, reason=data.validated_data["reason"]
        )
        return Response(s.FreelanceDisputeOutput(dispute).data, status=status.HTTP_201_CREATED)


class DisputeMessageApi(APIView):
    @extend_schema(
        tags=TAGS_DISPUTES,
        request=s.FreelanceDisputeMessageInput,
        responses={201: s.FreelanceDisputeOutput},
    )
    def post(self, request: Request, order_id: UUID) -> Response:
        """A line in the open dispute's thread (a party or a moderator)."""
        order = selectors.order_get_for(actor=request.user, order_id=order_id)
        data = s.FreelanceDisputeMessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        dispute_services.dispute_post_message(
            actor=_user(request), order=order, text=data.validated_data["text"]
        )
        order = selectors.order_get_for(actor=request.user, order_id=order_id)
        return Response(
            s.FreelanceDisputeOutput(_dispute_of(order)).data, status=status.HTTP_201_CREATED
        )


class DisputeResolveApi(APIView):
    @extend_schema(
        tags=TAGS_DISPUTES,
        request=s.FreelanceDisputeResolveInput,
        responses={200: s.FreelanceDisputeOutput},
    )
    def post(self, request: Request, order_id: UUID) -> Response:
        """A moderator settles: complete (seller paid), cancel (buyer refunded) or partial."""
        order = selectors.order_get_for(actor=request.user, order_id=order_id)
        data = s.FreelanceDisputeResolveInput(data=request.data)
        data.is_valid(raise_exception=True)
        dispute = dispute_services.dispute_resolve(
            actor=_user(request), order=order, **data.validated_data
        )
        return Response(s.FreelanceDisputeOutput(dispute).data)


class DisputeListApi(APIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(
        tags=TAGS_DISPUTES,
        parameters=[OpenApiParameter("status", str, enum=["open", "resolved"])],
        responses={200: s.FreelanceDisputeSummaryOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        """Disputes of one's orders; a moderator's marketplaces' disputes."""
        disputes = selectors.dispute_list_for(
            actor=request.user, status=request.query_params.get("status", "")
        )
        return paginate(
            queryset=disputes,
            serializer_class=s.FreelanceDisputeSummaryOutput,
            request=request,
            view=self,
        )
