"""REST endpoints of patients: the list, the record, archive and restore, the care team, and
the patient's own record (`me/record/`). Objects outside the actor's scope are 404; a
change the actor may not make is 403 (`clinic.forbidden`). Every read of a record is audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.access.enums import OrganizationKind
from lifeline.access.selectors import organization_list
from lifeline.accounts.models import User
from lifeline.audit import services as audit
from lifeline.clinic.api.common import TAGS, django_request, request_user
from lifeline.clinic.api.serializers.patients import (
    CareTeamAssignInput,
    CareTeamMemberOutput,
    MyRecordOutput,
    MyRecordUpdateInput,
    PatientCreateInput,
    PatientListFilterInput,
    PatientListOutput,
    PatientOutput,
    PatientWriteInput,
)
from lifeline.clinic.selectors.patients import (
    care_team_of,
    patient_for_user,
    patient_get_for,
    patient_list_for,
)
from lifeline.clinic.services import patients as patient_services
from lifeline.core.api.pagination import paginate
from lifeline.core.exceptions import NotFound
from lifeline.core.selectors import get_or_not_found

if TYPE_CHECKING:
    pass


class NameCursorPagination(CursorPagination):
    """Alphabetical, stable under inserts (cursor on full name + id)."""

    ordering = ("full_name", "id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class PatientListApi(APIView):
    pagination_class = NameCursorPagination

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter("q", str, description="Search by name (every word must match)."),
            OpenApiParameter("archived", bool, description="Archived records instead."),
        ],
        responses={200: PatientListOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        filters = PatientListFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return paginate(
            queryset=patient_list_for(
                actor=request_user(request),
                search=filters.validated_data.get("q", ""),
                archived=filters.validated_data["archived"],
            ),
            serializer_class=PatientListOutput,
            request=request,
            view=self,
        )

    @extend_schema(tags=TAGS, request=PatientCreateInput, responses={201: PatientOutput})
    def post(self, request: Request) -> Response:
        serializer = PatientCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = None
        org_id = data.pop("organization", None)
        if org_id is not None:
            organization = get_or_not_found(
                organization_list(kind=OrganizationKind.CLINIC, active=None), pk=org_id
            )
        patient = patient_services.patient_create(
            actor=request_user(request),
            data=data,
            organization=organization,
            request=django_request(request),
        )
        return Response(PatientOutput(patient).data, status=status.HTTP_201_CREATED)


class PatientDetailApi(APIView):
    @extend_schema(tags=TAGS, responses={200: PatientOutput})
    def get(self, request: Request, patient_id: UUID) -> Response:
        patient = patient_get_for(actor=request_user(request), patient_id=patient_id)
        audit.record_access(
            actor=request_user(request), target=patient, request=django_request(request)
        )
        return Response(PatientOutput(patient).data)

    @extend_schema(tags=TAGS, request=PatientWriteInput, responses={200: PatientOutput})
    def patch(self, request: Request, patient_id: UUID) -> Response:
        patient = patient_get_for(actor=request_user(request), patient_id=patient_id)
        serializer = PatientWriteInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        patient = patient_services.patient_update(
            actor=request_user(request),
            patient=patient,
            data=dict(serializer.validated_data),
            request=django_request(request),
        )
        return Response(PatientOutput(patient).data)


class PatientArchiveApi(APIView):
    @extend_schema(tags=TAGS, request=None, responses={200: PatientOutput})
    def post(self, request: Request, patient_id: UUID) -> Response:
        patient = patient_get_for(actor=request_user(request), patient_id=patient_id)
        patient = patient_services.patient_archive(
            actor=request_user(request), patient=patient, request=django_request(request)
        )
        return Response(PatientOutput(patient).data)


class PatientRestoreApi(APIView):
    @extend_schema(tags=TAGS, request=None, responses={200: PatientOutput})
    def post(self, request: Request, patient_id: UUID) -> Response:
        patient = patient_get_for(actor=request_user(request), patient_id=patient_id)
        patient = patient_services.patient_restore(
            actor=request_user(request), patient=patient, request=django_request(request)
        )
        return Response(PatientOutput(patient).data)


class CareTeamApi(APIView):
    @extend_schema(tags=TAGS, responses={200: CareTeamMemberOutput(many=True)})
    def get(self, request: Request, patient_id: UUID) -> Response:
        patient = patient_get_for(actor=request_user(request), patient_id=patient_id)
        members = care_team_of(patient)
        return Response(CareTeamMemberOutput(members, many=True).data)

    @extend_schema(tags=TAGS, request=CareTeamAssignInput, responses={201: CareTeamMemberOutput})
    def post(self, request: Request, patient_id: UUID) -> Response:
        patient = patient_get_for(actor=request_user(request), patient_id=patient_id)
        serializer = CareTeamAssignInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        doctor = User.objects.filter(pk=serializer.validated_data["doctor"]).first()
        if doctor is None:
            raise NotFound()
        member = patient_services.care_team_assign(
            actor=request_user(request),
            patient=patient,
            doctor=doctor,
            request=django_request(request),
        )
        return Response(CareTeamMemberOutput(member).data, status=status.HTTP_201_CREATED)


class CareTeamMemberApi(APIView):
    @extend_schema(tags=TAGS, request=None, responses={204: None})
    def delete(self, request: Request, patient_id: UUID, doctor_id: UUID) -> Response:
        patient = patient_get_for(actor=request_user(request), patient_id=patient_id)
        doctor = get_or_not_found(User.objects.all(), pk=doctor_id)
        patient_services.care_team_unassign(
            actor=request_user(request),
            patient=patient,
            doctor=doctor,
            request=django_request(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def my_record_or_404(user: User) -> Any:
    patient = patient_for_user(user)
    if patient is None:
        raise NotFound()
    return patient


def with_refused_fields(raw: Any, validated: dict[str, Any]) -> dict[str, Any]:
    """The validated input plus every field the serializer does not know (top level and in
    `clinical`), so the service refuses them by name instead of silently dropping them."""
    data = dict(validated)
    if not isinstance(raw, dict):
        return data
    known = set(MyRecordUpdateInput().fields)
    data.update({k: v for k, v in raw.items() if k not in known})
    raw_clinical = raw.get("clinical")
    if isinstance(raw_clinical, dict):
        clinical = dict(data.get("clinical") or {})
        clinical.update(
            {
                k: v
                for k, v in raw_clinical.items()
                if k not in patient_services.PATIENT_CLINICAL_FIELDS
            }
        )
        data["clinical"] = clinical
    return data


class MyRecordApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="clinic_my_record_retrieve",
        responses={
            200: MyRecordOutput,
            404: OpenApiResponse(description="not_found: the caller has no patient record"),
        },
    )
    def get(self, request: Request) -> Response:
        user = cast("User", request.user)
        patient = my_record_or_404(user)
        audit.record_access(actor=user, target=patient, request=request._request)
        return Response(MyRecordOutput(patient).data)

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_my_record_update",
        request=MyRecordUpdateInput,
        responses={
            200: MyRecordOutput,
            400: OpenApiResponse(description="clinic.patient_field_not_editable, invalid"),
            409: OpenApiResponse(description="clinic.patient_archived"),
        },
    )
    def patch(self, request: Request) -> Response:
        user = cast("User", request.user)
        my_record_or_404(user)
        serializer = MyRecordUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        patient = patient_services.patient_self_update(
            actor=user,
            data=with_refused_fields(request.data, serializer.validated_data),
            request=request._request,
        )
        return Response(MyRecordOutput(patient).data)
