"""REST endpoints of analytics: a patient's dynamics (data and chart), the comparison of two
assessments, the doctor's dashboard, the cohort (and its export) and the FHIR export."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.audit import services as audit
from lifeline.clinic import exports
from lifeline.clinic.api.common import TAGS, request_user, require_clinician
from lifeline.clinic.api.conclusions import AnyAcceptNegotiation
from lifeline.clinic.api.serializers.analytics import (
    CohortOutput,
    CompareInput,
    CompareRowOutput,
    DashboardOutput,
    DynamicsFilterInput,
    DynamicsOutput,
)
from lifeline.clinic.presentation import dynamics_chart_svg
from lifeline.clinic.selectors.analytics import (
    assessment_comparison,
    cohort_summary,
    doctor_dashboard,
    patient_dynamics,
)
from lifeline.clinic.selectors.patients import (
    patient_get_for_clinician,
    patient_get_for_documents,
)


# --- analytics ---------------------------------------------------------------------------
class PatientDynamicsApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="clinic_patient_dynamics",
        parameters=[DynamicsFilterInput],
        responses={200: DynamicsOutput},
    )
    def get(self, request: Request, patient_id: UUID) -> Response:
        actor = request_user(request)
        patient = patient_get_for_documents(actor=actor, patient_id=patient_id)
        filters = DynamicsFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        audit.record_access(
            actor=actor,
            target=patient,
            request=request._request,
            action="clinic.patient_dynamics_viewed",
        )
        dynamics = patient_dynamics(
            patient=patient, instrument=filters.validated_data["instrument"]
        )
        return Response(DynamicsOutput(dynamics).data)


class PatientDynamicsChartApi(APIView):
    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_patient_dynamics_chart",
        parameters=[DynamicsFilterInput],
        responses={(200, "image/svg+xml"): OpenApiTypes.STR},
    )
    def get(self, request: Request, patient_id: UUID) -> HttpResponse:
        actor = request_user(request)
        patient = patient_get_for_documents(actor=actor, patient_id=patient_id)
        filters = DynamicsFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        audit.record_access(
            actor=actor,
            target=patient,
            request=request._request,
            action="clinic.patient_dynamics_viewed",
        )
        dynamics = patient_dynamics(
            patient=patient, instrument=filters.validated_data["instrument"]
        )
        response = HttpResponse(dynamics_chart_svg(dynamics), content_type="image/svg+xml")
        response["Cache-Control"] = "private, no-store"
        return response


class PatientCompareApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="clinic_assessment_compare",
        parameters=[CompareInput],
        responses={200: CompareRowOutput(many=True)},
    )
    def get(self, request: Request, patient_id: UUID) -> Response:
        actor = request_user(request)
        patient = patient_get_for_documents(actor=actor, patient_id=patient_id)
        params = CompareInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        rows = assessment_comparison(
            patient=patient,
            first_id=params.validated_data["first"],
            second_id=params.validated_data["second"],
        )
        audit.record_access(
            actor=actor,
            target=patient,
            request=request._request,
            action="clinic.assessments_compared",
        )
        return Response(CompareRowOutput(rows, many=True).data)


class DashboardApi(APIView):
    @extend_schema(tags=TAGS, operation_id="clinic_dashboard", responses={200: DashboardOutput})
    def get(self, request: Request) -> Response:
        require_clinician(request)
        data = doctor_dashboard(actor=request_user(request))
        data["red_flags"] = [
            {"patient_id": r["patient_id"], "patient_name": r["patient_name"]}
            for r in data["red_flags"]
        ]
        return Response(DashboardOutput(data).data)


class CohortApi(APIView):
    @extend_schema(tags=TAGS, operation_id="clinic_cohort", responses={200: CohortOutput})
    def get(self, request: Request) -> Response:
        require_clinician(request)
        return Response(CohortOutput(cohort_summary(actor=request_user(request))).data)


class CohortExportApi(APIView):
    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_cohort_export",
        responses={(200, exports.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    def get(self, request: Request) -> HttpResponse:
        require_clinician(request)
        actor = request_user(request)
        summary = cohort_summary(actor=actor)
        audit.record(
            actor=actor,
            action="clinic.cohort_exported",
            request=request._request,
            metadata={"patients": summary["patient_count"]},
        )
        response = HttpResponse(
            exports.cohort_workbook(summary), content_type=exports.XLSX_CONTENT_TYPE
        )
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="cohort-{stamp}.xlsx"'
        response["Cache-Control"] = "private, no-store"
        return response


class PatientFhirExportApi(APIView):
    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_patient_fhir_export",
        responses={(200, "application/fhir+json"): OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, patient_id: UUID) -> HttpResponse:
        import json

        from lifeline.clinic.fhir_export import patient_bundle

        actor = request_user(request)
        patient = patient_get_for_clinician(actor=actor, patient_id=patient_id)
        bundle = patient_bundle(patient=patient)
        audit.record_access(
            actor=actor,
            target=patient,
            request=request._request,
            action="clinic.patient_fhir_exported",
        )
        response = HttpResponse(
            json.dumps(bundle, ensure_ascii=False), content_type="application/fhir+json"
        )
        response["Cache-Control"] = "private, no-store"
        return response
