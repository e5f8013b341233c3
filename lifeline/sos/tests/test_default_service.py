"""A self-registered person belongs to the deployment's default SOS service
(`LIFELINE_DEFAULT_SOS_SERVICE`): their device and SOS get its organization, its admins see
and are told, its settings apply, and only its helpers are alerted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.models import Membership, Organization
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.accounts.models import User
from lifeline.notifications.models import Notification
from lifeline.sos.enums import EventStatus
from lifeline.sos.models import (
    Device,
    HelperAlert,
    HelperProfile,
    OrganizationSosSettings,
    SosEvent,
)
from lifeline.sos.services.deadlines import deadlines_run_due
from lifeline.sos.services.devices import device_register
from lifeline.sos.services.helpers import helpers_alert_round
from lifeline.sos.tests.conftest import client_for
from lifeline.sos.tests.factories import TASHKENT, DeviceFactory, helper_at, offset

pytestmark = pytest.mark.django_db

PASSWORD = "someStrongPassword123!Xy"


def self_registered(phone: str = "+998901234567") -> tuple[User, APIClient]:
    """Register in the mobile app (the seed's flow): a user in no organization."""
    response = APIClient().post(
        "/api/v1/auth/register/",
        {"phone_number": phone, "full_name": "Self Registered", "password": PASSWORD,
         "password2": PASSWORD},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    app = APIClient()
    app.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    return User.objects.get(phone_number=phone), app


def trigger(app: APIClient, device_uid: str = "watch_self_001") -> Any:
    return app.post(
        "/api/v1/sos/trigger/",
        {"device_uid": device_uid, "lat": TASHKENT[0], "lon": TASHKENT[1],
         "detected_type": "FALL_DETECTED", "severity": 4, "timestamp": timezone.now().isoformat()},
        format="json",
    )  # fmt: skip


def service(slug: str = "sos") -> Organization:
    """The default service as an operator sets it up before anyone registers."""
    return OrganizationFactory(slug=slug, kind=OrganizationKind.SOS_SERVICE)


def test_a_self_registered_wearers_sos_belongs_to_the_default_service() -> None:
    default = service()
    admin = user_with_role(Role.SOS_ADMIN, default)
    user, app = self_registered()
    assert not Membership.objects.filter(user=user).exists()

    created = app.post(
        "/api/v1/devices/", {"device_uid": "watch_self_001", "model": "T-Watch 5"}, format="json"
    )
    assert created.status_code == 201, created.content
    response = trigger(app)

    assert response.status_code == 201, response.content
    event = SosEvent.objects.get(pk=response.json()["event_uid"])
    assert event.organization_id == default.pk
    assert Device.objects.get(device_uid="watch_self_001").organization_id == default.pk
    membership = Membership.objects.get(user=user)
    assert (membership.organization_id, membership.role, membership.is_active) == (
        default.pk, Role.DEVICE_OWNER, True,
    )  # fmt: skip
    # The default service's admin sees it in the API list.
    listed = client_for(admin).get("/api/v1/sos/")
    assert [row["event_uid"] for row in listed.json()["results"]] == [str(event.pk)]


def test_the_default_service_is_created_on_first_use() -> None:
    assert not Organization.objects.filter(slug="sos").exists()
    _user, app = self_registered()

    app.post("/api/v1/devices/", {"device_uid": "watch_self_001"}, format="json")

    organization = Organization.objects.get(slug="sos")
    assert (organization.kind, organization.is_active, organization.name) == (
        OrganizationKind.SOS_SERVICE, True, "Lifeline SOS",
    )  # fmt: skip
    assert Device.objects.get().organization_id == organization.pk


def test_its_admin_is_told_when_the_sos_escalates_and_its_settings_apply() -> None:
    default = service()
    OrganizationSosSettings.objects.create(
        organization=default, radius_steps_m=[1000], escalation_seconds=42
    )
    admin = user_with_role(Role.SOS_ADMIN, default)
    other_admin = user_with_role(
        Role.SOS_ADMIN, OrganizationFactory(kind=OrganizationKind.SOS_SERVICE)
    )
    _user, app = self_registered()
    app.post("/api/v1/devices/", {"device_uid": "watch_self_001"}, format="json")
    before = timezone.now()
    event = SosEvent.objects.get(pk=trigger(app).json()["event_uid"])

    # The org's escalation time (42 s, not the default 300 s) and radius (1 km) apply.
    assert (
        before + timedelta(seconds=42)
        <= event.escalate_at
        <= timezone.now() + timedelta(seconds=42)
    )
    helpers_alert_round(event_id=event.pk, round_no=0)
    event.refresh_from_db()
    assert event.radius_m == 1000
    with mock.patch("lifeline.sos.services.flows.event_hand_over_to_dispatch"):
        deadlines_run_due(now=event.escalate_at + timedelta(seconds=1))

    event.refresh_from_db()
    assert event.status == EventStatus.ESCALATED
    told = Notification.objects.filter(topic="sos.event_escalated")
    assert list(told.values_list("recipient_id", flat=True)) == [admin.pk]
    assert not told.filter(recipient=other_admin).exists()


def test_only_the_default_services_helpers_are_alerted() -> None:
    default = service()
    own = helper_at(default, *offset(*TASHKENT, north_m=300))
    helper_at(
        OrganizationFactory(kind=OrganizationKind.SOS_SERVICE), *offset(*TASHKENT, north_m=200)
    )
    _user, app = self_registered()
    app.post("/api/v1/devices/", {"device_uid": "watch_self_001"}, format="json")
    event = SosEvent.objects.get(pk=trigger(app).json()["event_uid"])

    helpers_alert_round(event_id=event.pk, round_no=0)

    assert list(HelperAlert.objects.filter(event=event).values_list("helper_id", flat=True)) == [
        own.pk
    ]


def test_a_device_registered_before_the_default_service_joins_it_at_its_first_sos() -> None:
    user, app = self_registered()
    DeviceFactory(owner=user, organization=None, device_uid="watch_self_001")
    default = service()

    event = SosEvent.objects.get(pk=trigger(app).json()["event_uid"])

    assert event.organization_id == default.pk
    assert Device.objects.get().organization_id == default.pk
    assert Membership.objects.filter(user=user, organization=default, is_active=True).exists()


def test_a_member_of_an_sos_service_stays_in_it() -> None:
    own = OrganizationFactory(kind=OrganizationKind.SOS_SERVICE)
    wearer = user_with_role(Role.DEVICE_OWNER, own)

    device = device_register(owner=wearer, device_uid="watch_self_001")

    assert device.organization_id == own.pk
    assert not Organization.objects.filter(slug="sos").exists()


@override_settings(LIFELINE_DEFAULT_SOS_SERVICE="")
def test_without_a_default_service_nothing_is_joined() -> None:
    user, app = self_registered()

    app.post("/api/v1/devices/", {"device_uid": "watch_self_001"}, format="json")

    assert Device.objects.get().organization_id is None
    assert not Membership.objects.filter(user=user).exists()
    assert not Organization.objects.exists()


def test_a_slug_taken_by_another_kind_is_not_used() -> None:
    OrganizationFactory(slug="sos", kind=OrganizationKind.CLINIC)
    user, app = self_registered()

    app.post("/api/v1/devices/", {"device_uid": "watch_self_001"}, format="json")

    assert Device.objects.get().organization_id is None
    assert not Membership.objects.filter(user=user).exists()


def test_volunteering_asks_the_default_service_and_its_admin_approves() -> None:
    default = service()
    admin = user_with_role(Role.SOS_ADMIN, default)
    user, app = self_registered()

    refused = app.patch("/api/v1/sos/helper/", {"opted_in": True}, format="json")

    assert refused.status_code == 403
    assert refused.json()["code"] == "sos.helper_pending"
    assert not HelperProfile.objects.exists()
    request = Membership.objects.get(user=user)
    assert (request.organization_id, request.role, request.is_active) == (
        default.pk, Role.HELPER, False,
    )  # fmt: skip
    # Asking again does not add a second request.
    assert app.patch("/api/v1/sos/helper/", {"opted_in": True}, format="json").status_code == 403
    assert Membership.objects.filter(user=user).count() == 1

    approved = client_for(admin).post(
        f"/api/v1/access/organizations/{default.pk}/memberships/{request.pk}/approve/"
    )
    assert approved.status_code == 200, approved.content
    accepted = app.patch(
        "/api/v1/sos/helper/",
        {"opted_in": True, "on_duty": True, "lat": TASHKENT[0], "lon": TASHKENT[1]},
        format="json",
    )
    assert accepted.status_code == 200, accepted.content
    assert HelperProfile.objects.get(user=user).on_duty is True


def test_a_plain_update_by_a_non_helper_is_still_refused_without_a_request() -> None:
    service()
    user, app = self_registered()

    refused = app.patch("/api/v1/sos/helper/", {"on_duty": True}, format="json")

    assert (refused.status_code, refused.json()["code"]) == (403, "sos.not_a_helper")
    assert not Membership.objects.filter(user=user).exists()
