"""Factories of the sos tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from lifeline.accounts.tests.factories import UserFactory
from lifeline.sos.enums import DetectedType, TriggerSource
from lifeline.sos.models import Device, EmergencyContact, HelperProfile, SosEvent, WearerProfile

TASHKENT = (41.311081, 69.240562)


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    owner = factory.SubFactory(UserFactory)
    device_uid = factory.Sequence(lambda n: f"watch_{n:05d}")
    model = "T-Watch 5"


class SosEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SosEvent

    device = factory.SubFactory(DeviceFactory)
    user = factory.LazyAttribute(lambda o: o.device.owner)
    organization = factory.LazyAttribute(lambda o: o.device.organization)
    lat = TASHKENT[0]
    lon = TASHKENT[1]
    detected_type = DetectedType.FALL_DETECTED
    severity = 4
    timestamp = factory.LazyFunction(timezone.now)
    source = TriggerSource.API


class EmergencyContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmergencyContact

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    phone_number = factory.Sequence(lambda n: f"+99890{n:07d}")
    relation = "daughter"


class WearerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WearerProfile

    user = factory.SubFactory(UserFactory)
    birth_date = None
    emergency_notes = ""


def helper_at(
    organization: Any,
    lat: float,
    lon: float,
    *,
    on_duty: bool = True,
    fresh: bool = True,
    **user: Any,
) -> Any:
    """A user with the helper role in `organization`, opted in, at (lat, lon)."""
    from lifeline.access.enums import Role
    from lifeline.access.tests.factories import user_with_role

    helper = user_with_role(Role.HELPER, organization, **user)
    HelperProfile.objects.create(
        user=helper,
        opted_in=True,
        on_duty=on_duty,
        lat=lat,
        lon=lon,
        location_at=timezone.now() if fresh else timezone.now() - timedelta(hours=1),
    )
    return helper


def offset(lat: float, lon: float, *, north_m: float = 0, east_m: float = 0) -> tuple[float, float]:
    import math

    dlat = north_m / 111_195.0
    dlon = east_m / (111_195.0 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon
