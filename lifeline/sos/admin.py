from django.contrib import admin

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
    list_display = ("id", "status", "detected_type", "severity", "organization", "created_at")
    list_filter = ("status", "detected_type")
    raw_id_fields = ("user", "device", "accepted_by", "resolved_by", "cancelled_by")


@admin.register(HelperAlert)
class HelperAlertAdmin(admin.ModelAdmin):
    list_display = ("event", "helper", "status", "distance_m", "created_at")
    raw_id_fields = ("event", "helper")


@admin.register(HelperProfile)
class HelperProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "opted_in", "on_duty", "location_at")
    raw_id_fields = ("user",)


@admin.register(EmergencyContact)
class EmergencyContactAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "relation")
    raw_id_fields = ("owner",)
