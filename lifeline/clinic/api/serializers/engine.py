"""Input and output serializers of the clinic API:
stateless evaluation and instrument definitions."""

from __future__ import annotations

from rest_framework import serializers


class TextField(serializers.DictField):
    """A bilingual text {"en": ..., "ru": ...}."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(child=serializers.CharField(), **kwargs)  # type: ignore[arg-type]


class EvaluateInput(serializers.Serializer):
    # Items are checked by the engine (per-item errors); only the outer shapes are checked here.
    responses = serializers.DictField(
        help_text='Answers per instrument: {"<instrument>": {"<item id>": <answer>}}. '
        "Missing items are allowed; the scoring rules handle them.",
    )
    clinical = serializers.DictField(
        required=False,
        default=dict,
        help_text="Clinical inputs named as in the spec's input dictionary (§C.2); "
        "an absent or null field means unknown.",
    )
    previous = serializers.DictField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The previous evaluation (or its `scores`) for the change rules (§C.8).",
    )


class SafetyFindingOutput(serializers.Serializer):
    rule_id = serializers.CharField()
    option = serializers.CharField()
    level = serializers.ChoiceField(choices=["BLOCK", "WARN", "INFO", "SAFETY_UNCHECKED"])
    message = TextField()
    conditions = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())


class ReasonOutput(serializers.Serializer):
    code = serializers.CharField()
    rule_ids = serializers.ListField(child=serializers.CharField(), required=False)
    text = TextField(required=False)


class TagOutput(serializers.Serializer):
    code = serializers.CharField()
    text = TextField()


class SuggestionOutput(serializers.Serializer):
    rule_id = serializers.CharField()
    option = serializers.CharField()
    kind = serializers.ChoiceField(choices=["option", "avoid"])
    line = serializers.CharField()
    category = serializers.CharField()
    drug_class = serializers.CharField(allow_null=True)
    atc = serializers.CharField(allow_null=True)
    evidence_tag = serializers.CharField()
    source_grade = serializers.CharField()
    citation_ids = serializers.ListField(child=serializers.CharField())
    title = TextField()
    text = TextField()
    tags = TagOutput(many=True)
    safety = SafetyFindingOutput(many=True)
    displayed = serializers.BooleanField()
    reason_if_collapsed = ReasonOutput(allow_null=True)
    preselected = serializers.BooleanField()


class LabelOutput(serializers.Serializer):
    code = serializers.CharField()
    rule_id = serializers.CharField()
    kind = serializers.ChoiceField(choices=["classification", "comorbidity", "note", "validity"])
    status = serializers.CharField()
    provisional = serializers.BooleanField()
    title = TextField()


class RedFlagOutput(serializers.Serializer):
    rule_id = serializers.CharField()
    severity = serializers.ChoiceField(choices=["emergency", "urgent", "soon", "routine"])
    banner = serializers.BooleanField()
    suppresses_routine = serializers.BooleanField()
    message = TextField()
    triggers = serializers.ListField(child=serializers.CharField())
    citation_ids = serializers.ListField(child=serializers.CharField())


class FollowUpOutput(serializers.Serializer):
    rule_id = serializers.CharField()
    kind = serializers.ChoiceField(choices=["task", "change"])
    code = serializers.CharField()
    message = TextField()


class EvaluateOutput(serializers.Serializer):
    scores = serializers.DictField(
        child=serializers.DictField(), help_text="Per instrument, plus `pain` (S-1)."
    )
    labels = LabelOutput(many=True)
    suggestions = SuggestionOutput(many=True)
    safety = SafetyFindingOutput(many=True)
    red_flags = RedFlagOutput(many=True)
    follow_up = FollowUpOutput(many=True)
    ruleset_version = serializers.CharField()


class InstrumentOutput(serializers.Serializer):
    id = serializers.CharField()
    version = serializers.CharField()
    versions = serializers.ListField(child=serializers.CharField())
    name = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    item_count = serializers.IntegerField()
    clinician_only = serializers.BooleanField()
    has_clinician_items = serializers.BooleanField()
    licensed_text_required = serializers.BooleanField()
    licensed_text_installed = serializers.BooleanField()


class InstrumentQueryInput(serializers.Serializer):
    lang = serializers.ChoiceField(choices=["ru", "en"], required=False)
    version = serializers.CharField(required=False, max_length=16)


class InstrumentListQueryInput(serializers.Serializer):
    lang = serializers.ChoiceField(choices=["ru", "en"], required=False)


class QuestionnaireOutput(serializers.Serializer):
    """A FHIR R4 Questionnaire resource (abridged for the schema)."""

    resourceType = serializers.CharField()  # noqa: N815 - FHIR element name
    id = serializers.CharField()
    language = serializers.CharField()
    url = serializers.CharField()
    version = serializers.CharField()
    name = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    copyright = serializers.CharField()
    extension = serializers.ListField(child=serializers.DictField(), required=False)
    item = serializers.ListField(child=serializers.DictField())
