import pytest
from django.urls import reverse

from lifeline.access.tests.factories import UserFactory
from lifeline.audit.models import AuditEvent
from lifeline.audit.tests.factories import AuditEventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_changelist_searches_and_filters(superuser_client):
    AuditEventFactory(action="access.membership_granted", target_id="42")
    AuditEventFactory(action="clinic.assessment_viewed")

    response = superuser_client.get(
        reverse("admin:audit_auditevent_changelist"), {"q": "access.", "result": "success"}
    )

    assert response.status_code == 200
    assert [e.action for e in response.context["cl"].result_list] == ["access.membership_granted"]


def test_changelist_filters_by_the_actions_module(superuser_client):
    AuditEventFactory(action="clinic.patient_viewed")
    AuditEventFactory(action="clinic.assessment_viewed")
    AuditEventFactory(action="chat.message_sent")
    AuditEventFactory(action="clinicx.other")  # a prefix of the name is not the module

    response = superuser_client.get(
        reverse("admin:audit_auditevent_changelist"), {"module": "clinic"}
    )

    assert response.status_code == 200
    assert sorted(e.action for e in response.context["cl"].result_list) == [
        "clinic.assessment_viewed",
        "clinic.patient_viewed",
    ]


def test_events_cannot_be_added_changed_or_deleted(superuser_client):
    event = AuditEventFactory(action="a.b_done")

    add = superuser_client.get(reverse("admin:audit_auditevent_add"))
    change = superuser_client.post(
        reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "x"}
    )
    delete = superuser_client.post(
        reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}
    )

    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert AuditEvent.objects.get().action == "a.b_done"
