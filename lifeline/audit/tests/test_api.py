from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from lifeline.access.enums import Role
from lifeline.access.testing import Case, assert_permission_matrix
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.audit.tests.factories import AuditEventFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit/events/"
T0 = datetime(2026, 5, 1, tzinfo=UTC)


def test_url_name():
    assert reverse("audit:event-list") == URL


def test_role_endpoint_matrix():
    clinic = OrganizationFactory()
    AuditEventFactory(organization_id=str(clinic.pk))

    assert_permission_matrix(
        [
            Case("anonymous", "get", URL, 401),
            Case("no_role", "get", URL, 403),
            Case(Role.DOCTOR, "get", URL, 403),
            Case(Role.PATIENT, "get", URL, 403),
            Case(Role.CLINIC_ADMIN, "get", URL, 200),
            Case("other:clinic_admin", "get", URL, 200),
            Case(Role.PLATFORM_ADMIN, "get", URL, 200),
            Case(Role.PLATFORM_ADMIN, "post", URL, 405),
            Case(Role.PLATFORM_ADMIN, "delete", URL, 405),
        ],
        organization=clinic,
    )


def test_admin_of_another_organization_sees_none_of_its_events(api_client):
    clinic = OrganizationFactory()
    AuditEventFactory(organization_id=str(clinic.pk))
    api_client.force_authenticate(user_with_role(Role.CLINIC_ADMIN))

    response = api_client.get(URL, {"organization": str(clinic.pk)})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_filters_and_cursor_pages(api_client):
    clinic = OrganizationFactory()
    api_client.force_authenticate(user_with_role(Role.CLINIC_ADMIN, clinic))
    events = [
        AuditEventFactory(
            organization_id=str(clinic.pk),
            action="access.membership_granted",
            created_at=T0 + timedelta(minutes=i),
        )
        for i in range(3)
    ]
    AuditEventFactory(organization_id=str(clinic.pk), action="clinic.assessment_viewed")

    first = api_client.get(
        URL, {"action": "access.", "since": T0.isoformat(), "page_size": 2}
    ).json()
    second = api_client.get(first["next"]).json()

    assert [e["id"] for e in first["results"]] == [events[2].pk, events[1].pk]
    assert [e["id"] for e in second["results"]] == [events[0].pk]
    assert second["next"] is None
    assert set(first["results"][0]) == {
        "id",
        "created_at",
        "actor_id",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "organization_id",
        "result",
        "ip_address",
        "user_agent",
        "request_id",
        "changes",
        "metadata",
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"actor": "not-a-uuid"}, "actor"),
        ({"since": "2026-05-02T00:00:00Z", "until": "2026-05-01T00:00:00Z"}, "until"),
    ],
)
def test_invalid_filters_are_refused(api_client, params, field):
    api_client.force_authenticate(user_with_role(Role.PLATFORM_ADMIN))

    response = api_client.get(URL, params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize("role", [Role.CLINIC_ADMIN, Role.PLATFORM_ADMIN])
def test_query_budget(api_client, django_assert_num_queries, role):
    clinic = OrganizationFactory()
    # platform_admin lives in a platform organization of its own
    api_client.force_authenticate(
        user_with_role(role, None if role == Role.PLATFORM_ADMIN else clinic)
    )
    AuditEventFactory.create_batch(5, organization_id=str(clinic.pk))

    # can_view_audit, scope (platform check [+ administered ids]), page
    with django_assert_num_queries(4 if role == Role.CLINIC_ADMIN else 3):
        response = api_client.get(URL)

    assert len(response.json()["results"]) == 5
