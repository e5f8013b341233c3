"""Django admin for platform operators: read-mostly views; writes go through the pages/API.

`SosLink` (which station takes an SOS service's escalations) and a station's optional
`ServiceArea` (a polygon, or a centre and radius) are configured here.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lifeline.ambulance.models import (
    Call,
    CallTransition,
    Car,
    IntakeKey,
    ServiceArea,
    SosLink,
    Team,
)
from lifeline.core.admin_labels import column


@admin.register(SosLink)
class SosLinkAdmin(admin.ModelAdmin):
    list_display = (
        "sos_service",
        "station",
        column("created_at", _("created")),
    )


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    list_display = (
        "station",
        "center_lat",
        "center_lon",
        "radius_km",
        column("updated_at", _("updated")),
    )
    raw_id_fields = ("station",)


@admin.register(Car)
class CarAdmin(admin.ModelAdmin):
    list_display = ("plate", "organization", "equipment_class", "is_serviceable", "deleted_at")
    list_filter = ("equipment_class", "is_serviceable")
    search_fields = ("plate",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "car", "on_shift", "dissolved_at")
    raw_id_fields = ("lead", "car")


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("number", "organization", "status", "criticality", "received_at")
    list_filter = ("status", "criticality", "source")
    raw_id_fields = ("team", "suggested_team", "duplicate_of")
    # Patient details stay on the audited pages, not in the admin list.
    exclude = ("patient_name", "caller_phone", "notes", "patient_birth_date")


@admin.register(CallTransition)
class CallTransitionAdmin(admin.ModelAdmin):
    list_display = (
        "call",
        "from_status",
        "to_status",
        "actor",
        column("created_at", _("created")),
    )
    raw_id_fields = ("call", "actor", "team")


@admin.register(IntakeKey)
class IntakeKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "organization", "is_active", "last_used_at")
    readonly_fields = ("digest", "prefix")
