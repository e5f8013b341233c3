"""REST endpoints of registration: patient invitations (create, open, accept), the current
legal documents, the list of clinics and doctor self-registration."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.access.enums import OrganizationKind
from lifeline.access.selectors import organization_list
from lifeline.accounts.services.registration import Names
from lifeline.clinic.api.common import TAGS, django_request, request_user
from lifeline.clinic.api.serializers.patients import (
    PatientOutput,
)
from lifeline.clinic.api.serializers.registration import (
    ClinicOrganizationOutput,
    DoctorRegisterInput,
    DoctorRegisterOutput,
    InvitationAcceptInput,
    InvitationCreateInput,
    InvitationOutput,
    InvitationPublicOutput,
    LegalDocumentOutput,
)
from lifeline.clinic.selectors.registration import invitation_get_by_token, legal_current
from lifeline.clinic.services import registration
from lifeline.core.api.throttling import AuthRateThrottle
from lifeline.core.selectors import get_or_not_found

if TYPE_CHECKING:
    pass


class InvitationCreateApi(APIView):
    @extend_schema(tags=TAGS, request=InvitationCreateInput, responses={201: InvitationOutput})
    def post(self, request: Request) -> Response:
        serializer = InvitationCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        organization = None
        if serializer.validated_data.get("organization"):
            organization = get_or_not_found(
                organization_list(kind=OrganizationKind.CLINIC, active=None),
                pk=serializer.validated_data["organization"],
            )
        invitation, _token = registration.invitation_create(
            actor=request_user(request),
            patient_email=serializer.validated_data["email"],
            full_name=serializer.validated_data.get("full_name", ""),
            organization=organization,
            request=django_request(request),
        )
        return Response(InvitationOutput(invitation).data, status=status.HTTP_201_CREATED)


class InvitationPublicApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        tags=TAGS,
        responses={
            200: InvitationPublicOutput,
            409: OpenApiResponse(description="clinic.invitation_not_usable"),
        },
        auth=[],
    )
    def get(self, request: Request, token: str) -> Response:
        invitation = invitation_get_by_token(token)
        return Response(InvitationPublicOutput(invitation).data)


class InvitationAcceptApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        tags=TAGS, request=InvitationAcceptInput, responses={201: PatientOutput}, auth=[]
    )
    def post(self, request: Request, token: str) -> Response:
        serializer = InvitationAcceptInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        patient = registration.invitation_accept(
            token=token,
            password=data["password"],
            names=Names(
                full_name=data.get("full_name", ""),
                first_name=data.get("first_name", ""),
                middle_name=data.get("middle_name", ""),
                last_name=data.get("last_name", ""),
            ),
            accepted_versions=data.get("accepted_versions", {}),
            actor=request.user,
            request=django_request(request),
        )
        return Response(PatientOutput(patient).data, status=status.HTTP_201_CREATED)


class LegalDocumentListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=TAGS, responses={200: LegalDocumentOutput(many=True)}, auth=[])
    def get(self, request: Request) -> Response:
        documents = sorted(legal_current().values(), key=lambda d: d.kind)
        return Response(LegalDocumentOutput(documents, many=True).data)


class ClinicOrganizationListApi(APIView):
    """Clinics a doctor may choose when registering."""

    permission_classes = [AllowAny]

    @extend_schema(tags=TAGS, responses={200: ClinicOrganizationOutput(many=True)}, auth=[])
    def get(self, request: Request) -> Response:
        clinics = organization_list(kind=OrganizationKind.CLINIC, include_demo=False).order_by(
            "name"
        )[:500]
        return Response(ClinicOrganizationOutput(clinics, many=True).data)


class DoctorRegisterApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        tags=TAGS,
        request=DoctorRegisterInput,
        responses={202: DoctorRegisterOutput},
        auth=[],
        description=(
            "Doctor self-registration. The answer is the same whether or not the address is "
            "taken; verify the e-mail code at /api/v1/accounts/verify/. The doctor membership "
            "is pending until a clinic admin approves it."
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = DoctorRegisterInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        registration.doctor_register(
            email=data["email"],
            password=data["password"],
            names=Names(
                first_name=data["first_name"],
                middle_name=data.get("middle_name", ""),
                last_name=data["last_name"],
            ),
            profile={
                key: data.get(key, "")
                for key in ("specialty", "position", "workplace", "city", "area_of_interest")
            },
            organization_id=data["organization"],
            accepted_versions=data["accepted_versions"],
            language=data.get("language", ""),
            request=django_request(request),
        )
        return Response(
            {"detail": _("Check your e-mail for the verification code.")},
            status=status.HTTP_202_ACCEPTED,
        )
