"""Factories of the fieldservice tests."""

from __future__ import annotations

from typing import Any

import factory

from lifeline.access.enums import OrganizationKind
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.fieldservice.models import (
    Call,
    CallbackTask,
    Campaign,
    City,
    Direction,
    RequestType,
    ServiceRequest,
    StaffProfile,
    Transaction,
    TransactionType,
)


class CompanyFactory(OrganizationFactory):
    kind = OrganizationKind.SERVICE_COMPANY


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City

    organization = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"City {n}")


class RequestTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestType

    organization = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Type {n}")


class DirectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Direction

    organization = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Direction {n}")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    city = factory.SubFactory(CityFactory)
    organization = factory.LazyAttribute(lambda o: o.city.organization)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    phone_number = factory.Sequence(lambda n: f"+7495{n:07d}")


class TransactionTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TransactionType

    organization = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Kind {n}")
    kind = "expense"


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile
        skip_postgeneration_save = True

    organization = factory.SubFactory(CompanyFactory)
    user = None

    @factory.post_generation
    def cities(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.cities.add(*extracted)


class ServiceRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceRequest

    city = factory.SubFactory(CityFactory)
    organization = factory.LazyAttribute(lambda o: o.city.organization)
    client_phone = factory.Sequence(lambda n: f"+7916{n:07d}")
    client_name = "Иван"
    address = "ул. Ленина, 1"


class TransactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transaction

    city = factory.SubFactory(CityFactory)
    organization = factory.LazyAttribute(lambda o: o.city.organization)
    transaction_type = factory.LazyAttribute(
        lambda o: TransactionTypeFactory(organization=o.organization)
    )
    amount = "100.00"
    specified_date = factory.Faker("date_object")


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    entry_id = factory.Sequence(lambda n: f"entry-{n}")
    from_number = factory.Sequence(lambda n: f"+7903{n:07d}")


class CallbackTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallbackTask

    phone = "+79160000000"


def staff(role: str, company: Any, cities: list[Any] | None = None, **profile: Any) -> Any:
    """A user with `role` in `company` and a staff profile granting `cities`."""
    user = user_with_role(role, company)
    StaffProfileFactory(organization=company, user=user, cities=cities or [], **profile)
    return user
