"""Reads of registration: the current legal documents, and a usable invitation by its token
(only the SHA-256 of a token is stored)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from lifeline.access.enums import OrganizationKind
from lifeline.access.selectors import organization_list
from lifeline.clinic.exceptions import (
    InvitationNotUsable,
)
from lifeline.clinic.models.registration import LegalDocument, PatientInvitation

if TYPE_CHECKING:
    from lifeline.access.models import Organization


def legal_current() -> dict[str, LegalDocument]:
    """The version in force of each kind of legal document (kinds with none are absent)."""
    current: dict[str, LegalDocument] = {}
    now = timezone.now()
    for document in LegalDocument.objects.filter(effective_at__lte=now).order_by(
        "kind", "-effective_at", "-id"
    ):
        current.setdefault(document.kind, document)
    return current


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_get_by_token(token: str) -> PatientInvitation:
    invitation = (
        PatientInvitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )
    if invitation is None or not invitation.is_usable:
        raise InvitationNotUsable()
    return invitation


# --- reads of the web pages -------------------------------------------------------------
def registration_clinic_list_for(*, actor: Any) -> QuerySet[Organization]:
    """Clinics a doctor may ask to join when registering (public, not demo), by name; the
    registration page is anonymous, so every actor sees the same list."""
    return organization_list(kind=OrganizationKind.CLINIC, include_demo=False).order_by("name")[
        :500
    ]
