"""Clinic care API: patients, care teams, invitations, doctor registration, assessments.

Objects outside the caller's scope are 404 (selectors); visible ones the caller may not
change are 403 (`clinic.forbidden`). Every read of a patient record, an assessment or an
evaluation is audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.access.enums import OrganizationKind
from lifeline.access.models import Organization
from lifeline.accounts.models import User
from lifeline.accounts.services.registration import Names
from lifeline.audit import services as audit
from lifeline.clinic.api.care_serializers import (
    AssessmentAutosaveInput,
    AssessmentListOutput,
    AssessmentOutput,
    AssessmentStartInput,
    CareTeamAssignInput,
    CareTeamMemberOutput,
    ClinicOrganizationOutput,
    DoctorRegisterInput,
    DoctorRegisterOutput,
    EvaluationOutput,
    InvitationAcceptInput,
    InvitationCreateInput,
    InvitationOutput,
    InvitationPublicOutput,
    LabelDecisionInput,
    LabelDecisionOutput,
    LegalDocumentOutput,
    PatientCreateInput,
    PatientListFilterInput,
    PatientListOutput,
    PatientOutput,
    PatientWriteInput,
    SuggestionDecisionInput,
    SuggestionDecisionOutput,
)
from lifeline.clinic.enums import AssessmentStatus
from lifeline.clinic.models.assessments import Assessment
from lifeline.clinic.selectors.assessments import (
    assessment_get_for,
    assessment_list_for,
    evaluation_get_for,
)
from lifeline.clinic.selectors.patients import care_team_of, patient_get_for, patient_list_for
from lifeline.clinic.services import assessments as assessment_services
from lifeline.clinic.services import labels as label_services
from lifeline.clinic.services import patients as patient_services
from lifeline.clinic.services import registration
from lifeline.core.api.pagination import CreatedCursorPagination, paginate
from lifeline.core.api.throttling import AuthRateThrottle
from lifeline.core.exceptions import NotFound
from lifeline.core.selectors import get_or_not_found

if TYPE_CHECKING:
    from django.http import HttpRequest

TAGS = ["clinic"]


def _user(request: Request) -> User:
    return cast("User", request.user)


def _http(request: Request) -> HttpRequest:
    return cast("HttpRequest", request._request)


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
                actor=_user(request),
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
                Organization.objects.filter(kind=OrganizationKind.CLINIC), pk=org_id
            )
        patient = patient_services.patient_create(
            actor=_user(request), data=data, organization=organization, request=_http(request)
        )
        return Response(PatientOutput(patient).data, status=status.HTTP_201_CREATED)


class PatientDetailApi(APIView):
    @extend_schema(tags=TAGS, responses={200: PatientOutput})
    def get(self, request: Request, patient_id: UUID) -> Response:
        patient = patient_get_for(actor=_user(request), patient_id=patient_id)
        audit.record_access(actor=_user(request), target=patient, request=_http(request))
        return Response(PatientOutput(patient).data)

    @extend_schema(tags=TAGS, request=PatientWriteInput, responses={200: PatientOutput})
    def patch(self, request: Request, patient_id: UUID) -> Response:
        patient = patient_get_for(actor=_user(request), patient_id=patient_id)
        serializer = PatientWriteInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        patient = patient_services.patient_update(
            actor=_user(request),
            patient=patient,
            data=dict(serializer.validated_data),
            request=_http(request),
        )
        return Response(PatientOutput(patient).data)


class PatientArchiveApi(APIView):
    @extend_schema(tags=TAGS, request=None, responses={200: PatientOutput})
    def post(self, request: Request, patient_id: UUID) -> Response:
        patient = patient_get_for(actor=_user(request), patient_id=patient_id)
        patient = patient_services.patient_archive(
            actor=_user(request), patient=patient, request=_http(request)
        )
        return Response(PatientOutput(patient).data)


class PatientRestoreApi(APIView):
    @extend_schema(tags=TAGS, request=None, responses={200: PatientOutput})
    def post(self, request: Request, patient_id: UUID) -> Response:
        patient = patient_get_for(actor=_user(request), patient_id=patient_id)
        patient = patient_services.patient_restore(
            actor=_user(request), patient=patient, request=_http(request)
        )
        return Response(PatientOutput(patient).data)


class CareTeamApi(APIView):
    @extend_schema(tags=TAGS, responses={200: CareTeamMemberOutput(many=True)})
    def get(self, request: Request, patient_id: UUID) -> Response:
        patient = patient_get_for(actor=_user(request), patient_id=patient_id)
        members = care_team_of(patient)
        return Response(CareTeamMemberOutput(members, many=True).data)

    @extend_schema(tags=TAGS, request=CareTeamAssignInput, responses={201: CareTeamMemberOutput})
    def post(self, request: Request, patient_id: UUID) -> Response:
        patient = patient_get_for(actor=_user(request), patient_id=patient_id)
        serializer = CareTeamAssignInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        doctor = User.objects.filter(pk=serializer.validated_data["doctor"]).first()
        if doctor is None:
            raise NotFound()
        member = patient_services.care_team_assign(
            actor=_user(request), patient=patient, doctor=doctor, request=_http(request)
        )
        return Response(CareTeamMemberOutput(member).data, status=status.HTTP_201_CREATED)


class CareTeamMemberApi(APIView):
    @extend_schema(tags=TAGS, request=None, responses={204: None})
    def delete(self, request: Request, patient_id: UUID, doctor_id: UUID) -> Response:
        patient = patient_get_for(actor=_user(request), patient_id=patient_id)
        doctor = get_or_not_found(User.objects.all(), pk=doctor_id)
        patient_services.care_team_unassign(
            actor=_user(request), patient=patient, doctor=doctor, request=_http(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _assessment_queryset() -> Any:
    return Assessment.objects.select_related("patient", "evaluation").prefetch_related("scores")


class PatientAssessmentListApi(APIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(
        tags=TAGS,
        parameters=[OpenApiParameter("status", str, enum=AssessmentStatus.values)],
        responses={200: AssessmentListOutput(many=True)},
    )
    def get(self, request: Request, patient_id: UUID) -> Response:
        patient = patient_get_for(actor=_user(request), patient_id=patient_id)
        status_filter = request.query_params.get("status", "")
        if status_filter not in ("", *AssessmentStatus.values):
            status_filter = "__none__"
        audit.record_access(
            actor=_user(request),
            target=patient,
            request=_http(request),
            action="clinic.assessment_list_viewed",
        )
        return paginate(
            queryset=assessment_list_for(
                actor=_user(request), patient=patient, status=status_filter
            ),
            serializer_class=AssessmentListOutput,
            request=request,
            view=self,
        )

    @extend_schema(
        tags=TAGS,
        request=AssessmentStartInput,
        responses={201: AssessmentOutput, 200: AssessmentOutput},
        description="Start a session; an open session with the same instruments is resumed (200).",
    )
    def post(self, request: Request, patient_id: UUID) -> Response:
        patient = patient_get_for(actor=_user(request), patient_id=patient_id)
        serializer = AssessmentStartInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        prefill = None
        if data.get("prefill_from"):
            prefill = get_or_not_found(
                Assessment.objects.filter(patient=patient), pk=data["prefill_from"]
            )
        assessment, created = assessment_services.assessment_start(
            actor=_user(request),
            patient=patient,
            instruments=data.get("instruments"),
            mode=data.get("mode"),
            respondent=data.get("respondent"),
            administration=data.get("administration"),
            language=data.get("language", _user(request).language or "ru"),
            prefill_from=prefill,
            request=_http(request),
        )
        assessment = _assessment_queryset().get(pk=assessment.pk)
        return Response(
            AssessmentOutput(assessment).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class AssessmentDetailApi(APIView):
    @extend_schema(tags=TAGS, responses={200: AssessmentOutput})
    def get(self, request: Request, assessment_id: UUID) -> Response:
        assessment = assessment_get_for(actor=_user(request), assessment_id=assessment_id)
        audit.record_access(actor=_user(request), target=assessment, request=_http(request))
        return Response(AssessmentOutput(_assessment_queryset().get(pk=assessment.pk)).data)

    @extend_schema(
        tags=TAGS,
        request=AssessmentAutosaveInput,
        responses={200: AssessmentOutput},
        description="Autosave: merge answers (null clears an answer) and the resume position.",
    )
    def patch(self, request: Request, assessment_id: UUID) -> Response:
        assessment = assessment_get_for(actor=_user(request), assessment_id=assessment_id)
        serializer = AssessmentAutosaveInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = assessment_services.assessment_autosave(
            actor=_user(request),
            assessment=assessment,
            answers=serializer.validated_data.get("answers", {}),
            position=serializer.validated_data.get("position"),
        )
        return Response(AssessmentOutput(_assessment_queryset().get(pk=assessment.pk)).data)


class AssessmentSubmitApi(APIView):
    @extend_schema(tags=TAGS, request=None, responses={200: AssessmentOutput})
    def post(self, request: Request, assessment_id: UUID) -> Response:
        assessment = assessment_get_for(actor=_user(request), assessment_id=assessment_id)
        assessment_services.assessment_submit(
            actor=_user(request), assessment=assessment, request=_http(request)
        )
        return Response(AssessmentOutput(_assessment_queryset().get(pk=assessment.pk)).data)


class EvaluationDetailApi(APIView):
    @extend_schema(tags=TAGS, responses={200: EvaluationOutput})
    def get(self, request: Request, evaluation_id: UUID) -> Response:
        evaluation = evaluation_get_for(actor=_user(request), evaluation_id=evaluation_id)
        audit.record_access(actor=_user(request), target=evaluation, request=_http(request))
        return Response(EvaluationOutput(evaluation).data)


class EvaluationDecisionApi(APIView):
    @extend_schema(
        tags=TAGS, request=SuggestionDecisionInput, responses={201: SuggestionDecisionOutput}
    )
    def post(self, request: Request, evaluation_id: UUID) -> Response:
        evaluation = evaluation_get_for(actor=_user(request), evaluation_id=evaluation_id)
        serializer = SuggestionDecisionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = assessment_services.decision_record(
            actor=_user(request),
            evaluation=evaluation,
            request=_http(request),
            **serializer.validated_data,
        )
        return Response(SuggestionDecisionOutput(decision).data, status=status.HTTP_201_CREATED)


class EvaluationLabelDecisionApi(APIView):
    @extend_schema(
        tags=TAGS,
        request=LabelDecisionInput,
        responses={201: LabelDecisionOutput},
        description=(
            "Confirm or reject one mechanism label of the evaluation (append-only; the latest "
            "decision per label is current). Rejecting needs a reason. Only a doctor of the "
            "patient's care team may decide; only confirmed labels are exported as FHIR "
            "Conditions."
        ),
    )
    def post(self, request: Request, evaluation_id: UUID, code: str) -> Response:
        evaluation = evaluation_get_for(actor=_user(request), evaluation_id=evaluation_id)
        serializer = LabelDecisionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = label_services.label_decision_record(
            actor=_user(request),
            evaluation=evaluation,
            code=code,
            request=_http(request),
            **serializer.validated_data,
        )
        return Response(LabelDecisionOutput(decision).data, status=status.HTTP_201_CREATED)


class InvitationCreateApi(APIView):
    @extend_schema(tags=TAGS, request=InvitationCreateInput, responses={201: InvitationOutput})
    def post(self, request: Request) -> Response:
        serializer = InvitationCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        organization = None
        if serializer.validated_data.get("organization"):
            organization = get_or_not_found(
                Organization.objects.filter(kind=OrganizationKind.CLINIC),
                pk=serializer.validated_data["organization"],
            )
        invitation, _token = registration.invitation_create(
            actor=_user(request),
            patient_email=serializer.validated_data["email"],
            full_name=serializer.validated_data.get("full_name", ""),
            organization=organization,
            request=_http(request),
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
        invitation = registration.invitation_get_by_token(token)
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
            request=_http(request),
        )
        return Response(PatientOutput(patient).data, status=status.HTTP_201_CREATED)


class LegalDocumentListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=TAGS, responses={200: LegalDocumentOutput(many=True)}, auth=[])
    def get(self, request: Request) -> Response:
        documents = sorted(registration.legal_current().values(), key=lambda d: d.kind)
        return Response(LegalDocumentOutput(documents, many=True).data)


class ClinicOrganizationListApi(APIView):
    """Clinics a doctor may choose when registering."""

    permission_classes = [AllowAny]

    @extend_schema(tags=TAGS, responses={200: ClinicOrganizationOutput(many=True)}, auth=[])
    def get(self, request: Request) -> Response:
        clinics = Organization.objects.filter(
            kind=OrganizationKind.CLINIC, is_active=True, is_demo=False
        ).order_by("name")[:500]
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
            request=_http(request),
        )
        return Response(
            {"detail": _("Check your e-mail for the verification code.")},
            status=status.HTTP_202_ACCEPTED,
        )
