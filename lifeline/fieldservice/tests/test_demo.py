from __future__ import annotations

import pytest

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import user_with_role
from lifeline.core.demo import DemoContext
from lifeline.fieldservice.demo import seed
from lifeline.fieldservice.models import Campaign, City, ServiceRequest
from lifeline.fieldservice.tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_demo_has_two_cities_campaigns_staff_and_a_request_in_every_status() -> None:
    company = CompanyFactory()
    users = {
        role: user_with_role(role, company)
        for role in (Role.OPERATOR, Role.MASTER, Role.MANAGER, Role.DIRECTOR)
    }
    ctx = DemoContext(
        organizations={OrganizationKind.SERVICE_COMPANY: company}, users=users, write=lambda _: None
    )
    seed(ctx)
    seed(ctx)  # idempotent
    assert sorted(City.objects.values_list("name", flat=True)) == ["Казань", "Москва"]
    assert Campaign.objects.count() == 2
    statuses = sorted(ServiceRequest.objects.values_list("status", flat=True))
    assert len(statuses) == 12
    assert len(set(statuses)) == 12
