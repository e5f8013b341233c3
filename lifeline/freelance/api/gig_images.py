"""/api/v1/freelance/gigs/{id}/images/: the seller's images of their own gig (add, order,
primary, remove); another seller's gig is 404."""

from __future__ import annotations

from typing import cast
from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.accounts.models import User
from lifeline.freelance import selectors
from lifeline.freelance.api import serializers as s
from lifeline.freelance.services import images as image_services

TAGS_GIGS = ["freelance: gigs"]


def _user(request: Request) -> User:
    return cast("User", request.user)


class GigImageListApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=TAGS_GIGS,
        request={"multipart/form-data": s.FreelanceGigImageInput},
        responses={201: s.FreelanceGigImageOutput},
        description="Add an image (JPEG, PNG or WebP; re-encoded by the files service) to the "
        "caller's own gig; at most 10. Another seller's gig is 404. An active or paused gig "
        "goes back to approval (a moderator sees every picture buyers will see).",
    )
    def post(self, request: Request, gig_id: UUID) -> Response:
        gig = selectors.gig_get_for_seller(actor=request.user, gig_id=gig_id)
        data = s.FreelanceGigImageInput(data=request.data)
        data.is_valid(raise_exception=True)
        image = image_services.gig_image_add(
            actor=_user(request),
            gig=gig,
            uploaded_file=data.validated_data["file"],
            request=request._request,
        )
        return Response(s.FreelanceGigImageOutput(image).data, status=status.HTTP_201_CREATED)


class GigImageOrderApi(APIView):
    @extend_schema(
        tags=TAGS_GIGS,
        request=s.FreelanceGigImageOrderInput,
        responses={200: s.FreelanceGigImageOutput(many=True)},
        description="Put the gig's images in this order (every image exactly once).",
    )
    def put(self, request: Request, gig_id: UUID) -> Response:
        gig = selectors.gig_get_for_seller(actor=request.user, gig_id=gig_id)
        data = s.FreelanceGigImageOrderInput(data=request.data)
        data.is_valid(raise_exception=True)
        images = image_services.gig_images_reorder(
            actor=_user(request), gig=gig, image_ids=data.validated_data["images"]
        )
        return Response(s.FreelanceGigImageOutput(images, many=True).data)


class GigImageDetailApi(APIView):
    @extend_schema(
        tags=TAGS_GIGS,
        request=None,
        responses={204: None},
        description="Remove the image (the next one becomes the primary if it was). An active "
        "or paused gig goes back to approval; reordering and choosing the primary do not.",
    )
    def delete(self, request: Request, gig_id: UUID, image_id: UUID) -> Response:
        image = selectors.gig_image_get_for_seller(
            actor=request.user, gig_id=gig_id, image_id=image_id
        )
        image_services.gig_image_remove(actor=_user(request), image=image)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GigImagePrimaryApi(APIView):
    @extend_schema(tags=TAGS_GIGS, request=None, responses={200: s.FreelanceGigImageOutput})
    def post(self, request: Request, gig_id: UUID, image_id: UUID) -> Response:
        image = selectors.gig_image_get_for_seller(
            actor=request.user, gig_id=gig_id, image_id=image_id
        )
        image = image_services.gig_image_make_primary(actor=_user(request), image=image)
        return Response(s.FreelanceGigImageOutput(image).data)
