"""REST endpoints of the documents part. Error codes: clinic.forbidden (403),
clinic.conclusion_invalid (400), clinic.protocol_invalid (400), clinic.protocol_read_only (403),
clinic.conclusion_not_draft / clinic.conclusion_not_issued
(409), clinic.article_invalid (400), not_found (404 for anything outside the caller's scope).
"""

from __future__ import annotations

import hashlib
from typing import Any, cast
from uuid import UUID

from django.core.cache import cache
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.accounts.models import User
from lifeline.audit import services as audit
from lifeline.clinic import charts, exports
from lifeline.clinic.api.documents_serializers import (
    ArticleCreateInput,
    ArticleFilterInput,
    ArticleOutput,
    ArticleUpdateInput,
    CatalogueFilterInput,
    CatalogueItemOutput,
    CatalogueNoteInput,
    CatalogueNoteOutput,
    CohortOutput,
    CompareInput,
    CompareRowOutput,
    ConclusionCreateInput,
    ConclusionOutput,
    ConclusionUpdateInput,
    ConclusionVersionOutput,
    DashboardOutput,
    DynamicsFilterInput,
    DynamicsOutput,
    FollowUpTaskOutput,
    ProtocolCopyInput,
    ProtocolCreateInput,
    ProtocolFilterInput,
    ProtocolOutput,
    ProtocolUpdateInput,
    ScheduleCreateInput,
    ScheduledAssessmentOutput,
    ScheduleOutput,
)
from lifeline.clinic.exceptions import DocumentsForbidden
from lifeline.clinic.models.protocols import FollowUpTask
from lifeline.clinic.permissions import is_clinician
from lifeline.clinic.selectors.analytics import (
    Dynamics,
    assessment_comparison,
    cohort_summary,
    doctor_dashboard,
    hads_subscale,
    patient_dynamics,
)
from lifeline.clinic.selectors.assessments import evaluation_get_for_action
from lifeline.clinic.selectors.catalogue import (
    article_get_for,
    article_list_for,
    catalogue_item_get,
    catalogue_list,
)
from lifeline.clinic.selectors.conclusions import (
    conclusion_get_for,
    conclusion_list_for,
    conclusion_version_get_for,
)
from lifeline.clinic.selectors.patients import (
    patient_get_for_clinician,
    patient_get_for_documents,
    raise_not_found,
)
from lifeline.clinic.selectors.protocols import (
    follow_up_task_list_for,
    protocol_get_for,
    protocol_list_for,
    protocols_for_patient,
    scheduled_assessment_list,
)
from lifeline.clinic.services import protocols as protocol_services
from lifeline.clinic.services.catalogue import (
    article_create,
    article_delete,
    article_set_published,
    article_update,
    catalogue_note_set,
)
from lifeline.clinic.services.conclusions import (
    ConclusionItemInput,
    conclusion_amend,
    conclusion_create,
    conclusion_issue,
    conclusion_update,
)
from lifeline.clinic.services.protocols import follow_up_task_done, schedule_create
from lifeline.core.api.pagination import (
    CreatedCursorPagination,
    TableLimitOffsetPagination,
    paginate,
)
from lifeline.core.selectors import get_or_not_found
from lifeline.files import services as files

TAGS = ["clinic"]
CHART_CACHE_SECONDS = 24 * 3600


class _AnyAccept(BaseContentNegotiation):
    """Binary downloads (PDF, SVG, xlsx, FHIR JSON) answer whatever `Accept` says."""

    def select_parser(self, request, parsers):  # type: ignore[no-untyped-def]
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):  # type: ignore[no-untyped-def]
        return (renderers[0], renderers[0].media_type)


def _user(request: Request) -> User:
    return cast("User", request.user)


def _items(data: list[dict[str, Any]]) -> list[ConclusionItemInput]:
    return [ConclusionItemInput(**item) for item in data]


def _require_clinician(request: Request) -> None:
    if not is_clinician(_user(request)):
        raise DocumentsForbidden()


