from datetime import UTC, datetime

import pytest
from django.test import RequestFactory

from lifeline.access.enums import Role
from lifeline.access.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from lifeline.audit.models import AuditEvent, AuditResult
from lifeline.audit.services import is_sensitive_key, mask, record, record_access


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "new_password",
        "refreshToken",
        "access",
        "code_hash",
        "api-key",
        "totp_secret",
        "otp",
        "PIN",
        "Authorization",
    ],
)
def test_sensitive_keys(key):
    assert is_sensitive_key(key) is True


@pytest.mark.parametrize(
    "key", ["email", "role", "status_code", "accessed_at", "keyboard", "name", "is_active"]
)
def test_ordinary_keys(key):
    assert is_sensitive_key(key) is False


def test_mask_walks_nested_mappings_and_lists():
    data = {
        "email": "a@example.test",
        "password": "hunter2",
        "devices": [{"name": "watch", "push_token": "abc"}, ["x", {"secret": 1}]],
        "profile": {"otp": "123456", "nested": {"refresh": "r", "keep": 1}},
        "tags": ("a", "b"),
    }

    assert mask(data) == {
        "email": "a@example.test",
        "password": "***",
        "devices": [{"name": "watch", "push_token": "***"}, ["x", {"secret": "***"}]],
        "profile": {"otp": "***", "nested": {"refresh": "***", "keep": 1}},
        "tags": ["a", "b"],
    }


@pytest.mark.django_db
def test_record_stores_request_context_and_masked_changes():
    actor = UserFactory(full_name="Ada Admin")
    membership = MembershipFactory(role=Role.DOCTOR)
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.5", HTTP_USER_AGENT="ua/1.0")

    event = record(
        actor=actor,
        action="access.membership_granted",
        target=membership,
        request=request,
        before={"password": "old", "at": datetime(2026, 1, 1, tzinfo=UTC)},
        after={"password": "new", "role": "doctor"},
        metadata={"token": "t", "reason": "test"},
    )

    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor_id == str(actor.pk)
    assert event.actor_label == "Ada Admin"
    assert event.target_type == "access.membership"
    assert event.target_id == str(membership.pk)
    assert event.organization_id == str(membership.organization_id)
    assert (event.ip_address, event.user_agent) == ("192.0.2.5", "ua/1.0")
    assert event.result == AuditResult.SUCCESS
    assert event.changes == {
        "before": {"password": "***", "at": "2026-01-01T00:00:00Z"},
        "after": {"password": "***", "role": "doctor"},
    }
    assert event.metadata == {"token": "***", "reason": "test"}


@pytest.mark.django_db
def test_record_of_an_organization_belongs_to_that_organization():
    organization = OrganizationFactory()

    event = record(actor=None, action="access.organization_created", target=organization)

    assert (event.actor_id, event.organization_id) == ("", str(organization.pk))


@pytest.mark.django_db
def test_record_access_derives_the_action_and_keeps_the_reason():
    actor = UserFactory()
    membership = MembershipFactory()

    event = record_access(actor=actor, target=membership, reason="treatment")

    assert event.action == "access.membership_viewed"
    assert event.metadata == {"reason": "treatment"}
    assert event.changes == {}
    assert event.organization_id == str(membership.organization_id)


@pytest.mark.django_db
def test_record_access_takes_an_explicit_action():
    event = record_access(
        actor=UserFactory(), target=OrganizationFactory(), action="clinic.export_downloaded"
    )

    assert event.action == "clinic.export_downloaded"
