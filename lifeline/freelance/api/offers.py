"""/api/v1/freelance/offers/: custom offers a gig's seller sends a buyer, and the buyer's
accept (an order with the offer's terms) or decline, or the seller's withdrawal."""

from __future__ import annotations

from typing import cast
from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.accounts.models import User
from lifeline.core.api.pagination import CreatedCursorPagination, paginate
from lifeline.freelance import selectors
from lifeline.freelance.api import serializers as s
from lifeline.freelance.services import flows
from lifeline.freelance.services import offers as offer_services


def _user(request: Request) -> User:
    return cast("User", request.user)


TAGS_OFFERS = ["freelance: offers"]


class OfferListApi(APIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(tags=TAGS_OFFERS, responses={200: s.FreelanceOfferOutput(many=True)})
    def get(self, request: Request) -> Response:
        """Offers the caller sent or received."""
        return paginate(
            queryset=selectors.offer_list_for(actor=request.user),
            serializer_class=s.FreelanceOfferOutput,
            request=request,
            view=self,
        )

    @extend_schema(
        tags=TAGS_OFFERS, request=s.FreelanceOfferInput, responses={201: s.FreelanceOfferOutput}
    )
    def post(self, request: Request) -> Response:
        """The gig's seller sends a buyer a custom offer (expires after 7 days by default).

        With `conversation` (the buyer's conversation about the gig; another one, or one
        outside the caller's: 404) the offer is posted there as a card message in the same
        transaction; without it, in that conversation when the buyer opened one."""
        data = s.FreelanceOfferInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        conversation = None
        conversation_id = values.pop("conversation", None)
        if conversation_id is not None:
            conversation, gig_id, buyer_id = flows.offer_conversation_get(
                actor=request.user, conversation_id=conversation_id
            )
            values.setdefault("gig", gig_id)
            values.setdefault("buyer", buyer_id)
        gig = selectors.gig_get_for(actor=request.user, gig_id=values.pop("gig"))
        offer = offer_services.offer_create(
            actor=_user(request),
            gig=gig,
            buyer_id=values.pop("buyer"),
            conversation=conversation,
            **values,
        )
        offer = selectors.offer_get_for(actor=request.user, offer_id=offer.pk)
        return Response(s.FreelanceOfferOutput(offer).data, status=status.HTTP_201_CREATED)


class OfferDetailApi(APIView):
    @extend_schema(tags=TAGS_OFFERS, responses={200: s.FreelanceOfferOutput})
    def get(self, request: Request, offer_id: UUID) -> Response:
        offer = selectors.offer_get_for(actor=request.user, offer_id=offer_id)
        return Response(s.FreelanceOfferOutput(offer).data)


class OfferAcceptApi(APIView):
    @extend_schema(tags=TAGS_OFFERS, request=None, responses={201: s.FreelanceOrderDetailOutput})
    def post(self, request: Request, offer_id: UUID) -> Response:
        """The buyer accepts: an order with the offer's terms, awaiting requirements."""
        offer = selectors.offer_get_for(actor=request.user, offer_id=offer_id)
        order = offer_services.offer_accept(actor=_user(request), offer=offer)
        order = selectors.order_get_for(actor=request.user, order_id=order.pk)
        return Response(s.FreelanceOrderDetailOutput(order).data, status=status.HTTP_201_CREATED)


class OfferDeclineApi(APIView):
    @extend_schema(tags=TAGS_OFFERS, request=None, responses={200: s.FreelanceOfferOutput})
    def post(self, request: Request, offer_id: UUID) -> Response:
        """The buyer declines."""
        offer = selectors.offer_get_for(actor=request.user, offer_id=offer_id)
        offer_services.offer_decline(actor=_user(request), offer=offer)
        offer = selectors.offer_get_for(actor=request.user, offer_id=offer_id)
        return Response(s.FreelanceOfferOutput(offer).data)


class OfferWithdrawApi(APIView):
    @extend_schema(tags=TAGS_OFFERS, request=None, responses={200: s.FreelanceOfferOutput})
    def post(self, request: Request, offer_id: UUID) -> Response:
        """The seller withdraws a pending offer."""
        offer = selectors.offer_get_for(actor=request.user, offer_id=offer_id)
        offer_services.offer_withdraw(actor=_user(request), offer=offer)
        offer = selectors.offer_get_for(actor=request.user, offer_id=offer_id)
        return Response(s.FreelanceOfferOutput(offer).data)
