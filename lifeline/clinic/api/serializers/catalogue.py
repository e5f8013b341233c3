"""Input and output serializers of the clinic API: the catalogue, doctors' notes and articles."""

from __future__ import annotations

from rest_framework import serializers

from lifeline.clinic.api.common import LANGUAGE_CHOICES
from lifeline.clinic.enums import ArticleStatus, CatalogueKind
from lifeline.clinic.models.catalogue import Article, CatalogueItem
from lifeline.core.api.serializers import ModelOutput


# --- catalogue ---------------------------------------------------------------------------
class CatalogueFilterInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CatalogueKind.choices, required=False, default="")
    q = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    rule_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class CatalogueItemOutput(ModelOutput[CatalogueItem]):
    my_note = serializers.SerializerMethodField()
    rule_ids = serializers.ListField(child=serializers.CharField())
    caution_rule_ids = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = CatalogueItem
        fields = (
            "code",
            "kind",
            "name_en",
            "name_ru",
            "drug_class",
            "start_dose",
            "titration",
            "usual_max_dose",
            "default_scheme_en",
            "default_scheme_ru",
            "rule_ids",
            "caution_rule_ids",
            "evidence",
            "my_note",
        )
        read_only_fields = fields

    def get_my_note(self, obj: CatalogueItem) -> str:
        notes = getattr(obj, "my_notes", None) or []
        return notes[0].text if notes else ""


class CatalogueNoteInput(serializers.Serializer):
    text = serializers.CharField(max_length=5000, allow_blank=True)


class CatalogueNoteOutput(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()


# --- articles ----------------------------------------------------------------------------
class ArticleFilterInput(serializers.Serializer):
    drafts = serializers.BooleanField(required=False, default=False)


class ArticleCreateInput(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    summary = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=50000)
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False, default="ru")


class ArticleUpdateInput(serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False)
    summary = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    body = serializers.CharField(max_length=50000, required=False)
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)


class ArticleOutput(ModelOutput[Article]):
    status = serializers.ChoiceField(choices=ArticleStatus.choices, read_only=True)

    class Meta:
        model = Article
        fields = (
            "id",
            "title",
            "summary",
            "body",
            "language",
            "status",
            "published_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields
