"""API keys with which telephony and other systems file calls for one station."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from lifeline.ambulance.models import IntakeKey
from lifeline.audit.services import record

if TYPE_CHECKING:
    from lifeline.access.models import Organization

KEY_PREFIX = "amb_"


@transaction.atomic
def intake_key_create(
    *, actor: Any, organization: Organization, name: str
) -> tuple[IntakeKey, str]:
    """Create a key; return it with the raw secret, which is shown once and never stored."""
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = IntakeKey.objects.create(
        organization=organization,
        name=name.strip()[:100] or "telephony",
        prefix=raw[:10],
        digest=IntakeKey.digest_of(raw),
    )
    record(
        actor=actor, action="ambulance.intake_key_created", target=key, organization=organization
    )
    return key, raw


def intake_key_authenticate(*, raw_key: str) -> IntakeKey | None:
    """The active key matching `raw_key` (compared by digest), or None."""
    if not raw_key or not raw_key.startswith(KEY_PREFIX) or len(raw_key) > 200:
        return None
    key = (
        IntakeKey.objects.filter(digest=IntakeKey.digest_of(raw_key), is_active=True)
        .select_related("organization")
        .first()
    )
    if key is None or not key.organization.is_active:
        return None
    IntakeKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key


@transaction.atomic
def intake_key_revoke(*, actor: Any, key: IntakeKey) -> None:
    IntakeKey.objects.filter(pk=key.pk).update(is_active=False)
    record(actor=actor, action="ambulance.intake_key_revoked", target=key)
