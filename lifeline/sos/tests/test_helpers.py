from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.accounts.tests.factories import UserFactory
from lifeline.notifications.models import Notification
from lifeline.sos import selectors
from lifeline.sos.enums import EventStatus
from lifeline.sos.models import (
    ContactNotice,
    HelperAlert,
    HelperProfile,
    OrganizationSosSettings,
    SosEvent,
)
from lifeline.sos.services.deadlines import deadlines_run_due
from lifeline.sos.services.escalation import event_escalate
from lifeline.sos.services.events import event_accept, event_resolve, event_trigger
from lifeline.sos.services.helpers import helper_profile_update, helpers_alert_round
from lifeline.sos.tests.factories import (
    TASHKENT,
    DeviceFactory,
    EmergencyContactFactory,
    SosEventFactory,
    helper_at,
    offset,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(device: Any) -> SosEvent:
    return SosEventFactory(device=device)


def alerted_ids(event: SosEvent) -> list[Any]:
    return list(
        HelperAlert.objects.filter(event=event)
        .order_by("distance_m")
        .values_list("helper_id", flat=True)
    )


def test_only_available_helpers_with_the_role_are_alerted_nearest_first(
    org: Any, event: SosEvent, wearer: Any
) -> None:
    near = helper_at(org, *offset(*TASHKENT, north_m=200))
    nearer = helper_at(org, *offset(*TASHKENT, east_m=100))
    far = helper_at(org, *offset(*TASHKENT, north_m=4000))
    helper_at(org, *offset(*TASHKENT, north_m=6000))  # outside 5 km
    helper_at(org, *offset(*TASHKENT, north_m=50), on_duty=False)
    helper_at(org, *offset(*TASHKENT, north_m=50), fresh=False)
    # Reference hole: plain users (no helper role) nearby were alerted.
    plain = UserFactory()
    HelperProfile.objects.create(
        user=plain,
        opted_in=True,
        on_duty=True,
        lat=TASHKENT[0],
        lon=TASHKENT[1],
        location_at=timezone.now(),
    )
    # The wearer is a helper too, right there: never alerted about their own SOS.
    from lifeline.access.tests.factories import MembershipFactory

    MembershipFactory(user=wearer, organization=org, role=Role.HELPER)
    HelperProfile.objects.create(
        user=wearer,
        opted_in=True,
        on_duty=True,
        lat=TASHKENT[0],
        lon=TASHKENT[1],
        location_at=timezone.now(),
    )

    helpers_alert_round(event_id=event.pk)

    assert alerted_ids(event) == [nearer.pk, near.pk, far.pk]
    assert Notification.objects.filter(topic="sos.helper_alert", critical=True).count() == 3
    event.refresh_from_db()
    assert event.radius_m == 5000


def test_helper_with_two_devices_gets_one_alert(org: Any, event: SosEvent) -> None:
    # Reference hole: a helper owning two online devices was notified twice.
    helper = helper_at(org, *offset(*TASHKENT, north_m=200))
    DeviceFactory(owner=helper, is_online=True, last_lat=TASHKENT[0], last_lon=TASHKENT[1])
    DeviceFactory(owner=helper, is_online=True, last_lat=TASHKENT[0], last_lon=TASHKENT[1])

    helpers_alert_round(event_id=event.pk)
    helpers_alert_round(event_id=event.pk)

    assert alerted_ids(event) == [helper.pk]
    assert Notification.objects.filter(recipient=helper, topic="sos.helper_alert").count() == 1


def test_helper_of_another_organization_is_not_alerted(org: Any, event: SosEvent) -> None:
    other = OrganizationFactory(kind=OrganizationKind.SOS_SERVICE)
    helper_at(other, *offset(*TASHKENT, north_m=100))

    helpers_alert_round(event_id=event.pk)

    assert alerted_ids(event) == []


def test_radius_widens_at_once_when_fewer_than_k_are_found(org: Any, event: SosEvent) -> None:
    a = helper_at(org, *offset(*TASHKENT, north_m=1000))
    b = helper_at(org, *offset(*TASHKENT, north_m=8000))
    c = helper_at(org, *offset(*TASHKENT, north_m=15000))
    helper_at(org, *offset(*TASHKENT, north_m=30000))

    helpers_alert_round(event_id=event.pk)

    assert alerted_ids(event) == [a.pk, b.pk, c.pk]
    event.refresh_from_db()
    assert (event.radius_m, event.radius_step) == (20000, 2)


def test_cap_limits_one_round(org: Any, event: SosEvent) -> None:
    OrganizationSosSettings.objects.create(organization=org, helper_cap=2, min_helpers_k=1)
    helpers = [helper_at(org, *offset(*TASHKENT, north_m=100 * (i + 1))) for i in range(4)]

    helpers_alert_round(event_id=event.pk)

    assert alerted_ids(event) == [helpers[0].pk, helpers[1].pk]


def test_nobody_accepts_within_t_so_the_search_widens(org: Any, event: SosEvent) -> None:
    OrganizationSosSettings.objects.create(
        organization=org, min_helpers_k=1, accept_wait_seconds=60
    )
    near = helper_at(org, *offset(*TASHKENT, north_m=1000))
    further = helper_at(org, *offset(*TASHKENT, north_m=9000))

    now = timezone.now()
    helpers_alert_round(event_id=event.pk, now=now)
    assert alerted_ids(event) == [near.pk]
    event.refresh_from_db()
    # The next, wider round is a deadline on the event, t seconds later.
    assert (event.round_no, event.next_round_at, event.next_round_step) == (
        1,
        now + timedelta(seconds=60),
        1,
    )
    # Before t nothing happens; at t the sweep searches one step further.
    assert deadlines_run_due(now=now + timedelta(seconds=59))["alerts"] == 0
    assert deadlines_run_due(now=now + timedelta(seconds=60))["alerts"] == 1
    assert alerted_ids(event) == [near.pk, further.pk]
    event.refresh_from_db()
    assert (event.round_no, event.next_round_at, event.radius_m) == (
        2,
        now + timedelta(seconds=120),
        10000,
    )
    # A late repeat of the recorded round does nothing.
    assert helpers_alert_round(event_id=event.pk, round_no=1) == []
    # The widest radius (20 km) reached: no further round is due.
    assert deadlines_run_due(now=now + timedelta(seconds=120))["rounds"] == 1
    event.refresh_from_db()
    assert (event.round_no, event.next_round_at, event.radius_m) == (3, None, 20000)
    assert deadlines_run_due(now=now + timedelta(seconds=600))["rounds"] == 0
    assert alerted_ids(event) == [near.pk, further.pk]


def test_no_widening_after_an_accept(org: Any, event: SosEvent) -> None:
    OrganizationSosSettings.objects.create(organization=org, min_helpers_k=1)
    near = helper_at(org, *offset(*TASHKENT, north_m=1000))
    helper_at(org, *offset(*TASHKENT, north_m=9000))
    helpers_alert_round(event_id=event.pk)
    event_accept(event=event, actor=near)

    event.refresh_from_db()
    assert (event.next_round_at, event.escalate_at) == (None, None)
    later = timezone.now() + timedelta(minutes=10)
    assert deadlines_run_due(now=later) == {
        "rounds": 0,
        "alerts": 0,
        "escalated": 0,
        "sent": 0,
    }
    assert helpers_alert_round(event_id=event.pk, round_no=1) == []
    assert alerted_ids(event) == [near.pk]


def test_cooldown_skips_a_helper_alerted_recently(org: Any, device: Any) -> None:
    helper = helper_at(org, *offset(*TASHKENT, north_m=100))
    first = SosEventFactory(device=device)
    second = SosEventFactory(device=DeviceFactory(organization=org))
    helpers_alert_round(event_id=first.pk)
    helpers_alert_round(event_id=second.pk)

    assert alerted_ids(first) == [helper.pk]
    assert alerted_ids(second) == []
    later = timezone.now() + timedelta(minutes=6)
    third = SosEventFactory(device=DeviceFactory(organization=org))
    with mock.patch("django.utils.timezone.now", return_value=later):
        HelperProfile.objects.filter(user=helper).update(location_at=later)
        helpers_alert_round(event_id=third.pk)
    assert alerted_ids(third) == [helper.pk]


def test_helper_profile_requires_the_role_and_opt_in(org: Any) -> None:
    from lifeline.sos.exceptions import NotAHelper
    from lifeline.sos.tests.conftest import client_for

    with pytest.raises(NotAHelper):
        helper_profile_update(user=UserFactory(), opted_in=True)
    helper = user_with_role(Role.HELPER, org)
    duty = client_for(helper).patch("/api/v1/sos/helper/", {"on_duty": True}, format="json").json()
    assert duty["on_duty"] is False  # not opted in yet
    body = (
        client_for(helper)
        .patch(
            "/api/v1/sos/helper/",
            {"opted_in": True, "on_duty": True, "lat": 41.3, "lon": 69.2},
            format="json",
        )
        .json()
    )
    assert (body["opted_in"], body["on_duty"], body["lat"], body["lon"]) == (True, True, 41.3, 69.2)
    assert (
        client_for(UserFactory())
        .patch("/api/v1/sos/helper/", {"opted_in": True}, format="json")
        .status_code
        == 403
    )
    bad = client_for(helper).patch("/api/v1/sos/helper/", {"lat": 100, "lon": 0}, format="json")
    assert bad.status_code == 400
    assert HelperProfile.objects.get(user=helper).lat == 41.3


def test_nearest_helpers_matches_brute_force(org: Any) -> None:
    import random

    from lifeline.sos import geo

    rng = random.Random(7)
    points = []
    for _ in range(60):
        lat, lon = TASHKENT[0] + rng.uniform(-0.1, 0.1), TASHKENT[1] + rng.uniform(-0.1, 0.1)
        points.append((helper_at(org, lat, lon).pk, lat, lon))
    found = selectors.nearest_helpers(
        lat=TASHKENT[0], lon=TASHKENT[1], radius_m=5000, limit=10, organization_id=org.pk
    )
    expected = sorted(
        (
            (geo.haversine_m(*TASHKENT, lat, lon), pk)
            for pk, lat, lon in points
            if geo.haversine_m(*TASHKENT, lat, lon) <= 5000
        )
    )[:10]

    assert [h.user_id for h in found] == [pk for _d, pk in expected]


def test_bounding_box_contains_the_circle_near_the_antimeridian_and_poles() -> None:
    from lifeline.sos import geo

    assert geo.bounding_box(10, 179.99, 5000)[2:] == (-180.0, 180.0)
    assert geo.bounding_box(89.99, 0, 5000)[2:] == (-180.0, 180.0)
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(41.3, 69.2, 5000)
    assert geo.haversine_m(41.3, 69.2, max_lat, 69.2) == pytest.approx(5000, rel=1e-3)
    assert geo.haversine_m(41.3, 69.2, 41.3, max_lon) >= 5000


# --- escalation ---------------------------------------------------------------------------
def test_escalation_deadline_escalates_a_new_event(
    org: Any, device: Any, wearer: Any, sos_admin: Any
) -> None:
    # Reference hole: escalation_watch was a stub that only logged.
    contact = EmergencyContactFactory(owner=wearer)
    now = timezone.now()
    event = SosEventFactory(device=device, escalate_at=now, next_round_at=now)

    with mock.patch("lifeline.sos.services.flows.event_hand_over_to_dispatch") as hand_over:
        assert deadlines_run_due(now=now)["escalated"] == 1

    event.refresh_from_db()
    assert event.status == EventStatus.ESCALATED
    assert event.escalated_at == now
    # An escalated event stops searching (the reference kept widening its radius).
    assert (event.escalate_at, event.next_round_at) == (None, None)
    hand_over.assert_called_once()
    assert (
        Notification.objects.get(recipient=sos_admin, topic="sos.event_escalated").critical is True
    )
    notice = ContactNotice.objects.get(event=event, contact=contact)
    assert notice.kind == "escalated"


def test_escalation_deadline_leaves_an_accepted_event_alone(
    org: Any, device: Any, sos_admin: Any
) -> None:
    now = timezone.now()
    event = SosEventFactory(device=device, status=EventStatus.ACCEPTED, escalate_at=now)

    assert deadlines_run_due(now=now)["escalated"] == 0
    assert event_escalate(event_id=event.pk, now=now, deadline=True) == event
    event.refresh_from_db()
    assert event.status == EventStatus.ACCEPTED
    assert Notification.objects.filter(topic="sos.event_escalated").count() == 0


def test_escalation_runs_through_the_sos_sweep(
    org: Any, device: Any, wearer: Any, sos_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    result = event_trigger(
        device=device,
        lat=TASHKENT[0],
        lon=TASHKENT[1],
        detected_type="OTHER",
        severity=2,
        timestamp=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_run_due(now=timezone.now() + timedelta(seconds=299))
    assert SosEvent.objects.get(pk=result.event.pk).status == EventStatus.NEW
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_run_due(now=timezone.now() + timedelta(seconds=301))

    assert SosEvent.objects.get(pk=result.event.pk).status == EventStatus.ESCALATED


# --- emergency contacts -------------------------------------------------------------------
def test_contacts_are_told_on_trigger_accept_and_resolve(
    org: Any, device: Any, wearer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    contact = EmergencyContactFactory(owner=wearer)
    helper = helper_at(org, *offset(*TASHKENT, north_m=100))
    provider = mock.Mock()
    with mock.patch("lifeline.sos.services.contacts.sms_send", provider.send):
        with django_capture_on_commit_callbacks(execute=True):
            event = event_trigger(
                device=device,
                lat=TASHKENT[0],
                lon=TASHKENT[1],
                detected_type="OTHER",
                severity=2,
                timestamp=timezone.now(),
            ).event
        with django_capture_on_commit_callbacks(execute=True):
            event_accept(event=event, actor=helper)
        with django_capture_on_commit_callbacks(execute=True):
            event_resolve(event=event, actor=helper, outcome="ok")

    kinds = list(
        ContactNotice.objects.filter(contact=contact).order_by("id").values_list("kind", flat=True)
    )
    assert kinds == ["created", "accepted", "resolved"]
    assert ContactNotice.objects.filter(sent_at__isnull=True).count() == 0
    calls = provider.send.call_args_list
    assert len(calls) == 3
    assert calls[0].kwargs["to"] == contact.phone_number
    assert "triggered an SOS" in calls[0].kwargs["text"]


def test_contacts_api_is_owner_only(wearer: Any) -> None:
    from lifeline.sos.tests.conftest import client_for

    created = client_for(wearer).post(
        "/api/v1/sos/contacts/",
        {"name": "Dilnoza", "phone_number": "+998901112233", "relation": "daughter"},
        format="json",
    )
    assert created.status_code == 201
    contact_id = created.json()["id"]
    assert (
        client_for(UserFactory()).delete(f"/api/v1/sos/contacts/{contact_id}/").status_code == 404
    )
    assert (
        client_for(wearer)
        .post("/api/v1/sos/contacts/", {"name": "X", "phone_number": "abc"}, format="json")
        .status_code
        == 400
    )
    assert [c["name"] for c in client_for(wearer).get("/api/v1/sos/contacts/").json()] == [
        "Dilnoza"
    ]
    assert client_for(wearer).delete(f"/api/v1/sos/contacts/{contact_id}/").status_code == 204


def test_grid_cell_is_kept_by_save_and_huge_radii_fall_back_to_the_box(org: Any) -> None:
    from lifeline.sos import geo

    helper = helper_at(org, *offset(*TASHKENT, north_m=50_000))
    profile = HelperProfile.objects.get(user=helper)
    assert profile.grid_cell == geo.grid_cell(profile.lat, profile.lon)
    profile.lat, profile.lon = TASHKENT
    profile.save(update_fields=["lat", "lon"])
    assert HelperProfile.objects.get(pk=profile.pk).grid_cell == geo.grid_cell(*TASHKENT)
    assert geo.grid_cells(*geo.bounding_box(*TASHKENT, 500_000)) is None
    far = helper_at(org, *offset(*TASHKENT, north_m=300_000))
    found = selectors.nearest_helpers(
        lat=TASHKENT[0], lon=TASHKENT[1], radius_m=500_000, limit=10, organization_id=org.pk
    )
    assert [h.user_id for h in found] == [helper.pk, far.pk]
