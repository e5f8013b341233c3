from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from lifeline.access.enums import Role
from lifeline.access.testing import Case, assert_permission_matrix
from lifeline.access.tests.factories import user_with_role
from lifeline.accounts.tests.factories import UserFactory
from lifeline.notifications.models import Notification
from lifeline.sos.enums import AlertStatus, EventStatus
from lifeline.sos.models import HelperAlert, SosEvent
from lifeline.sos.services.events import event_trigger
from lifeline.sos.tests.conftest import client_for
from lifeline.sos.tests.factories import TASHKENT, SosEventFactory, helper_at, offset

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(device: Any, wearer: Any, django_capture_on_commit_callbacks: Any) -> SosEvent:
    with django_capture_on_commit_callbacks(execute=True):
        result = event_trigger(
            device=device,
            lat=TASHKENT[0],
            lon=TASHKENT[1],
            detected_type="FALL_DETECTED",
            severity=4,
            timestamp=timezone.now(),
            actor=wearer,
        )
    return result.event


@pytest.fixture
def helpers(org: Any, device: Any) -> list[Any]:
    return [
        helper_at(org, *offset(*TASHKENT, north_m=300 * (i + 1)), phone_number=f"+99890111000{i}")
        for i in range(3)
    ]


@pytest.fixture
def alerted(helpers: list[Any], event: SosEvent) -> list[Any]:
    from lifeline.sos.services.helpers import helpers_alert_round

    helpers_alert_round(event_id=event.pk)
    assert HelperAlert.objects.filter(event=event).count() == 3
    return helpers


def respond(user: Any, event: SosEvent, status: str = "ACCEPTED") -> Any:
    return client_for(user).post(
        f"/api/v1/sos/{event.pk}/respond/", {"status": status}, format="json"
    )


def test_first_accept_wins_and_others_get_409(
    alerted: list[Any], event: SosEvent, wearer: Any
) -> None:
    first = respond(alerted[0], event)
    second = respond(alerted[1], event)

    assert first.status_code == 200
    assert first.json() == {"status": "accepted"}
    assert second.status_code == 409
    assert second.json()["code"] == "sos.already_accepted"
    event.refresh_from_db()
    assert (event.status, event.accepted_by) == (EventStatus.ACCEPTED, alerted[0])
    assert event.accepted_at is not None
    statuses = dict(HelperAlert.objects.filter(event=event).values_list("helper_id", "status"))
    assert statuses == {
        alerted[0].pk: AlertStatus.ACCEPTED,
        alerted[1].pk: AlertStatus.TAKEN,
        alerted[2].pk: AlertStatus.TAKEN,
    }
    told = Notification.objects.get(recipient=wearer, topic="sos.help_on_way")
    assert told.data["helper_name"] == alerted[0].display_name
    assert told.data["helper_phone"] == "+998901110000"
    assert alerted[0].display_name in told.body
    assert "+998901110000" in told.body
    assert Notification.objects.filter(topic="sos.alert_taken").count() == 2
    # The search and the escalation clock stop with the accept.
    assert (event.next_round_at, event.escalate_at) == (None, None)


def test_wearer_cannot_accept_own_sos(event: SosEvent, wearer: Any) -> None:
    # Reference hole: the victim could accept their own SOS (200).
    response = respond(wearer, event)

    assert response.status_code == 403
    assert response.json()["code"] == "sos.own_event"
    event.refresh_from_db()
    assert event.status == EventStatus.NEW


def test_user_who_was_not_alerted_gets_404(event: SosEvent) -> None:
    response = respond(UserFactory(), event)

    assert response.status_code == 404
    event.refresh_from_db()
    assert event.status == EventStatus.NEW


@pytest.mark.parametrize("status", [EventStatus.RESOLVED, EventStatus.CANCELLED])
def test_accepting_a_closed_event_is_409(alerted: list[Any], event: SosEvent, status: str) -> None:
    SosEvent.objects.filter(pk=event.pk).update(status=status)
    response = respond(alerted[0], event)

    assert response.status_code == 409
    assert response.json()["code"] == "sos.event_closed"
    assert SosEvent.objects.get(pk=event.pk).accepted_by is None


def test_invalid_respond_body_is_400(alerted: list[Any], event: SosEvent) -> None:
    response = respond(alerted[0], event, status="MAYBE")

    assert response.status_code == 400
    assert "status" in response.json()["errors"]
    assert SosEvent.objects.get(pk=event.pk).status == EventStatus.NEW


def test_decline_marks_only_the_alert(alerted: list[Any], event: SosEvent) -> None:
    response = respond(alerted[0], event, status="DECLINED")

    assert response.json() == {"status": "declined"}
    assert HelperAlert.objects.get(event=event, helper=alerted[0]).status == AlertStatus.DECLINED
    assert SosEvent.objects.get(pk=event.pk).status == EventStatus.NEW


