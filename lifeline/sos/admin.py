from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lifeline.core.admin_labels import column
from lifeline.sos.models import (
    Device,
    EmergencyContact,
    HelperAlert,
    HelperProfile,
    OrganizationSosSettings,
    SosEvent,
)


@admin.register(OrganizationSosSettings)
class OrganizationSosSettingsAdmin(admin.ModelAdmin):
    list_display = ("organization", "helper_cap", "min_helpers_k", "escalation_seconds")


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("device_uid", "owner", "organization", "is_online", "last_seen_at")
    search_fields = ("device_uid",)
    readonly_fields = ("token_hash", "token_hint", "token_issued_at")
    raw_id_fields = ("owner",)


@admin.register(SosEvent)
class SosEventAdmin(admin.ModelAdmin):
    list_display = (
        column("id", _("ID")),
        "status",
        "detected_type",
        "severity",
        "organization",
        column("created_at", _("created")),
    )
    list_filter = ("status", "detected_type")
    raw_id_fields = ("user", "device", "accepted_by", "resolved_by", "cancelled_by")


@admin.register(HelperAlert)
class HelperAlertAdmin(admin.ModelAdmin):
    list_display = ("event", "helper", "status", "distance_m", column("created_at", _("created")))
    raw_id_fields = ("event", "helper")


@admin.register(HelperProfile)
class HelperProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "opted_in", "on_duty", "location_at")
    raw_id_fields = ("user",)


@admin.register(EmergencyContact)
class EmergencyContactAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "relation")
    raw_id_fields = ("owner",)
