"""One factory per model of the ambulance app."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.models import Organization
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.accounts.models import User
from lifeline.ambulance.enums import CRITICALITY_RANK, CallSource, Criticality, EquipmentClass
from lifeline.ambulance.models import (
    Call,
    CallTransition,
    Car,
    CarStatusChange,
    IntakeKey,
    SosLink,
    Team,
    TeamMember,
)


class StationFactory(OrganizationFactory):
    kind = OrganizationKind.AMBULANCE_STATION


class CarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Car

    organization = factory.SubFactory(StationFactory)
    plate = factory.Sequence(lambda n: f"А{n % 1000:03d}ВС{78 + n // 1000}")
    model = "ГАЗель Next"
    equipment_class = EquipmentClass.B


class CarStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CarStatusChange

    car = factory.SubFactory(CarFactory)
    is_serviceable = False
    reason = "Engine"


class TeamFactory(factory.django.DjangoModelFactory):
    """An on-shift team of three new crew members of its station, on a new car."""

    class Meta:
        model = Team
        skip_postgeneration_save = True

    organization = factory.SubFactory(StationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    car = factory.LazyAttribute(lambda o: CarFactory(organization=o.organization))
    lead = factory.LazyAttribute(lambda o: user_with_role(Role.CREW, o.organization))
    on_shift = True
    lat = 59.95
    lon = 30.30
    position_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def members(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        users = (
            list(extracted)
            if extracted
            else [user_with_role(Role.CREW, self.organization) for _ in range(2)]
        )
        users = [self.lead, *[u for u in users if u.pk != self.lead_id]]
        for user in users[:3]:
            TeamMemberFactory(team=self, user=user)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    user = factory.LazyAttribute(lambda o: user_with_role(Role.CREW, o.team.organization))


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    organization = factory.SubFactory(StationFactory)
    number = factory.Sequence(lambda n: n + 1)
    criticality = Criticality.IMPORTANT
    criticality_rank = factory.LazyAttribute(lambda o: CRITICALITY_RANK[o.criticality])
    source = CallSource.DISPATCHER
    caller_phone = factory.Sequence(lambda n: f"+7911{n:07d}")
    patient_name = "Иванов Иван"
    reason = "Chest pain"
    address = "Nevsky 28"
    lat = 59.9343
    lon = 30.3351
    received_at = factory.LazyFunction(timezone.now)


class CallTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallTransition

    call = factory.SubFactory(CallFactory)
    to_status = "NEW"


class IntakeKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntakeKey

    organization = factory.SubFactory(StationFactory)
    name = "telephony"
    prefix = "amb_test"
    digest = factory.Sequence(lambda n: IntakeKey.digest_of(f"amb_key{n}"))


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    """A 10 km circle around the centre of Saint Petersburg (the factories' calls are in it)."""

    class Meta:
        model = "ambulance.ServiceArea"

    station = factory.SubFactory(StationFactory)
    center_lat = 59.9343
    center_lon = 30.3351
    radius_km = 10.0


class SosLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SosLink

    sos_service = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.SOS_SERVICE)
    station = factory.SubFactory(StationFactory)


def station_user(role: str, station: Organization) -> User:
    return user_with_role(role, station)
