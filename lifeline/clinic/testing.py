"""Factories other modules' tests use to build a care team (chat tests, journeys)."""

from __future__ import annotations

import factory

from lifeline.access.enums import OrganizationKind
from lifeline.access.tests.factories import OrganizationFactory, UserFactory
from lifeline.clinic.models import CareTeamMember, Patient


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    organization = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.CLINIC)
    user = factory.SubFactory(UserFactory)
    full_name = factory.SelfAttribute("user.full_name")


class CareTeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeamMember

    patient = factory.SubFactory(PatientFactory)
    doctor = factory.SubFactory(UserFactory)
