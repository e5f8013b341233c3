"""The patient's own record: `GET/PATCH /api/v1/clinic/me/record/`.

Only the fields a patient reports themselves (spec §C.2); clinician-only fields →
400 `clinic.patient_field_not_editable` (nothing stored). Not a patient (no own record) → 404.
"""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.accounts.models import User
from lifeline.audit import services as audit
from lifeline.clinic.api.documents_serializers import MyRecordOutput, MyRecordUpdateInput
from lifeline.clinic.selectors.patients import patient_for_user
from lifeline.clinic.services import patients as patient_services
from lifeline.core.exceptions import NotFound

TAGS = ["clinic"]


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
