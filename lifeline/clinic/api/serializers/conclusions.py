"""Input and output serializers of the clinic API: conclusions, their items and versions."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lifeline.clinic.api.common import LANGUAGE_CHOICES
from lifeline.clinic.models.conclusions import Conclusion, ConclusionItem, ConclusionVersion
from lifeline.core.api.serializers import ModelOutput


# --- conclusions -------------------------------------------------------------------------
class ConclusionItemInput(serializers.Serializer):
    catalogue_code = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default=""
    )
    rule_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    scheme = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ConclusionCreateInput(serializers.Serializer):
    evaluation_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    items = ConclusionItemInput(many=True, required=False, default=list)
    free_text = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, default=""
    )
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)


class ConclusionUpdateInput(serializers.Serializer):
    items = ConclusionItemInput(many=True, required=False)
    free_text = serializers.CharField(max_length=10000, required=False, allow_blank=True)


class ConclusionItemOutput(ModelOutput[ConclusionItem]):
    catalogue_code = serializers.SerializerMethodField()

    class Meta:
        model = ConclusionItem
        fields = ("position", "catalogue_code", "rule_id", "title", "scheme")
        read_only_fields = fields

    def get_catalogue_code(self, obj: ConclusionItem) -> str:
        return obj.catalogue_item.code if obj.catalogue_item_id and obj.catalogue_item else ""


class ConclusionVersionOutput(ModelOutput[ConclusionVersion]):
    pdf_file_id = serializers.UUIDField(allow_null=True, read_only=True)
    issued_by_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = ConclusionVersion
        fields = ("number", "created_at", "pdf_file_id", "issued_by_id")
        read_only_fields = fields


class ConclusionOutput(ModelOutput[Conclusion]):
    patient_id = serializers.UUIDField(read_only=True)
    doctor_id = serializers.UUIDField(read_only=True)
    evaluation_id = serializers.UUIDField(allow_null=True, read_only=True)
    items = ConclusionItemOutput(many=True, read_only=True)
    versions = ConclusionVersionOutput(many=True, read_only=True)
    scores = serializers.SerializerMethodField()
    labels = serializers.SerializerMethodField()

    class Meta:
        model = Conclusion
        fields = (
            "id",
            "patient_id",
            "doctor_id",
            "evaluation_id",
            "status",
            "version",
            "language",
            "free_text",
            "scores",
            "labels",
            "items",
            "versions",
            "issued_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def get_scores(self, obj: Conclusion) -> list[dict[str, Any]]:
        return list(obj.snapshot.get("scores", []))

    def get_labels(self, obj: Conclusion) -> list[Any]:
        return list(obj.snapshot.get("labels", []))
