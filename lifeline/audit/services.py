"""Record audit events and purge expired ones. Never decides whether something is allowed."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django_guid import get_guid

from lifeline.audit.models import AuditEvent, AuditResult
from lifeline.core.http import client_address

MASK = "***"

# Keys masked when equal to one of these (case-insensitive).
SENSITIVE_KEYS = frozenset(
    {"access", "refresh", "authorization", "cookie", "signature", "credentials", "dsn"}
)
# Keys masked when any of their words (snake_case, kebab-case or camelCase) is one of these:
# "new_password", "refreshToken", "code_hash", "api-key", "totp_secret", "pin" ...
SENSITIVE_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "token",
        "secret",
        "otp",
        "totp",
        "code",
        "hash",
        "key",
        "pin",
        "cvv",
        "cvc",
        "pan",
        "jwt",
        "salt",
    }
)
# Keys that contain a sensitive word but hold nothing secret.
NON_SENSITIVE_KEYS = frozenset(
    {"status_code", "error_code", "country_code", "postal_code", "language_code", "icd_code"}
)
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def is_sensitive_key(key: Any) -> bool:
    text = str(key)
    lowered = text.lower()
    if lowered in NON_SENSITIVE_KEYS:
        return False
    if lowered in SENSITIVE_KEYS:
        return True
    words = _WORD_SPLIT.split(_CAMEL.sub("_", text).lower())
    return any(word in SENSITIVE_WORDS for word in words if word)


def mask(value: Any) -> Any:
    """Return `value` with every sensitive key's value replaced by "***", at any depth."""
    if isinstance(value, Mapping):
        return {
            str(key): MASK if is_sensitive_key(key) else mask(item) for key, item in value.items()
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return [mask(item) for item in value]
    return value


def _jsonable(value: Any) -> Any:
    """Dates, UUIDs, decimals and lazy strings as JSON-friendly values."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _masked(data: Mapping[str, Any] | None) -> dict[str, Any]:
    if not data:
        return {}
    result: dict[str, Any] = _jsonable(mask(data))
    return result


def _organization_id(organization: Any, target: models.Model | None) -> str:
    if organization is None and target is not None:
        if target._meta.label_lower == "access.organization":
            organization = target.pk
        else:
            organization = getattr(target, "organization_id", None)
    return str(getattr(organization, "pk", organization) or "")


def record(
    *,
    actor: Any | None,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    organization: Any | None = None,
    result: str = AuditResult.SUCCESS,
    request: HttpRequest | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event; sensitive keys in before/after/metadata are masked.

    `action` is `<app>.<noun>_<past-participle>`. `organization` is an Organization, an id,
    or None (then taken from `target`: the target itself if it is an organization, else its
    `organization_id`). The request gives IP and user agent; the request id comes from
    django-guid. Runs inside the caller's transaction: a rolled-back change leaves no event.
    """
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    actor_id = str(actor.pk) if actor is not None and getattr(actor, "pk", None) else ""
    changes: dict[str, Any] = {}
    if before is not None or after is not None:
        changes = {"before": _masked(before), "after": _masked(after)}
    user_agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    return AuditEvent.objects.create(
        actor_id=actor_id,
        actor_label=str(actor)[:300] if actor_id else "",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        organization_id=_organization_id(organization, target),
        result=result,
        ip_address=client_address(request) if request is not None else None,
        user_agent=user_agent[:512],
        request_id=(get_guid() or "")[:64],
        changes=changes,
        metadata=_masked(metadata),
    )


def record_access(
    *,
    actor: Any,
    target: models.Model,
    request: HttpRequest | None = None,
    organization: Any | None = None,
    reason: str = "",
    action: str = "",
    metadata: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Record that `actor` read `target` (medical or location data: every read is recorded).

    `action` defaults to `<app_label>.<model_name>_viewed` (e.g. `clinic.assessment_viewed`).
    """
    action = action or f"{target._meta.app_label}.{target._meta.model_name}_viewed"
    details = dict(metadata or {})
    if reason:
        details["reason"] = reason
    return record(
        actor=actor,
        action=action,
        target=target,
        organization=organization,
        request=request,
        metadata=details,
    )


def audit_purge_expired(*, now: datetime | None = None) -> int:
    """Delete events older than LIFELINE_AUDIT_RETENTION_DAYS; return how many. Idempotent."""
    retention_days = int(settings.LIFELINE_AUDIT_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - timedelta(days=retention_days)
    return AuditEvent.objects.purge_before(cutoff)