def test_withdraw_reopens_the_event(alerted: list[Any], event: SosEvent, wearer: Any) -> None:
    respond(alerted[0], event)
    response = client_for(alerted[0]).post(f"/api/v1/sos/{event.pk}/withdraw/")

    assert response.status_code == 200
    assert response.json()["status"] == "NEW"
    assert response.json()["accepted_by"] is None
    assert HelperAlert.objects.get(event=event, helper=alerted[0]).status == AlertStatus.WITHDRAWN
    assert Notification.objects.filter(recipient=wearer, topic="sos.event_reopened").count() == 1
    assert respond(alerted[1], event).status_code == 200


def test_only_the_accepting_helper_can_withdraw(alerted: list[Any], event: SosEvent) -> None:
    respond(alerted[0], event)
    response = client_for(alerted[1]).post(f"/api/v1/sos/{event.pk}/withdraw/")

    assert response.status_code == 409
    assert response.json()["code"] == "sos.not_accepted"
    assert SosEvent.objects.get(pk=event.pk).accepted_by == alerted[0]


def test_wearer_cancels_within_the_window_without_reason(
    alerted: list[Any], event: SosEvent, wearer: Any
) -> None:
    response = client_for(wearer).post(f"/api/v1/sos/{event.pk}/cancel/", {}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "CANCELLED"
    event.refresh_from_db()
    assert (event.cancelled_by, event.cancel_reason) == (wearer, "")
    assert set(HelperAlert.objects.filter(event=event).values_list("status", flat=True)) == {
        AlertStatus.CLOSED
    }
    assert Notification.objects.filter(topic="sos.event_closed").count() == 3
    assert respond(alerted[0], event).status_code == 409


def test_late_cancel_needs_a_reason(event: SosEvent, wearer: Any) -> None:
    later = timezone.now() + timedelta(minutes=3)
    with mock.patch("django.utils.timezone.now", return_value=later):
        refused = client_for(wearer).post(f"/api/v1/sos/{event.pk}/cancel/", {}, format="json")
        accepted = client_for(wearer).post(
            f"/api/v1/sos/{event.pk}/cancel/", {"reason": "False alarm"}, format="json"
        )

    assert refused.status_code == 400
    assert refused.json()["code"] == "sos.reason_required"
    assert accepted.status_code == 200
    assert SosEvent.objects.get(pk=event.pk).cancel_reason == "False alarm"


def test_helper_cannot_cancel(alerted: list[Any], event: SosEvent) -> None:
    response = client_for(alerted[0]).post(f"/api/v1/sos/{event.pk}/cancel/", {}, format="json")

    assert response.status_code == 403
    assert SosEvent.objects.get(pk=event.pk).status == EventStatus.NEW


def test_accepting_helper_resolves_with_outcome(alerted: list[Any], event: SosEvent) -> None:
    respond(alerted[0], event)
    response = client_for(alerted[0]).post(
        f"/api/v1/sos/{event.pk}/resolve/", {"outcome": "Helped up, unhurt"}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["resolved"], body["outcome"]) == (
        "RESOLVED",
        True,
        "Helped up, unhurt",
    )
    again = client_for(alerted[0]).post(f"/api/v1/sos/{event.pk}/resolve/", {}, format="json")
    assert again.status_code == 409


def test_sos_admin_resolves_and_escalates(event: SosEvent, sos_admin: Any) -> None:
    escalated = client_for(sos_admin).post(f"/api/v1/sos/{event.pk}/escalate/")
    resolved = client_for(sos_admin).post(f"/api/v1/sos/{event.pk}/resolve/", {}, format="json")

    assert escalated.json()["status"] == "ESCALATED"
    assert resolved.json()["status"] == "RESOLVED"
    kinds = event.timeline.filter(kind__in=["created", "escalated", "resolved"])
    assert list(kinds.values_list("kind", flat=True)) == ["created", "escalated", "resolved"]


def test_wearer_and_plain_helper_cannot_resolve_or_escalate(
    alerted: list[Any], event: SosEvent, wearer: Any
) -> None:
    for user in (wearer, alerted[1]):
        assert (
            client_for(user).post(f"/api/v1/sos/{event.pk}/resolve/", {}, format="json").status_code
            == 403
        )
        assert client_for(user).post(f"/api/v1/sos/{event.pk}/escalate/").status_code == 403
    assert SosEvent.objects.get(pk=event.pk).status == EventStatus.NEW


def test_event_detail_permission_matrix(org: Any, event: SosEvent, alerted: list[Any]) -> None:
    url = f"/api/v1/sos/{event.pk}/"
    assert_permission_matrix(
        [
            Case("anonymous", "get", url, 401),
            Case("wearer", "get", url, 200),
            Case("alerted_helper", "get", url, 200),
            Case(Role.HELPER, "get", url, 404),
            Case("no_role", "get", url, 404),
            Case(Role.DEVICE_OWNER, "get", url, 404),
            Case(Role.SOS_ADMIN, "get", url, 200),
            Case("other:sos_admin", "get", url, 404),
            Case(Role.PLATFORM_ADMIN, "get", url, 200),
        ],
        organization=org,
        actors={"wearer": lambda: event.user, "alerted_helper": lambda: alerted[0]},
    )


def test_accept_permission_matrix(org: Any, event: SosEvent, alerted: list[Any]) -> None:
    url = f"/api/v1/sos/{event.pk}/respond/"
    body = {"status": "ACCEPTED"}
    assert_permission_matrix(
        [
            Case("anonymous", "post", url, 401, body),
            Case("wearer", "post", url, 403, body),
            Case("alerted_helper", "post", url, 200, body),
            Case(Role.HELPER, "post", url, 404, body),
            Case("no_role", "post", url, 404, body),
            Case(Role.SOS_ADMIN, "post", url, 200, body),
            Case("other:sos_admin", "post", url, 404, body),
        ],
        organization=org,
        actors={"wearer": lambda: event.user, "alerted_helper": lambda: alerted[0]},
    )


def test_event_detail_has_the_seed_fields_and_is_audited(
    event: SosEvent, wearer: Any, device: Any
) -> None:
    from lifeline.audit.models import AuditEvent

    body = client_for(wearer).get(f"/api/v1/sos/{event.pk}/").json()

    seed_fields = {
        "id", "event_uid", "status", "timestamp", "resolved", "resolved_at", "detected_type",
        "severity", "lat", "lon", "altitude", "user", "device", "accepted_by", "accepted_at",
        "created_at",
    }  # fmt: skip
    assert seed_fields <= set(body)
    assert body["event_uid"] == str(event.pk)
    assert body["device"]["device_uid"] == device.device_uid
    assert body["user"]["phone_number"] == "+998901234567"
    assert (
        AuditEvent.objects.filter(action="sos.sosevent_viewed", target_id=str(event.pk)).count()
        == 1
    )


def test_list_is_scoped_and_active_filters(
    event: SosEvent, wearer: Any, sos_admin: Any, django_assert_max_num_queries: Any
) -> None:
    # Reference hole: any user listed every victim's events and phone numbers.
    other_org_event = SosEventFactory()
    SosEventFactory(
        device__owner=wearer, device__organization=event.organization, status=EventStatus.RESOLVED
    )
    old = SosEventFactory(device__owner=wearer, device__organization=event.organization)
    SosEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))

    assert client_for(UserFactory()).get("/api/v1/sos/").json()["results"] == []
    mine = client_for(wearer).get("/api/v1/sos/").json()["results"]
    assert len(mine) == 3
    active = client_for(wearer).get("/api/v1/sos/?active=true").json()["results"]
    assert [e["event_uid"] for e in active] == [str(event.pk)]
    client = client_for(sos_admin)
    with django_assert_max_num_queries(6):
        admin_ids = {e["event_uid"] for e in client.get("/api/v1/sos/").json()["results"]}
    assert str(other_org_event.pk) not in admin_ids
    assert str(event.pk) in admin_ids


def test_list_query_count_does_not_grow(
    wearer: Any, device: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(15):
        SosEventFactory(device=device)
    client = client_for(wearer)
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/sos/")
    assert len(response.json()["results"]) == 15


def test_admin_of_another_organization_cannot_act(event: SosEvent) -> None:
    outsider = user_with_role(Role.SOS_ADMIN)
    for action in ("resolve", "escalate", "cancel"):
        assert (
            client_for(outsider)
            .post(f"/api/v1/sos/{event.pk}/{action}/", {}, format="json")
            .status_code
            == 404
        )
    assert SosEvent.objects.get(pk=event.pk).status == EventStatus.NEW


def test_timeline_lists_steps_with_actors(alerted: list[Any], event: SosEvent, wearer: Any) -> None:
    respond(alerted[0], event)
    body = client_for(wearer).get(f"/api/v1/sos/{event.pk}/timeline/").json()

    kinds = [entry["kind"] for entry in body]
    assert kinds[0] == "created"
    assert "helpers_alerted" in kinds
    assert body[-1]["kind"] in ("accepted", "contacts_told")
    accepted = next(entry for entry in body if entry["kind"] == "accepted")
    assert accepted["actor"]["uuid"] == str(alerted[0].pk)
