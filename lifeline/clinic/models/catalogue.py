"""The drug and therapy catalogue with doctors' private notes, and articles for patients."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lifeline.clinic.enums import ArticleStatus, CatalogueKind
from lifeline.core.models import TimestampedModel, UUIDModel


class CatalogueItem(TimestampedModel):
    """A drug or therapy of the reference catalogue, keyed by a stable `code`.

    Seeded from the spec's drug card (§C.11) and the T-rules (management command
    `clinic_seed_catalogue`, also run by a data migration). `rule_ids` are the T-rules that
    suggest it, `caution_rule_ids` the X-rules that check it. Doses are reference values for
    the physician, never instructions.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CatalogueKind.choices)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    drug_class = models.CharField(_("class"), max_length=120, blank=True)
    start_dose = models.CharField(pgettext_lazy("dose", "start"), max_length=200, blank=True)
    titration = models.CharField(_("titration"), max_length=200, blank=True)
    usual_max_dose = models.CharField(_("usual / max daily dose"), max_length=200, blank=True)
    default_scheme_en = models.TextField(_("default scheme (English)"), blank=True)
    default_scheme_ru = models.TextField(_("default scheme (Russian)"), blank=True)
    rule_ids = models.JSONField(_("suggesting rules"), default=list, blank=True)
    caution_rule_ids = models.JSONField(_("safety rules"), default=list, blank=True)
    evidence = models.CharField(_("evidence"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["kind", "code"]
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CatalogueKind.values),
                name="clinic_catalogueitem_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return self.code

    def name(self, language: str) -> str:
        return self.name_ru if language.startswith("ru") else self.name_en

    def default_scheme(self, language: str) -> str:
        return self.default_scheme_ru if language.startswith("ru") else self.default_scheme_en


class DoctorNote(TimestampedModel):
    """A doctor's private note on a catalogue item; only its author ever sees it."""

    item = models.ForeignKey(CatalogueItem, on_delete=models.CASCADE, related_name="notes")
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_catalogue_notes"
    )
    text = models.TextField(_("note"), max_length=5000)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["item", "doctor"], name="clinic_doctornote_unique")
        ]


class Article(UUIDModel):
    """An article or news item for patients. Only published ones are visible to readers."""

    title = models.CharField(_("title"), max_length=300)
    summary = models.CharField(_("summary"), max_length=1000, blank=True)
    body = models.TextField(_("text"), max_length=50000)
    language = models.CharField(_("language"), max_length=8, default="ru")
    status = models.CharField(
        _("status"), max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-published_at", "-created_at", "-id"]
        permissions = [("manage_articles", "Can write and publish articles for patients")]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.title