# --- conclusions -------------------------------------------------------------------------
class PatientConclusionListApi(APIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_conclusion_list",
        responses={200: ConclusionOutput(many=True)},
    )
    def get(self, request: Request, patient_id: UUID) -> Response:
        actor = _user(request)
        patient = patient_get_for_documents(actor=actor, patient_id=patient_id)
        audit.record_access(
            actor=actor,
            target=patient,
            request=request._request,
            action="clinic.conclusions_viewed",
        )
        return paginate(
            queryset=conclusion_list_for(actor=actor, patient=patient),
            serializer_class=ConclusionOutput,
            request=request,
            view=self,
        )

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_conclusion_create",
        request=ConclusionCreateInput,
        responses={
            201: ConclusionOutput,
            400: OpenApiResponse(description="clinic.conclusion_invalid"),
            403: OpenApiResponse(description="clinic.forbidden"),
        },
    )
    def post(self, request: Request, patient_id: UUID) -> Response:
        actor = _user(request)
        patient = patient_get_for_documents(actor=actor, patient_id=patient_id)
        serializer = ConclusionCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        evaluation = None
        if data["evaluation_id"] is not None:
            evaluation = evaluation_get_for_action(actor=actor, evaluation_id=data["evaluation_id"])
        conclusion = conclusion_create(
            actor=actor,
            patient=patient,
            evaluation=evaluation,
            items=_items(data["items"]),
            free_text=data["free_text"],
            language=data.get("language") or (get_language() or "ru")[:2],
            request=request._request,
        )
        conclusion = conclusion_get_for(actor=actor, conclusion_id=conclusion.pk)
        return Response(ConclusionOutput(conclusion).data, status=status.HTTP_201_CREATED)


class ConclusionDetailApi(APIView):
    @extend_schema(
        tags=TAGS, operation_id="clinic_conclusion_retrieve", responses={200: ConclusionOutput}
    )
    def get(self, request: Request, conclusion_id: UUID) -> Response:
        actor = _user(request)
        conclusion = conclusion_get_for(actor=actor, conclusion_id=conclusion_id)
        audit.record_access(actor=actor, target=conclusion, request=request._request)
        return Response(ConclusionOutput(conclusion).data)

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_conclusion_update",
        request=ConclusionUpdateInput,
        responses={
            200: ConclusionOutput,
            409: OpenApiResponse(description="clinic.conclusion_not_draft"),
        },
    )
    def patch(self, request: Request, conclusion_id: UUID) -> Response:
        actor = _user(request)
        conclusion = conclusion_get_for(actor=actor, conclusion_id=conclusion_id)
        serializer = ConclusionUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        conclusion_update(
            actor=actor,
            conclusion=conclusion,
            items=_items(data["items"]) if "items" in data else None,
            free_text=data.get("free_text"),
            request=request._request,
        )
        conclusion = conclusion_get_for(actor=actor, conclusion_id=conclusion_id)
        return Response(ConclusionOutput(conclusion).data)


class ConclusionIssueApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="clinic_conclusion_issue",
        request=None,
        responses={
            201: ConclusionVersionOutput,
            409: OpenApiResponse(description="clinic.conclusion_not_draft"),
        },
    )
    def post(self, request: Request, conclusion_id: UUID) -> Response:
        actor = _user(request)
        conclusion = conclusion_get_for(actor=actor, conclusion_id=conclusion_id)
        version = conclusion_issue(actor=actor, conclusion=conclusion, request=request._request)
        return Response(ConclusionVersionOutput(version).data, status=status.HTTP_201_CREATED)


class ConclusionAmendApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="clinic_conclusion_amend",
        request=None,
        responses={
            200: ConclusionOutput,
            409: OpenApiResponse(description="clinic.conclusion_not_issued"),
        },
    )
    def post(self, request: Request, conclusion_id: UUID) -> Response:
        actor = _user(request)
        conclusion = conclusion_get_for(actor=actor, conclusion_id=conclusion_id)
        conclusion_amend(actor=actor, conclusion=conclusion, request=request._request)
        conclusion = conclusion_get_for(actor=actor, conclusion_id=conclusion_id)
        return Response(ConclusionOutput(conclusion).data)


def conclusion_pdf_response(
    *, actor: User, conclusion_id: UUID, number: int, request: Any
) -> FileResponse:
    """The PDF of one issued version, streamed through the files service (audited)."""
    version = conclusion_version_get_for(actor=actor, conclusion_id=conclusion_id, number=number)
    if version.pdf is None:
        raise_not_found()
    assert version.pdf is not None  # noqa: S101 - narrowed above
    handle = files.file_download(actor=actor, file=version.pdf, request=request)
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="conclusion-{version.conclusion_id}-v{version.number}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class ConclusionPdfApi(APIView):
    content_negotiation_class = _AnyAccept

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_conclusion_pdf",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, conclusion_id: UUID, number: int) -> FileResponse:
        return conclusion_pdf_response(
            actor=_user(request),
            conclusion_id=conclusion_id,
            number=number,
            request=request._request,
        )


# --- catalogue ---------------------------------------------------------------------------
class CatalogueListApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="clinic_catalogue_list",
        parameters=[CatalogueFilterInput],
        responses={200: CatalogueItemOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        _require_clinician(request)
        filters = CatalogueFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        items = catalogue_list(
            actor=_user(request), kind=data["kind"], query=data["q"], rule_id=data["rule_id"]
        )
        return Response(CatalogueItemOutput(items, many=True).data)


class CatalogueItemApi(APIView):
    @extend_schema(
        tags=TAGS, operation_id="clinic_catalogue_retrieve", responses={200: CatalogueItemOutput}
    )
    def get(self, request: Request, code: str) -> Response:
        _require_clinician(request)
        item = catalogue_item_get(actor=_user(request), code=code)
        return Response(CatalogueItemOutput(item).data)


class CatalogueNoteApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="clinic_catalogue_note_set",
        request=CatalogueNoteInput,
        responses={200: CatalogueNoteOutput},
    )
    def put(self, request: Request, code: str) -> Response:
        _require_clinician(request)
        item = catalogue_item_get(actor=_user(request), code=code)
        serializer = CatalogueNoteInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = catalogue_note_set(
            doctor=_user(request), item=item, text=serializer.validated_data["text"]
        )
        return Response({"code": item.code, "text": note.text if note else ""})


# --- articles ----------------------------------------------------------------------------
class ArticleListApi(APIView):
    pagination_class = TableLimitOffsetPagination

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_article_list",
        parameters=[ArticleFilterInput],
        responses={200: ArticleOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        filters = ArticleFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return paginate(
            queryset=article_list_for(
                actor=_user(request), include_drafts=filters.validated_data["drafts"]
            ),
            serializer_class=ArticleOutput,
            request=request,
            view=self,
        )

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_article_create",
        request=ArticleCreateInput,
        responses={201: ArticleOutput, 403: OpenApiResponse(description="clinic.forbidden")},
    )
    def post(self, request: Request) -> Response:
        serializer = ArticleCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        article = article_create(actor=_user(request), **serializer.validated_data)
        return Response(ArticleOutput(article).data, status=status.HTTP_201_CREATED)


class ArticleDetailApi(APIView):
    @extend_schema(
        tags=TAGS, operation_id="clinic_article_retrieve", responses={200: ArticleOutput}
    )
    def get(self, request: Request, article_id: UUID) -> Response:
        article = article_get_for(actor=_user(request), article_id=article_id)
        return Response(ArticleOutput(article).data)

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_article_update",
        request=ArticleUpdateInput,
        responses={200: ArticleOutput},
    )
    def patch(self, request: Request, article_id: UUID) -> Response:
        article = article_get_for(actor=_user(request), article_id=article_id)
        serializer = ArticleUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        article = article_update(actor=_user(request), article=article, **serializer.validated_data)
        return Response(ArticleOutput(article).data)

    @extend_schema(tags=TAGS, operation_id="clinic_article_delete", responses={204: None})
    def delete(self, request: Request, article_id: UUID) -> Response:
        article = article_get_for(actor=_user(request), article_id=article_id)
        article_delete(actor=_user(request), article=article)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ArticlePublishApi(APIView):
    published = True

    @extend_schema(tags=TAGS, request=None, responses={200: ArticleOutput})
    def post(self, request: Request, article_id: UUID) -> Response:
        article = article_get_for(actor=_user(request), article_id=article_id)
        article = article_set_published(
            actor=_user(request), article=article, published=self.published
        )
        return Response(ArticleOutput(article).data)


class ArticleUnpublishApi(ArticlePublishApi):
    published = False


# --- schedules ---------------------------------------------------------------------------
class ProtocolListApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="clinic_protocol_list",
        parameters=[ProtocolFilterInput],
        responses={200: ProtocolOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        _require_clinician(request)
        filters = ProtocolFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        templates = protocol_list_for(
            actor=_user(request), include_inactive=filters.validated_data["include_inactive"]
        )
        return Response(ProtocolOutput(templates, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_protocol_create",
        request=ProtocolCreateInput,
        responses={
            201: ProtocolOutput,
            400: OpenApiResponse(description="clinic.protocol_invalid"),
            403: OpenApiResponse(description="clinic.forbidden"),
        },
    )
    def post(self, request: Request) -> Response:
        _require_clinician(request)
        serializer = ProtocolCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = protocol_services.protocol_create(
            actor=_user(request), request=request._request, **serializer.validated_data
        )
        return Response(ProtocolOutput(template).data, status=status.HTTP_201_CREATED)


class ProtocolDetailApi(APIView):
    @extend_schema(
        tags=TAGS, operation_id="clinic_protocol_retrieve", responses={200: ProtocolOutput}
    )
    def get(self, request: Request, code: str) -> Response:
        _require_clinician(request)
        template = protocol_get_for(actor=_user(request), code=code)
        return Response(ProtocolOutput(template).data)

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_protocol_update",
        request=ProtocolUpdateInput,
        responses={
            200: ProtocolOutput,
            400: OpenApiResponse(description="clinic.protocol_invalid"),
            403: OpenApiResponse(description="clinic.forbidden, clinic.protocol_read_only"),
        },
    )
    def patch(self, request: Request, code: str) -> Response:
        _require_clinician(request)
        template = protocol_get_for(actor=_user(request), code=code)
        serializer = ProtocolUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = protocol_services.protocol_update(
            actor=_user(request),
            template=template,
            request=request._request,
            **serializer.validated_data,
        )
        return Response(ProtocolOutput(template).data)


class ProtocolDeactivateApi(APIView):
    active = False

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={
            200: ProtocolOutput,
            403: OpenApiResponse(description="clinic.forbidden, clinic.protocol_read_only"),
        },
    )
    def post(self, request: Request, code: str) -> Response:
        _require_clinician(request)
        template = protocol_get_for(actor=_user(request), code=code)
        template = protocol_services.protocol_set_active(
            actor=_user(request), template=template, active=self.active, request=request._request
        )
        return Response(ProtocolOutput(template).data)


class ProtocolActivateApi(ProtocolDeactivateApi):
    active = True


class ProtocolCopyApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="clinic_protocol_copy",
        request=ProtocolCopyInput,
        responses={201: ProtocolOutput, 403: OpenApiResponse(description="clinic.forbidden")},
    )
    def post(self, request: Request, code: str) -> Response:
        _require_clinician(request)
        template = protocol_get_for(actor=_user(request), code=code)
        serializer = ProtocolCopyInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        copy = protocol_services.protocol_copy(
            actor=_user(request),
            template=template,
            organization_id=serializer.validated_data["organization_id"],
            request=request._request,
        )
        return Response(ProtocolOutput(copy).data, status=status.HTTP_201_CREATED)


class PatientScheduleApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="clinic_scheduled_assessment_list",
        responses={200: ScheduledAssessmentOutput(many=True)},
    )
    def get(self, request: Request, patient_id: UUID) -> Response:
        patient = patient_get_for_documents(actor=_user(request), patient_id=patient_id)
        return Response(
            ScheduledAssessmentOutput(scheduled_assessment_list(patient=patient), many=True).data
        )

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_schedule_create",
        request=ScheduleCreateInput,
        responses={201: ScheduleOutput, 403: OpenApiResponse(description="clinic.forbidden")},
    )
    def post(self, request: Request, patient_id: UUID) -> Response:
        actor = _user(request)
        patient = patient_get_for_documents(actor=actor, patient_id=patient_id)
        serializer = ScheduleCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = get_or_not_found(
            protocols_for_patient(patient), code=serializer.validated_data["protocol_code"]
        )
        schedule = schedule_create(
            actor=actor,
            patient=patient,
            template=template,
            start_date=serializer.validated_data["start_date"],
            request=request._request,
        )
        return Response(ScheduleOutput(schedule).data, status=status.HTTP_201_CREATED)


class FollowUpTaskListApi(APIView):
    pagination_class = TableLimitOffsetPagination

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_follow_up_task_list",
        responses={200: FollowUpTaskOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        _require_clinician(request)
        return paginate(
            queryset=follow_up_task_list_for(actor=_user(request)),
            serializer_class=FollowUpTaskOutput,
            request=request,
            view=self,
        )


class FollowUpTaskDoneApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="clinic_follow_up_task_done",
        request=None,
        responses={200: FollowUpTaskOutput},
    )
    def post(self, request: Request, task_id: int) -> Response:
        actor = _user(request)
        task = get_or_not_found(follow_up_task_list_for(actor=actor), pk=task_id)
        task = follow_up_task_done(actor=actor, task=cast(FollowUpTask, task))
        return Response(FollowUpTaskOutput(task).data)


# --- analytics ---------------------------------------------------------------------------
class PatientDynamicsApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="clinic_patient_dynamics",
        parameters=[DynamicsFilterInput],
        responses={200: DynamicsOutput},
    )
    def get(self, request: Request, patient_id: UUID) -> Response:
        actor = _user(request)
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
    content_negotiation_class = _AnyAccept

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_patient_dynamics_chart",
        parameters=[DynamicsFilterInput],
        responses={(200, "image/svg+xml"): OpenApiTypes.STR},
    )
    def get(self, request: Request, patient_id: UUID) -> HttpResponse:
        actor = _user(request)
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
        actor = _user(request)
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
        _require_clinician(request)
        data = doctor_dashboard(actor=_user(request))
        data["red_flags"] = [
            {"patient_id": r["patient_id"], "patient_name": r["patient_name"]}
            for r in data["red_flags"]
        ]
        return Response(DashboardOutput(data).data)


class CohortApi(APIView):
    @extend_schema(tags=TAGS, operation_id="clinic_cohort", responses={200: CohortOutput})
    def get(self, request: Request) -> Response:
        _require_clinician(request)
        return Response(CohortOutput(cohort_summary(actor=_user(request))).data)


class CohortExportApi(APIView):
    content_negotiation_class = _AnyAccept

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_cohort_export",
        responses={(200, exports.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    def get(self, request: Request) -> HttpResponse:
        _require_clinician(request)
        actor = _user(request)
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
    content_negotiation_class = _AnyAccept

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_patient_fhir_export",
        responses={(200, "application/fhir+json"): OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, patient_id: UUID) -> HttpResponse:
        import json

        from lifeline.clinic.fhir_export import patient_bundle

        actor = _user(request)
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
