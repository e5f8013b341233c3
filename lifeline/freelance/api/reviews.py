"""/api/v1/freelance/reviews/: a gig's or a seller's reviews, a buyer's review of a completed
order, the seller's single reply, and "helpful" votes."""

from __future__ import annotations

from typing import cast
from uuid import UUID

from django.utils.translation import gettext_noop
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.accounts.models import User
from lifeline.core.api.pagination import TableLimitOffsetPagination, paginate
from lifeline.core.exceptions import InvalidInput
from lifeline.freelance import selectors
from lifeline.freelance.api import serializers as s
from lifeline.freelance.services import reviews as review_services

TAGS_REVIEWS = ["freelance: reviews"]
LIST_PARAMS = [
    OpenApiParameter("gig", UUID, description="The gig whose reviews to list."),
    OpenApiParameter("seller", UUID, description="The seller whose reviews to list."),
    OpenApiParameter(
        "sort",
        str,
        enum=list(selectors.REVIEW_SORTS),
        description="Most recent first (default) or most helpful first.",
    ),
]


def _user(request: Request) -> User:
    return cast("User", request.user)


def _uuid_param(request: Request, name: str) -> UUID | None:
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        return UUID(value)
    except ValueError:
        raise InvalidInput(errors={name: [gettext_noop("Must be a valid UUID.")]}) from None


class ReviewListApi(APIView):
    """GET for anyone (reviews are public); POST by the buyer of a completed order."""

    pagination_class = TableLimitOffsetPagination

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method == "GET":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(
        tags=TAGS_REVIEWS,
        parameters=LIST_PARAMS,
        responses={
            200: s.FreelanceReviewListOutput(many=True),
            404: OpenApiResponse(description="The gig or the seller is not public."),
        },
    )
    def get(self, request: Request) -> Response:
        """Reviews of one gig (`gig=`) or of one seller (`seller=`)."""
        gig_id, seller_id = _uuid_param(request, "gig"), _uuid_param(request, "seller")
        if (gig_id is None) == (seller_id is None):
            raise InvalidInput(errors={"gig": [gettext_noop("Give either gig or seller.")]})
        sort = request.query_params.get("sort", "recent")
        if sort not in selectors.REVIEW_SORTS:
            raise InvalidInput(errors={"sort": [gettext_noop("Must be recent or helpful.")]})
        reviews = selectors.review_list(
            actor=request.user, gig_id=gig_id, seller_id=seller_id, sort=sort
        )
        return paginate(
            queryset=reviews,
            serializer_class=s.FreelanceReviewListOutput,
            request=request,
            view=self,
        )

    @extend_schema(
        tags=TAGS_REVIEWS,
        request=s.FreelanceReviewCreateInput,
        responses={201: s.FreelanceReviewOutput},
    )
    def post(self, request: Request) -> Response:
        """The buyer of a completed order reviews it, once, within 30 days of completion."""
        data = s.FreelanceReviewCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        order = selectors.order_get_for(actor=request.user, order_id=values.pop("order"))
        review = review_services.review_create(actor=_user(request), order=order, **values)
        return Response(s.FreelanceReviewOutput(review).data, status=status.HTTP_201_CREATED)


class ReviewReplyApi(APIView):
    @extend_schema(
        tags=TAGS_REVIEWS,
        request=s.FreelanceReviewReplyInput,
        responses={200: s.FreelanceReviewOutput},
    )
    def post(self, request: Request, review_id: UUID) -> Response:
        """The gig's seller replies to a review, once."""
        review = selectors.review_get(review_id=review_id)
        data = s.FreelanceReviewReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = review_services.review_reply(
            actor=_user(request), review=review, text=data.validated_data["text"]
        )
        return Response(s.FreelanceReviewOutput(review).data)


class ReviewHelpfulApi(APIView):
    """PUT marks the review helpful, DELETE takes the vote back; both are idempotent."""

    def _answer(self, request: Request, review_id: UUID, *, on: bool) -> Response:
        review = selectors.review_get(review_id=review_id)
        helpful = review_services.review_mark_helpful(actor=_user(request), review=review, on=on)
        review.refresh_from_db(fields=["helpful_count"])
        return Response(
            s.FreelanceReviewHelpfulOutput(
                {"review": review.pk, "helpful": helpful, "helpful_count": review.helpful_count}
            ).data
        )

    @extend_schema(tags=TAGS_REVIEWS, request=None, responses={200: s.FreelanceReviewHelpfulOutput})
    def put(self, request: Request, review_id: UUID) -> Response:
        return self._answer(request, review_id, on=True)

    @extend_schema(tags=TAGS_REVIEWS, request=None, responses={200: s.FreelanceReviewHelpfulOutput})
    def delete(self, request: Request, review_id: UUID) -> Response:
        return self._answer(request, review_id, on=False)
