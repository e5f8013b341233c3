"""The audit trail in the Django admin: searchable and filterable, never editable."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lifeline.audit.models import AuditEvent


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
    list_filter = ("result", "created_at", "target_type")
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
