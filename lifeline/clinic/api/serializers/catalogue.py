"""Input and output serializers of the clinic API: the catalogue, doctors' notes and articles."""

from __future__ import annotations

from typing import Any

from django.db.models import Field
from django.utils.text import capfirst
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lifeline.clinic.api.common import LANGUAGE_CHOICES
from lifeline.clinic.catalogue_data import catalogue_text
from lifeline.clinic.enums import ArticleStatus, CatalogueKind
from lifeline.clinic.models.catalogue import Article, CatalogueItem
from lifeline.core.api.serializers import ModelOutput


# --- catalogue ---------------------------------------------------------------------------
class CatalogueFilterInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CatalogueKind.choices, required=False, default="")
    q = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    rule_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class _CatalogueText(serializers.CharField):
    # A seeded dose or titration, in the request's language (Accept-Language), as the
    # catalogue page shows it: "10 mg nocte" / "10 мг на ночь".
    def to_representation(self, value: Any) -> str:
        return catalogue_text(value)


def _verbose(name: str) -> Any:
    field = CatalogueItem._meta.get_field(name)
    assert isinstance(field, Field)  # noqa: S101 - the model's own char fields
    return capfirst(field.verbose_name)


_IN_REQUEST_LANGUAGE = "In the request's language (Accept-Language), as the pages show it."


class CatalogueItemOutput(ModelOutput[CatalogueItem]):
    # `code` is the stable key; `name_en`/`name_ru` and `default_scheme_en`/`_ru` stay as
    # stored; `name`, `default_scheme` and the doses follow the request's language.
    name = serializers.SerializerMethodField(help_text=_IN_REQUEST_LANGUAGE)
    default_scheme = serializers.SerializerMethodField(help_text=_IN_REQUEST_LANGUAGE)
    start_dose = _CatalogueText(
        read_only=True, label=_verbose("start_dose"), help_text=_IN_REQUEST_LANGUAGE
    )
    titration = _CatalogueText(
        read_only=True, label=_verbose("titration"), help_text=_IN_REQUEST_LANGUAGE
    )
    usual_max_dose = _CatalogueText(
        read_only=True, label=_verbose("usual_max_dose"), help_text=_IN_REQUEST_LANGUAGE
    )
    my_note = serializers.SerializerMethodField()
    rule_ids = serializers.ListField(child=serializers.CharField())
    caution_rule_ids = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = CatalogueItem
        fields = (
            "code",
            "kind",
            "name",
            "name_en",
            "name_ru",
            "drug_class",
            "start_dose",
            "titration",
            "usual_max_dose",
            "default_scheme",
            "default_scheme_en",
            "default_scheme_ru",
            "rule_ids",
            "caution_rule_ids",
            "evidence",
            "my_note",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_name(self, obj: CatalogueItem) -> str:
        return obj.name(get_language() or "")

    @extend_schema_field(serializers.CharField())
    def get_default_scheme(self, obj: CatalogueItem) -> str:
        return obj.default_scheme(get_language() or "")

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
