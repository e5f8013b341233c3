"""REST endpoints of conclusions: list and build, edit, issue (with its PDF), amend, and the
PDF of an issued version."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import FileResponse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.audit import services as audit
from lifeline.clinic.api.common import TAGS, request_user
from lifeline.clinic.api.serializers.conclusions import (
    ConclusionCreateInput,
    ConclusionOutput,
    ConclusionUpdateInput,
    ConclusionVersionOutput,
)
from lifeline.clinic.presentation import conclusion_pdf_response
from lifeline.clinic.selectors.assessments import evaluation_get_for_action
from lifeline.clinic.selectors.conclusions import (
    conclusion_get_for,
    conclusion_list_for,
)
from lifeline.clinic.selectors.patients import (
    patient_get_for_documents,
)
from lifeline.clinic.services.conclusions import (
    ConclusionItemInput,
    conclusion_amend,
    conclusion_create,
    conclusion_issue,
    conclusion_update,
)
from lifeline.core.api.pagination import (
    CreatedCursorPagination,
    paginate,
)


class AnyAcceptNegotiation(BaseContentNegotiation):
    """Binary downloads (PDF, SVG, xlsx, FHIR JSON) answer whatever `Accept` says."""

    def select_parser(self, request, parsers):  # type: ignore[no-untyped-def]
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):  # type: ignore[no-untyped-def]
        return (renderers[0], renderers[0].media_type)


def _items(data: list[dict[str, Any]]) -> list[ConclusionItemInput]:
    return [ConclusionItemInput(**item) for item in data]


# --- conclusions -------------------------------------------------------------------------
class PatientConclusionListApi(APIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_conclusion_list",
        responses={200: ConclusionOutput(many=True)},
    )
    def get(self, request: Request, patient_id: UUID) -> Response:
        actor = request_user(request)
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
        actor = request_user(request)
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
        actor = request_user(request)
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
        actor = request_user(request)
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
        actor = request_user(request)
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
        actor = request_user(request)
        conclusion = conclusion_get_for(actor=actor, conclusion_id=conclusion_id)
        conclusion_amend(actor=actor, conclusion=conclusion, request=request._request)
        conclusion = conclusion_get_for(actor=actor, conclusion_id=conclusion_id)
        return Response(ConclusionOutput(conclusion).data)


class ConclusionPdfApi(APIView):
    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_conclusion_pdf",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, conclusion_id: UUID, number: int) -> FileResponse:
        return conclusion_pdf_response(
            actor=request_user(request),
            conclusion_id=conclusion_id,
            number=number,
            request=request._request,
        )
