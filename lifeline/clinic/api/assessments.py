"""REST endpoints of assessments and evaluations: start, autosave and submit an assessment,
read an evaluation, record suggestion and label decisions. Every read is audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.audit import services as audit
from lifeline.clinic.api.common import TAGS, django_request, request_user
from lifeline.clinic.api.serializers.assessments import (
    AssessmentAutosaveInput,
    AssessmentListOutput,
    AssessmentOutput,
    AssessmentStartInput,
    EvaluationOutput,
    LabelDecisionInput,
    LabelDecisionOutput,
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
from lifeline.clinic.selectors.patients import patient_get_for
from lifeline.clinic.services import assessments as assessment_services
from lifeline.clinic.services import labels as label_services
from lifeline.core.api.pagination import CreatedCursorPagination, paginate
from lifeline.core.selectors import get_or_not_found

if TYPE_CHECKING:
    pass


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
        patient = patient_get_for(actor=request_user(request), patient_id=patient_id)
        status_filter = request.query_params.get("status", "")
        if status_filter not in ("", *AssessmentStatus.values):
            status_filter = "__none__"
        audit.record_access(
            actor=request_user(request),
            target=patient,
            request=django_request(request),
            action="clinic.assessment_list_viewed",
        )
        return paginate(
            queryset=assessment_list_for(
                actor=request_user(request), patient=patient, status=status_filter
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
        patient = patient_get_for(actor=request_user(request), patient_id=patient_id)
        serializer = AssessmentStartInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        prefill = None
        if data.get("prefill_from"):
            prefill = get_or_not_found(
                Assessment.objects.filter(patient=patient), pk=data["prefill_from"]
            )
        assessment, created = assessment_services.assessment_start(
            actor=request_user(request),
            patient=patient,
            instruments=data.get("instruments"),
            mode=data.get("mode"),
            respondent=data.get("respondent"),
            administration=data.get("administration"),
            language=data.get("language", request_user(request).language or "ru"),
            prefill_from=prefill,
            request=django_request(request),
        )
        assessment = _assessment_queryset().get(pk=assessment.pk)
        return Response(
            AssessmentOutput(assessment).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class AssessmentDetailApi(APIView):
    @extend_schema(tags=TAGS, responses={200: AssessmentOutput})
    def get(self, request: Request, assessment_id: UUID) -> Response:
        assessment = assessment_get_for(actor=request_user(request), assessment_id=assessment_id)
        audit.record_access(
            actor=request_user(request), target=assessment, request=django_request(request)
        )
        return Response(AssessmentOutput(_assessment_queryset().get(pk=assessment.pk)).data)

    @extend_schema(
        tags=TAGS,
        request=AssessmentAutosaveInput,
        responses={200: AssessmentOutput},
        description="Autosave: merge answers (null clears an answer) and the resume position.",
    )
    def patch(self, request: Request, assessment_id: UUID) -> Response:
        assessment = assessment_get_for(actor=request_user(request), assessment_id=assessment_id)
        serializer = AssessmentAutosaveInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = assessment_services.assessment_autosave(
            actor=request_user(request),
            assessment=assessment,
            answers=serializer.validated_data.get("answers", {}),
            position=serializer.validated_data.get("position"),
        )
        return Response(AssessmentOutput(_assessment_queryset().get(pk=assessment.pk)).data)


class AssessmentSubmitApi(APIView):
    @extend_schema(tags=TAGS, request=None, responses={200: AssessmentOutput})
    def post(self, request: Request, assessment_id: UUID) -> Response:
        assessment = assessment_get_for(actor=request_user(request), assessment_id=assessment_id)
        assessment_services.assessment_submit(
            actor=request_user(request), assessment=assessment, request=django_request(request)
        )
        return Response(AssessmentOutput(_assessment_queryset().get(pk=assessment.pk)).data)


class EvaluationDetailApi(APIView):
    @extend_schema(tags=TAGS, responses={200: EvaluationOutput})
    def get(self, request: Request, evaluation_id: UUID) -> Response:
        evaluation = evaluation_get_for(actor=request_user(request), evaluation_id=evaluation_id)
        audit.record_access(
            actor=request_user(request), target=evaluation, request=django_request(request)
        )
        return Response(EvaluationOutput(evaluation).data)


class EvaluationDecisionApi(APIView):
    @extend_schema(
        tags=TAGS, request=SuggestionDecisionInput, responses={201: SuggestionDecisionOutput}
    )
    def post(self, request: Request, evaluation_id: UUID) -> Response:
        evaluation = evaluation_get_for(actor=request_user(request), evaluation_id=evaluation_id)
        serializer = SuggestionDecisionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = assessment_services.decision_record(
            actor=request_user(request),
            evaluation=evaluation,
            request=django_request(request),
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
        evaluation = evaluation_get_for(actor=request_user(request), evaluation_id=evaluation_id)
        serializer = LabelDecisionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = label_services.label_decision_record(
            actor=request_user(request),
            evaluation=evaluation,
            code=code,
            request=django_request(request),
            **serializer.validated_data,
        )
        return Response(LabelDecisionOutput(decision).data, status=status.HTTP_201_CREATED)
