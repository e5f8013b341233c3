"""REST endpoints of protocol templates, a patient's assessment schedule and follow-up tasks."""

from __future__ import annotations

from typing import cast
from uuid import UUID

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.clinic.api.common import TAGS, request_user, require_clinician
from lifeline.clinic.api.serializers.protocols import (
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
from lifeline.clinic.models.protocols import FollowUpTask
from lifeline.clinic.selectors.patients import (
    patient_get_for_documents,
)
from lifeline.clinic.selectors.protocols import (
    follow_up_task_list_for,
    protocol_get_for,
    protocol_list_for,
    protocols_for_patient,
    scheduled_assessment_list,
)
from lifeline.clinic.services import protocols as protocol_services
from lifeline.clinic.services.protocols import follow_up_task_done, schedule_create
from lifeline.core.api.pagination import (
    TableLimitOffsetPagination,
    paginate,
)
from lifeline.core.selectors import get_or_not_found


# --- schedules ---------------------------------------------------------------------------
class ProtocolListApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="clinic_protocol_list",
        parameters=[ProtocolFilterInput],
        responses={200: ProtocolOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        require_clinician(request)
        filters = ProtocolFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        templates = protocol_list_for(
            actor=request_user(request), include_inactive=filters.validated_data["include_inactive"]
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
        require_clinician(request)
        serializer = ProtocolCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = protocol_services.protocol_create(
            actor=request_user(request), request=request._request, **serializer.validated_data
        )
        return Response(ProtocolOutput(template).data, status=status.HTTP_201_CREATED)


class ProtocolDetailApi(APIView):
    @extend_schema(
        tags=TAGS, operation_id="clinic_protocol_retrieve", responses={200: ProtocolOutput}
    )
    def get(self, request: Request, code: str) -> Response:
        require_clinician(request)
        template = protocol_get_for(actor=request_user(request), code=code)
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
        require_clinician(request)
        template = protocol_get_for(actor=request_user(request), code=code)
        serializer = ProtocolUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = protocol_services.protocol_update(
            actor=request_user(request),
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
        require_clinician(request)
        template = protocol_get_for(actor=request_user(request), code=code)
        template = protocol_services.protocol_set_active(
            actor=request_user(request),
            template=template,
            active=self.active,
            request=request._request,
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
        require_clinician(request)
        template = protocol_get_for(actor=request_user(request), code=code)
        serializer = ProtocolCopyInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        copy = protocol_services.protocol_copy(
            actor=request_user(request),
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
        patient = patient_get_for_documents(actor=request_user(request), patient_id=patient_id)
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
        actor = request_user(request)
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
        require_clinician(request)
        return paginate(
            queryset=follow_up_task_list_for(actor=request_user(request)),
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
        actor = request_user(request)
        task = get_or_not_found(follow_up_task_list_for(actor=actor), pk=task_id)
        task = follow_up_task_done(actor=actor, task=cast(FollowUpTask, task))
        return Response(FollowUpTaskOutput(task).data)
