"""Demo data of the sos module: a watch for the device owner, an on-duty helper nearby."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.core.demo import DemoContext

DEMO_EMERGENCY_NOTES = (
    "Type 2 diabetes (insulin). Allergic to penicillin. Pacemaker since 2019. Takes warfarin."
)

# Tashkent, as in the seed.
_CENTRE = (41.311081, 69.240562)


def seed(ctx: DemoContext) -> None:
    from lifeline.sos.demo_history import seed_history
    from lifeline.sos.models import Device, EmergencyContact, HelperProfile, WearerProfile

    owner = ctx.users.get(Role.DEVICE_OWNER)
    organization = ctx.organizations.get(OrganizationKind.SOS_SERVICE)
    if owner is not None:
        Device.objects.get_or_create(
            device_uid="DEMO-WATCH-0001",
            defaults={
                "owner": owner,
                "organization": organization,
                "model": "T-Watch 5",
                "battery_level": 84,
                "is_online": True,
                "last_seen_via": "LTE",
                "last_seen_at": timezone.now(),
                "last_lat": _CENTRE[0],
                "last_lon": _CENTRE[1],
                "last_location_at": timezone.now(),
            },
        )
        EmergencyContact.objects.get_or_create(
            owner=owner,
            name="Demo contact",
            defaults={"phone_number": "+998900000000", "relation": "family"},
        )
        # An escalated demo SOS reaches the ambulance console with an age and these notes.
        WearerProfile.objects.get_or_create(
            user=owner,
            defaults={
                "birth_date": date(1954, 3, 12),
                "emergency_notes": DEMO_EMERGENCY_NOTES,
            },
        )
    helper = ctx.users.get(Role.HELPER)
    if helper is not None:
        HelperProfile.objects.update_or_create(
            user=helper,
            defaults={
                "opted_in": True,
                "on_duty": True,
                "lat": _CENTRE[0] + 0.004,
                "lon": _CENTRE[1] + 0.003,
                "location_at": timezone.now(),
            },
        )
    keep_demo_helpers_fresh()
    ctx.write("sos: demo watch DEMO-WATCH-0001, helper on duty")
    seed_history(ctx)


# A helper whose location is older than SOS_HELPER_FRESH_SECONDS (10 min) is not alerted, and
# nobody walks the demo helper around: while `serve --demo` runs, its embedded beat calls this
# task every minute. The entry is added here, in the process that seeds the demo (only
# `serve --demo` runs `seed_demo`, before it starts the beat), so no production beat has it.
DEMO_REFRESH_ENTRY = "sos.demo_keep_helpers_fresh"
DEMO_REFRESH_SECONDS = 60.0


def keep_demo_helpers_fresh() -> None:
    """Add the demo helpers' location refresher to this process's beat schedule."""
    from celery import current_app

    current_app.conf.beat_schedule[DEMO_REFRESH_ENTRY] = {
        "task": "sos.demo_keep_helpers_fresh",
        "schedule": DEMO_REFRESH_SECONDS,
        "options": {"expires": DEMO_REFRESH_SECONDS},
    }
