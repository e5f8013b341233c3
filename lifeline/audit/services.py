"""Record audit events. Called from services; never decides whether something is allowed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.http import HttpRequest

from lifeline.audit.models import AuditEvent, AuditResult

SENSITIVE_KEYS = frozenset(
    {"password", "token", "access", "refresh", "otp", "code", "secret", "key", "code_hash"}
)


def _mask(data: Mapping[str, Any] | None) -> dict[str, Any]:
    if not data:
        return {}
    masked: dict[str, Any] = {}
    for key, value in data.items():
        if any(part in key.lower() for part in SENSITIVE_KEYS):
            masked[key] = "***"
        elif isinstance(value, Mapping):
            masked[key] = _mask(value)
        else:
            masked[key] = value
    return masked


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


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
    """Append one audit event. Sensitive keys in before/after/metadata are masked."""
    from django_guid import get_guid  # noqa: PLC0415 - keeps import of audit cheap

    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    if organization is None and target is not None:
        organization = getattr(target, "organization_id", None)
    organization_id = str(getattr(organization, "pk", organization) or "")
    actor_id = str(actor.pk) if actor is not None and getattr(actor, "pk", None) else ""
    changes: dict[str, Any] = {}
    if before is not None or after is not None:
        changes = {"before": _mask(before), "after": _mask(after)}
    return AuditEvent.objects.create(
        actor_id=actor_id,
        actor_label=str(actor)[:300] if actor_id else "",
        action=action,
        target_type=target_type,
        target_id=target_id,
        organization_id=organization_id,
        result=result,
        ip_address=_client_ip(request) if request is not None else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:512] if request else ""),
        request_id=get_guid() or "",
        changes=changes,
        metadata=_mask(metadata),
    )
