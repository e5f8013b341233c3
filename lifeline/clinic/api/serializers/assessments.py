"""Input and output serializers of the clinic API:
assessments, scores, evaluations and decisions."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lifeline.clinic.enums import (
    Administration,
    AssessmentMode,
    DecisionAction,
    LabelAction,
    Respondent,
)
from lifeline.clinic.models.assessments import Evaluation, LabelDecision
from lifeline.clinic.selectors.assessments import evaluation_labels, evaluation_suggestions
from lifeline.clinic.services.assessments import INSTRUMENTS
from lifeline.core.api.serializers import ModelOutput


class ScoreOutput(serializers.Serializer[Any]):
    instrument = serializers.CharField()
    instrument_version = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    band = serializers.CharField()
    subscores = serializers.DictField()
    prorated = serializers.BooleanField()
    provisional = serializers.BooleanField()
    measured_at = serializers.DateTimeField()
    result = serializers.DictField()


class AssessmentOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    patient_id = serializers.UUIDField()
    instruments = serializers.ListField(child=serializers.CharField())
    language = serializers.CharField()
    mode = serializers.CharField()
    respondent = serializers.CharField()
    administration = serializers.CharField()
    status = serializers.CharField()
    answers = serializers.DictField()
    position = serializers.DictField()
    autosave_count = serializers.IntegerField()
    last_saved_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    scores = serializers.SerializerMethodField()
    evaluation_id = serializers.SerializerMethodField()

    @extend_schema_field(ScoreOutput(many=True))
    def get_scores(self, obj: Any) -> list[dict[str, Any]]:
        return list(ScoreOutput(obj.scores.all(), many=True).data)

    @extend_schema_field(serializers.UUIDField(allow_null=True))  # null until submitted
    def get_evaluation_id(self, obj: Any) -> str | None:
        evaluation = getattr(obj, "evaluation", None)
        return str(evaluation.pk) if evaluation is not None else None


class AssessmentListOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    instruments = serializers.ListField(child=serializers.CharField())
    mode = serializers.CharField()
    respondent = serializers.CharField()
    status = serializers.CharField()
    last_saved_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class AssessmentStartInput(serializers.Serializer[Any]):
    instruments = serializers.ListField(
        child=serializers.ChoiceField(choices=list(INSTRUMENTS)),
        required=False,
        min_length=1,
        max_length=len(INSTRUMENTS),
    )
    mode = serializers.ChoiceField(
        choices=AssessmentMode.choices,
        required=False,
        help_text="Default: `patient` for the patient's own session, `clinician` otherwise.",
    )
    respondent = serializers.ChoiceField(choices=Respondent.choices, required=False)
    administration = serializers.ChoiceField(choices=Administration.choices, required=False)
    language = serializers.ChoiceField(choices=["ru", "en"], required=False)
    prefill_from = serializers.UUIDField(required=False)


class AssessmentAutosaveInput(serializers.Serializer[Any]):
    answers = serializers.DictField(
        child=serializers.DictField(), required=False, help_text='{"dn4": {"dn4-1": true}}'
    )
    position = serializers.DictField(required=False)


class SuggestionDecisionOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    rule_id = serializers.CharField()
    option = serializers.CharField()
    action = serializers.CharField()
    reason = serializers.CharField()
    modification = serializers.CharField()
    actor_id = serializers.UUIDField()
    created_at = serializers.DateTimeField()


class SuggestionDecisionInput(serializers.Serializer[Any]):
    rule_id = serializers.CharField(max_length=64)
    action = serializers.ChoiceField(choices=DecisionAction.choices)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    modification = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    option = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text=(
            "The suggestion's option code: a decision belongs to one rule id and option. "
            "Required when the rule made several suggestions in the evaluation (T-6)."
        ),
    )


class LabelDecisionOutput(ModelOutput[LabelDecision]):
    actor_id = serializers.UUIDField()
    evaluation_id = serializers.UUIDField()

    class Meta:
        model = LabelDecision
        fields = ("id", "evaluation_id", "code", "action", "reason", "actor_id", "created_at")


class LabelDecisionInput(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=LabelAction.choices)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class LabelHistoryOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=LabelAction.choices)
    reason = serializers.CharField()
    actor_id = serializers.UUIDField()
    created_at = serializers.DateTimeField()


class LabelStatusOutput(serializers.Serializer[Any]):
    code = serializers.CharField()
    rule_id = serializers.CharField(allow_blank=True, required=False)
    status = serializers.ChoiceField(
        choices=["screening", "clinician_confirmed", "clinician_rejected"],
        help_text="Current status: the latest clinician decision, else the engine status.",
    )
    engine_status = serializers.CharField()
    provisional = serializers.BooleanField(required=False)
    decided_by = serializers.UUIDField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(allow_null=True)
    history = LabelHistoryOutput(many=True)


class SuggestionStatusOutput(serializers.Serializer[Any]):
    rule_id = serializers.CharField()
    option = serializers.CharField(allow_blank=True)
    decision = SuggestionDecisionOutput(
        allow_null=True,
        help_text="The latest decision on this rule id and option, or null while undecided.",
    )


class EvaluationOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    patient_id = serializers.UUIDField()
    assessment_id = serializers.UUIDField(allow_null=True)
    ruleset_version = serializers.CharField()
    inputs_hash = serializers.CharField()
    inputs_snapshot = serializers.DictField()
    scores = serializers.DictField()
    labels = serializers.ListField(child=serializers.JSONField())
    suggestions = serializers.ListField(child=serializers.JSONField())
    safety = serializers.ListField(child=serializers.JSONField())
    red_flags = serializers.ListField(child=serializers.JSONField())
    follow_up = serializers.ListField(child=serializers.JSONField())
    created_at = serializers.DateTimeField()
    decisions = SuggestionDecisionOutput(many=True, source="decisions.all")
    label_status = serializers.SerializerMethodField(
        help_text="Each label with its current clinician status and decision history."
    )
    suggestion_status = serializers.SerializerMethodField(
        help_text=(
            "Each suggestion, in the order of `suggestions`, with its current decision: a "
            "decision belongs to one rule id and option (a rule may suggest several options)."
        )
    )

    @extend_schema_field(SuggestionStatusOutput(many=True))
    def get_suggestion_status(self, obj: Evaluation) -> list[dict[str, Any]]:
        rows = [
            {"rule_id": s["key"][0], "option": s["key"][1], "decision": s["decision"]}
            for s in evaluation_suggestions(obj)
        ]
        return list(SuggestionStatusOutput(rows, many=True).data)

    @extend_schema_field(LabelStatusOutput(many=True))
    def get_label_status(self, obj: Evaluation) -> list[dict[str, Any]]:
        return list(LabelStatusOutput(evaluation_labels(obj), many=True).data)
