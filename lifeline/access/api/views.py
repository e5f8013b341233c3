"""Organizations and memberships. Out-of-scope ids are 404; non-managers get 403.

Error codes: `access.forbidden` (403), `access.self_grant_forbidden` (403),
`access.role_not_allowed` (400, `errors.role`), `access.invitation_required` (400,
`errors.user_id`: the person is not a member here, or no such user), `access.membership_exists`
(409), `access.membership_revoked` (409), `access.last_admin` (409).
"""

from __future__ import annotations

from uuid import UUID

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.access import selectors, services
from lifeline.access.api.serializers import (
    MembershipGrantInput,
    MembershipOutput,
    OrganizationOutput,
)
from lifeline.access.models import Organization
from lifeline.access.permissions import can_manage_members
from lifeline.accounts.models import User
from lifeline.core.api.pagination import TableLimitOffsetPagination, paginate
from lifeline.core.exceptions import InvalidInput

TAGS = ["access"]


def _managed_organization(request: Request, organization_id: UUID) -> Organization:
    organization = selectors.organization_get_for(
        actor=request.user, organization_id=organization_id
    )
    if not can_manage_members(request.user, organization):
        raise PermissionDenied()
    return organization


class OrganizationListApi(APIView):
    pagination_class = TableLimitOffsetPagination

    @extend_schema(tags=TAGS, responses={200: OrganizationOutput(many=True)})
    def get(self, request: Request) -> Response:
        return paginate(
            queryset=selectors.organization_list_for(actor=request.user).order_by("name", "id"),
            serializer_class=OrganizationOutput,
            request=request,
            view=self,
        )


class OrganizationDetailApi(APIView):
    @extend_schema(tags=TAGS, responses={200: OrganizationOutput})
    def get(self, request: Request, organization_id: UUID) -> Response:
        organization = selectors.organization_get_for(
            actor=request.user, organization_id=organization_id
        )
        return Response(OrganizationOutput(organization).data)


class MembershipListApi(APIView):
    """GET lists the memberships (member managers only); POST grants one."""

    pagination_class = TableLimitOffsetPagination

    @extend_schema(
        tags=TAGS,
        operation_id="access_organization_memberships_list",
        responses={200: MembershipOutput(many=True)},
    )
    def get(self, request: Request, organization_id: UUID) -> Response:
        organization = _managed_organization(request, organization_id)
        return paginate(
            queryset=selectors.membership_list_for(actor=request.user, organization=organization),
            serializer_class=MembershipOutput,
            request=request,
            view=self,
        )

    @extend_schema(
        tags=TAGS,
        operation_id="access_organization_memberships_grant",
        request=MembershipGrantInput,
        responses={
            201: MembershipOutput,
            400: OpenApiResponse(
                description="validation_error, access.role_not_allowed, access.invitation_required"
            ),
            403: OpenApiResponse(description="access.forbidden, access.self_grant_forbidden"),
            409: OpenApiResponse(description="access.membership_exists"),
        },
    )
    def post(self, request: Request, organization_id: UUID) -> Response:
        organization = _managed_organization(request, organization_id)
        data = MembershipGrantInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = User.objects.filter(pk=data.validated_data["user_id"]).first()
        role = data.validated_data["role"]
        if user is None:
            # An unknown id is refused as a non-member would be (platform admins are told).
            services.membership_grant_check(
                actor=request.user, organization=organization, user=None, role=role
            )
            raise InvalidInput(errors={"user_id": [_("No such user.")]})
        membership = services.membership_grant(
            actor=request.user,
            organization=organization,
            user=user,
            role=role,
            request=request._request,
        )
        return Response(MembershipOutput(membership).data, status=status.HTTP_201_CREATED)


class MembershipApproveApi(APIView):
    @extend_schema(
        tags=TAGS,
        request=None,
        responses={
            200: MembershipOutput,
            400: OpenApiResponse(description="access.role_not_allowed"),
            403: OpenApiResponse(description="access.forbidden, access.self_grant_forbidden"),
            409: OpenApiResponse(description="access.membership_revoked"),
        },
    )
    def post(self, request: Request, organization_id: UUID, membership_id: int) -> Response:
        organization = _managed_organization(request, organization_id)
        membership = selectors.membership_get_for(
            actor=request.user, organization=organization, membership_id=membership_id
        )
        membership = services.membership_approve(
            actor=request.user, membership=membership, request=request._request
        )
        return Response(MembershipOutput(membership).data)


class MembershipRevokeApi(APIView):
    @extend_schema(
        tags=TAGS,
        request=None,
        responses={
            200: MembershipOutput,
            403: OpenApiResponse(description="access.forbidden"),
            409: OpenApiResponse(description="access.last_admin"),
        },
    )
    def post(self, request: Request, organization_id: UUID, membership_id: int) -> Response:
        organization = _managed_organization(request, organization_id)
        membership = selectors.membership_get_for(
            actor=request.user, organization=organization, membership_id=membership_id
        )
        membership = services.membership_revoke(
            actor=request.user, membership=membership, request=request._request
        )
        return Response(MembershipOutput(membership).data)
