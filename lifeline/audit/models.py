"""The audit trail: one append-only row per recorded action."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.db import connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditResult(models.TextChoices):
    SUCCESS = "success", _("Success")
    DENIED = "denied", _("Denied")
    ERROR = "error", _("Error")


class AuditAppendOnlyError(RuntimeError):
    """Raised on any attempt to change or delete audit rows outside the retention purge."""


# PostgreSQL session setting that the append-only trigger checks before allowing DELETE.
PURGE_SETTING = "lifeline.audit_purge"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Refuses bulk update and delete; `purge_before()` is the one way rows leave."""

    def update(self, **kwargs: Any) -> int:
        raise AuditAppendOnlyError("Audit events cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditAppendOnlyError("Audit events cannot be deleted; use purge_before().")

    def purge_before(self, cutoff: datetime) -> int:
        """Delete every event created before `cutoff`; return how many were deleted."""
        postgresql = connections[self.db].vendor == "postgresql"
        with transaction.atomic(using=self.db):
            if postgresql:
                # Transaction-local, and switched off again below, so the trigger lets only
                # these DELETEs through even when the caller's transaction goes on. A failed
                # delete rolls the savepoint, and the setting with it, back.
                self._set_purge_setting("on")
            expired = self.filter(created_at__lt=cutoff)
            deleted, _by_model = models.QuerySet.delete(expired)
            if postgresql:
                self._set_purge_setting("off")
        return deleted

    def _set_purge_setting(self, value: str) -> None:
        with connections[self.db].cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [PURGE_SETTING, value])


class AuditEvent(models.Model):
    """Who did what to which object, when, from where, with what result.

    Append-only: the application never updates or deletes a row, except the retention purge.
    Actor and organization are stored as plain ids so the trail survives their deletion.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor_id = models.CharField(_("actor ID"), max_length=64, blank=True, db_index=True)
    actor_label = models.CharField(_("actor"), max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object ID"), max_length=64, blank=True)
    organization_id = models.CharField(
        _("organization ID"), max_length=64, blank=True, db_index=True
    )
    result = models.CharField(
        _("result"), max_length=16, choices=AuditResult.choices, default=AuditResult.SUCCESS
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["target_type", "target_id", "-created_at"]),
            models.Index(fields=["actor_id", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} by {self.actor_id or '-'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditAppendOnlyError("Audit events cannot be updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditAppendOnlyError("Audit events cannot be deleted.")
