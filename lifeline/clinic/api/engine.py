"""REST endpoints of the engine: stateless evaluation (`evaluate/`) and the instrument
definitions (questionnaires)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.access.enums import Role
from lifeline.access.selectors import user_has_any_role
from lifeline.clinic import engine
from lifeline.clinic.api.common import TAGS
from lifeline.clinic.api.serializers.engine import (
    EvaluateInput,
    EvaluateOutput,
    InstrumentListQueryInput,
    InstrumentOutput,
    InstrumentQueryInput,
    QuestionnaireOutput,
)
from lifeline.clinic.engine.metrics import observe_evaluation
from lifeline.clinic.exceptions import ClinicForbidden

EVALUATE_EXAMPLE = {
    "responses": {
        "nrs": {"nrs": 7},
        "dn4": {
            **{f"dn4-{i}": "yes" for i in (1, 2, 3, 8, 9, 10)},
            **{f"dn4-{i}": "no" for i in (4, 5, 6, 7)},
        },
        "hads": {f"hads-{i}": "c" for i in range(1, 15)},
    },
    "clinical": {
        "age": 58,
        "sex": "female",
        "crcl_cockcroft_gault": 90,
        "onset_after_stroke": True,
        "distribution_matches_lesion": True,
        "other_causes_excluded": True,
        "sensory_signs_in_area": True,
        "lesion_on_imaging": True,
        "pain_distribution": "within_lesion_territory",
        "current_meds": ["B01AC04"],
        "self_report_reliable": True,
    },
}


CLINICIAN_ROLES = (Role.DOCTOR, Role.CLINIC_ADMIN)


def _lang(request: Request, requested: str | None) -> str:
    if requested:
        return requested
    current = (getattr(request, "LANGUAGE_CODE", "") or "ru")[:2]
    return current if current in ("ru", "en") else "ru"


class EvaluateApi(APIView):
    """Run the rule set on the given responses and clinical inputs. Stores nothing."""

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_evaluate",
        summary="Evaluate responses and clinical inputs (stateless)",
        description=(
            "Scores each instrument (spec §A), then applies the rule set (§C): red flags, "
            "mechanism labels, treatment options with evidence and safety checks, follow-up. "
            "Decision support only: nothing is prescribed and nothing is stored. "
            "Invalid answers or clinical fields → 400 with per-item `errors` "
            '("<instrument>.<item id>" or "clinical.<field>"). '
            "Doctors and clinic administrators only."
        ),
        request=EvaluateInput,
        responses={200: EvaluateOutput},
        examples=[
            OpenApiExample(
                "Definite CPSP (spec vector 1, abridged)", value=EVALUATE_EXAMPLE, request_only=True
            )
        ],
    )
    def post(self, request: Request) -> Response:
        if not user_has_any_role(user=request.user, roles=CLINICIAN_ROLES):  # type: ignore[arg-type]
            raise ClinicForbidden()
        data = EvaluateInput(data=request.data)
        data.is_valid(raise_exception=True)
        body: dict[str, Any] = data.validated_data
        with observe_evaluation():
            result = engine.evaluate(
                body["responses"], body.get("clinical") or {}, previous=body.get("previous")
            )
        return Response(result)


class InstrumentListApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="clinic_instrument_list",
        summary="Instruments (current version, licence state)",
        parameters=[
            OpenApiParameter("lang", str, enum=["ru", "en"], description="Title language.")
        ],
        responses={200: InstrumentOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        query = InstrumentListQueryInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(engine.list_instruments(_lang(request, query.validated_data.get("lang"))))


class InstrumentDetailApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="clinic_instrument_detail",
        summary="The FHIR R4 Questionnaire of an instrument",
        description=(
            "One Questionnaire per instrument × version × language, with per-option scores "
            "(`ordinalValue`) and clinician-only items marked by an extension. Licensed "
            "wording is applied when the deployment installed it (root extension "
            "`licensed-text-installed`)."
        ),
        parameters=[
            OpenApiParameter(
                "lang", str, enum=["ru", "en"], description="Language (default: the request's)."
            ),
            OpenApiParameter("version", str, description="Instrument version (default: current)."),
        ],
        responses={200: QuestionnaireOutput},
    )
    def get(self, request: Request, instrument: str) -> Response:
        query = InstrumentQueryInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        questionnaire = engine.get_questionnaire(
            instrument, _lang(request, params.get("lang")), params.get("version")
        )
        return Response(questionnaire)
