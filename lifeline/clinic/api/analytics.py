"""REST endpoints of analytics: a patient's dynamics (data and chart), the comparison of two
assessments, the doctor's dashboard, the cohort (and its export) and the FHIR export."""

from __future__ import annotations

import hashlib
from uuid import UUID

from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.audit import services as audit
from lifeline.clinic import charts, exports
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
from lifeline.clinic.selectors.analytics import (
    Dynamics,
    assessment_comparison,
    cohort_summary,
    doctor_dashboard,
    hads_subscale,
    patient_dynamics,
)
from lifeline.clinic.selectors.patients import (
    patient_get_for_clinician,
    patient_get_for_documents,
)

CHART_CACHE_SECONDS = 24 * 3600


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


def dynamics_chart_svg(dynamics: Dynamics) -> str:
    from lifeline.clinic.services.conclusions import BAND_NAMES, INSTRUMENT_NAMES

    instrument = dynamics.instrument
    points: list[charts.ChartPoint] = []
    extra: list[charts.ChartPoint] = []
    for p in dynamics.points:
        if instrument == "hads":
            anxiety, _band_a = hads_subscale(p.subscores, "anxiety")
            depression, _band_d = hads_subscale(p.subscores, "depression")
            if anxiety is not None:
                points.append(charts.ChartPoint(p.measured_at, anxiety, bool(p.flags)))
            if depression is not None:
                extra.append(charts.ChartPoint(p.measured_at, depression, bool(p.flags)))
        elif p.value is not None:
            points.append(charts.ChartPoint(p.measured_at, float(p.value), bool(p.flags)))
    name = str(INSTRUMENT_NAMES.get(instrument, instrument.upper()))
    spec = charts.ChartSpec(
        title=name,
        y_label=name,
        y_max=charts.Y_MAX.get(instrument, 10),
        points=points,
        bands=charts.bands_for(instrument, {k: str(v) for k, v in BAND_NAMES.items()}),
        events=[charts.ChartEvent(e.at, e.label[:40]) for e in dynamics.events],
        series_label=str(INSTRUMENT_NAMES["hads_a"]) if instrument == "hads" else "",
        extra_points=extra,
        extra_label=str(INSTRUMENT_NAMES["hads_d"]),
    )
    # A render costs a few hundred ms; the same data gives the same picture, so cache it by
    # content (no patient id in the key; the key reveals nothing).
    key = "clinic.chart.v2." + hashlib.sha256(repr(spec).encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = charts.render_chart_svg(spec)
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return str(svg)


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
