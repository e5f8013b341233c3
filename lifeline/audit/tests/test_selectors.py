from datetime import UTC, datetime, timedelta

import pytest

from lifeline.access.enums import Role
from lifeline.access.tests.factories import OrganizationFactory, UserFactory, user_with_role
from lifeline.audit.selectors import AuditEventFilters, audit_event_list_for
from lifeline.audit.tests.factories import AuditEventFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 5, 1, tzinfo=UTC)


def test_platform_admin_reads_every_event():
    events = [AuditEventFactory(organization_id=str(OrganizationFactory().pk)) for _ in range(2)]
    events.append(AuditEventFactory(organization_id=""))

    found = audit_event_list_for(actor=user_with_role(Role.PLATFORM_ADMIN))

    assert set(found) == set(events)


def test_organization_admin_reads_only_their_organizations_events():
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    mine = AuditEventFactory(organization_id=str(clinic.pk))
    AuditEventFactory(organization_id=str(OrganizationFactory().pk))
    AuditEventFactory(organization_id="")

    assert list(audit_event_list_for(actor=admin)) == [mine]


@pytest.mark.parametrize("role", [Role.DOCTOR, Role.PATIENT])
def test_plain_members_read_nothing(role):
    clinic = OrganizationFactory()
    user = user_with_role(role, clinic)
    AuditEventFactory(organization_id=str(clinic.pk), actor_id=str(user.pk))

    assert list(audit_event_list_for(actor=user)) == []


def test_filters_combine():
    root = user_with_role(Role.PLATFORM_ADMIN)
    actor = UserFactory()
    hit = AuditEventFactory(
        actor_id=str(actor.pk),
        action="access.membership_granted",
        target_type="access.membership",
        target_id="7",
        organization_id="org-1",
        created_at=T0,
    )
    AuditEventFactory(actor_id=str(actor.pk), action="clinic.assessment_viewed", created_at=T0)
    AuditEventFactory(action="access.membership_revoked", created_at=T0 - timedelta(days=2))

    filters = AuditEventFilters(
        actor=str(actor.pk),
        action="access.",
        target_type="access.membership",
        target_id="7",
        organization="org-1",
        since=T0,
        until=T0 + timedelta(seconds=1),
    )

    assert list(audit_event_list_for(actor=root, filters=filters)) == [hit]


def test_period_is_half_open():
    root = user_with_role(Role.PLATFORM_ADMIN)
    start = AuditEventFactory(created_at=T0)
    AuditEventFactory(created_at=T0 + timedelta(days=1))

    found = audit_event_list_for(
        actor=root, filters=AuditEventFilters(since=T0, until=T0 + timedelta(days=1))
    )

    assert list(found) == [start]
