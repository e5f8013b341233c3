"""The audit trail in the Django admin: searchable and filterable, never editable."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lifeline.audit.models import AuditEvent

# Actions are named "<module>.<what>" (STYLE: event and action names). A fixed list keeps
# the filter free of a SELECT DISTINCT over a table that grows by every read of medical data.
ACTION_MODULES = (
    ("accounts", _("Accounts and sign-in")),
    ("access", _("Organizations and roles")),
    ("audit", _("Audit")),
    ("files", _("Files")),
    ("notifications", _("Notifications")),
    ("clinic", _("Pain clinic")),
    ("chat", _("Messenger")),
    ("sos", _("SOS")),
)


class ActionModuleFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "module"

    def lookups(self, request: HttpRequest, model_admin: Any) -> tuple[tuple[str, Any], ...]:
        return ACTION_MODULES

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[AuditEvent]
    ) -> QuerySet[AuditEvent]:
        value = self.value()
        if value in dict(ACTION_MODULES):
            return queryset.filter(action__startswith=f"{value}.")
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "action",
        "result",
        "actor_label",
        "target_type",
        "target_id",
        "organization_id",
        "ip_address",
    )
    list_filter = (ActionModuleFilter, "result", "created_at", "target_type")
    search_fields = ("=actor_id", "actor_label", "^action", "=target_id", "=organization_id")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    show_full_result_count = False
    list_select_related = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
