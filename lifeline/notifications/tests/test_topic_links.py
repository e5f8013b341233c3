from __future__ import annotations

import uuid

import pytest
from django.test import Client

from lifeline.accounts.tests.factories import UserFactory
from lifeline.notifications.tests.factories import NotificationFactory
from lifeline.notifications.topics import all_topics, topic_link

pytestmark = pytest.mark.django_db

EVENT_UID = "7e0bf878-99b1-4f25-a437-f2c3de67f520"


def test_every_topic_a_person_receives_opens_a_page():
    without_link = [t.key for t in all_topics() if t.link is None]

    assert without_link == ["system.test"]


@pytest.mark.parametrize(
    ("topic", "data", "expected"),
    [
        ("sos.helper_alert", {"event_uid": EVENT_UID}, f"/sos/events/{EVENT_UID}/"),
        ("sos.event_escalated", {"event_uid": EVENT_UID}, f"/sos/events/{EVENT_UID}/"),
        ("chat.message_received", {"conversation_id": EVENT_UID}, f"/chat/?c={EVENT_UID}"),
        (
            "clinic.conclusion_issued",
            {"conclusion_id": EVENT_UID},
            f"/clinic/conclusions/{EVENT_UID}/",
        ),
        (
            "clinic.assessment_submitted",
            {"evaluation_id": EVENT_UID},
            f"/clinic/evaluations/{EVENT_UID}/",
        ),
        (
            "clinic.patient_record_updated",
            {"patient_id": EVENT_UID},
            f"/clinic/patients/{EVENT_UID}/",
        ),
        ("clinic.assessment_due", {"due_date": "2026-12-01"}, "/clinic/"),
        ("accounts.new_device_login", {}, "/account/security/"),
    ],
)
def test_a_topic_links_its_object_from_the_notification_data(topic, data, expected):
    assert topic_link(topic, data) == expected


def test_no_link_when_the_data_lacks_the_object_or_the_topic_is_gone():
    assert topic_link("sos.helper_alert", {}) is None
    assert topic_link("sos.helper_alert", {"event_uid": "not-a-uuid"}) is None
    assert topic_link("removed.topic", {"event_uid": EVENT_UID}) is None


def test_the_inbox_opens_the_notification_object(client: Client):
    user = UserFactory()
    conclusion_id = str(uuid.uuid4())
    NotificationFactory(
        recipient=user, topic="clinic.conclusion_issued", data={"conclusion_id": conclusion_id}
    )
    NotificationFactory(recipient=user, topic="system.test")
    client.force_login(user)

    html = client.get("/notifications/").content.decode()

    assert html.count('class="button" href="/clinic/conclusions/') == 1
    assert f'<a class="button" href="/clinic/conclusions/{conclusion_id}/">Open</a>' in html


def test_the_api_gives_each_notification_its_link(api_client):
    user = UserFactory()
    NotificationFactory(recipient=user, topic="sos.help_on_way", data={"event_uid": EVENT_UID})
    api_client.force_authenticate(user)

    results = api_client.get("/api/v1/notifications/").json()["results"]

    assert [r["link"] for r in results] == [f"/sos/events/{EVENT_UID}/"]
