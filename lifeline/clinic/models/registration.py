"""Registration: the legal documents a user accepts, the acceptances, patient invitations."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lifeline.clinic.enums import LegalDocumentKind
from lifeline.clinic.models.patients import Patient
from lifeline.core.models import TimestampedModel, UUIDModel


class LegalDocument(TimestampedModel):
    """A version of the user agreement or the personal-data policy. Rows are never edited."""

    kind = models.CharField(_("kind"), max_length=32, choices=LegalDocumentKind.choices)
    version = models.CharField(_("version"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    effective_at = models.DateTimeField(_("effective from"), default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["kind", "-effective_at"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["kind", "version"], name="clinic_legaldoc_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.version}"


class LegalAcceptance(models.Model):
    """`user` accepted `document` (its exact version) at `accepted_at`. Append-only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_acceptances"
    )
    document = models.ForeignKey(
        LegalDocument, on_delete=models.PROTECT, related_name="acceptances"
    )
    accepted_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["user", "document"], name="clinic_acceptance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.document_id}"


class PatientInvitation(UUIDModel):
    """A single-use e-mail invitation (valid 7 days). Only the SHA-256 of the token is stored."""

    organization = models.ForeignKey(
        "access.Organization", on_delete=models.CASCADE, related_name="clinic_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_invitations_sent"
    )
    email = models.EmailField(_("e-mail"))
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    patient = models.ForeignKey(
        Patient, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )

    class Meta:
        indexes: ClassVar[list[Any]] = [models.Index(fields=["invited_by", "created_at"])]

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()
