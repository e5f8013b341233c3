from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lifeline.audit.models import AuditEvent
from lifeline.notifications.enums import Channel, DeliveryStatus, DeviceKind
from lifeline.notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    PushDevice,
    QuietHours,
)
from lifeline.notifications.tests.factories import (
    DeliveryFactory,
    NotificationFactory,
    NotificationPreferenceFactory,
    PushDeviceFactory,
    QuietHoursFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory(language="en", time_zone="Europe/Moscow")


@pytest.fixture
def client(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def url(name, **kwargs):
    return reverse(f"notifications:{name}", kwargs=kwargs)


def _created(notification, minutes_ago):
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    notification.refresh_from_db()
    return notification


# --- inbox ----------------------------------------------------------------------------------
def test_list_is_newest_first_and_only_mine(client, user):
    older = _created(NotificationFactory(recipient=user, title="older"), 10)
    newer = _created(NotificationFactory(recipient=user, title="newer", read=True), 5)
    NotificationFactory()  # someone else's
    NotificationFactory(recipient=user, archived=True)
    NotificationFactory(recipient=user, in_inbox=False)

    response = client.get(url("notification-list"))

    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["results"]] == [str(newer.pk), str(older.pk)]
    assert body["results"][1] == {
        "id": str(older.pk),
        "topic": "system.test",
        "title": "Test notification",  # rendered from the topic when read, not stored "older"
        "body": "This is a test notification from Lifeline.",
        "data": {},
        "link": None,
        "critical": False,
        "created_at": older.created_at.isoformat().replace("+00:00", "Z"),
        "read_at": None,
        "archived_at": None,
    }
    assert body["previous"] is None
    assert body["next"] is None


def test_list_filters_unread_and_archived(client, user):
    unread = NotificationFactory(recipient=user)
    NotificationFactory(recipient=user, read=True)
    archived = NotificationFactory(recipient=user, archived=True)

    unread_ids = [
        i["id"] for i in client.get(url("notification-list") + "?unread=true").json()["results"]
    ]
    archived_ids = [
        i["id"] for i in client.get(url("notification-list") + "?archived=true").json()["results"]
    ]

    assert unread_ids == [str(unread.pk)]
    assert archived_ids == [str(archived.pk)]


def test_list_pages_with_a_cursor(client, user):
    for minutes in range(5):
        _created(NotificationFactory(recipient=user), minutes)

    first = client.get(url("notification-list") + "?page_size=2").json()
    second = client.get(first["next"]).json()

    assert len(first["results"]) == 2
    assert len(second["results"]) == 2
    assert not {i["id"] for i in first["results"]} & {i["id"] for i in second["results"]}


def test_list_query_count_does_not_grow_with_the_page(client, user, django_assert_num_queries):
    NotificationFactory.create_batch(3, recipient=user)
    with django_assert_num_queries(1):
        client.get(url("notification-list"))

    NotificationFactory.create_batch(20, recipient=user)
    with django_assert_num_queries(1):
        response = client.get(url("notification-list"))
    assert len(response.json()["results"]) == 23


def test_unread_count(client, user):
    NotificationFactory.create_batch(2, recipient=user)
    NotificationFactory(recipient=user, read=True)
    NotificationFactory(recipient=user, archived=True)
    NotificationFactory()

    response = client.get(url("notification-unread-count"))

    assert response.status_code == 200
    assert response.json() == {"unread_count": 2}


def test_mark_read_marks_the_notification_and_its_in_app_delivery(client, user, published):
    notification = NotificationFactory(recipient=user)
    DeliveryFactory(notification=notification, channel=Channel.IN_APP, status=DeliveryStatus.SENT)
    email = DeliveryFactory(notification=notification, channel=Channel.EMAIL, status="sent")

    response = client.post(url("notification-read", notification_id=notification.pk))

    assert response.status_code == 200
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert response.json()["read_at"] == notification.read_at.isoformat().replace("+00:00", "Z")
    assert Delivery.objects.get(notification=notification, channel="in_app").status == "read"
    email.refresh_from_db()
    assert email.status == "sent"
    assert [(e.type, e.data, g) for e, g in published] == [
        ("notifications.unread_count_changed", {"unread_count": 0}, [f"user.{user.pk}"])
    ]


def test_mark_read_twice_keeps_the_first_time(client, user, published):
    notification = NotificationFactory(recipient=user, read=True)
    first_read_at = notification.read_at

    response = client.post(url("notification-read", notification_id=notification.pk))

    assert response.status_code == 200
    notification.refresh_from_db()
    assert notification.read_at == first_read_at
    assert published == []


def test_read_all(client, user, published):
    mine = NotificationFactory.create_batch(3, recipient=user)
    others = NotificationFactory()

    response = client.post(url("notification-read-all"))

    assert response.status_code == 200
    assert response.json() == {"updated": 3, "unread_count": 0}
    assert Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).count() == 0
    others.refresh_from_db()
    assert others.read_at is None


def test_archive(client, user, published):
    notification = NotificationFactory(recipient=user)

    response = client.post(url("notification-archive", notification_id=notification.pk))

    assert response.status_code == 200
    notification.refresh_from_db()
    assert notification.archived_at is not None
    assert client.get(url("notification-unread-count")).json() == {"unread_count": 0}


@pytest.mark.parametrize("name", ["notification-read", "notification-archive"])
def test_someone_elses_notification_is_404_and_unchanged(client, name, published):
    other = NotificationFactory()

    response = client.post(url(name, notification_id=other.pk))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    other.refresh_from_db()
    assert (other.read_at, other.archived_at) == (None, None)
    assert published == []


def test_anonymous_is_refused(api_client):
    response = api_client.get(url("notification-list"))
    assert response.status_code == 401


# --- preferences ----------------------------------------------------------------------------
def test_preferences_show_every_topic_and_channel_with_defaults(client, user):
    NotificationPreferenceFactory(user=user, topic="accounts.password_changed", channel="email")

    response = client.get(url("preference-detail"))

    assert response.status_code == 200
    body = response.json()
    topics = {t["topic"]: t for t in body["topics"]}
    assert {"accounts.new_device_login", "accounts.password_changed", "system.test"} <= set(topics)
    assert topics["accounts.password_changed"] == {
        "topic": "accounts.password_changed",
        "title": "Password changed",
        "critical_allowed": False,
        "channels": [
            {"channel": "in_app", "enabled": True, "default": True},
            {"channel": "email", "enabled": False, "default": True},
            {"channel": "push", "enabled": False, "default": False},
            {"channel": "sms", "enabled": False, "default": False},
        ],
    }
    assert body["quiet_hours"] == {
        "enabled": False,
        "start": "22:00",
        "end": "07:00",
        "time_zone": "Europe/Moscow",
    }


@pytest.mark.parametrize("method", ["put", "patch"])
def test_preferences_update(client, user, method):
    NotificationPreferenceFactory(user=user, topic="system.test", channel="sms", enabled=False)

    response = getattr(client, method)(
        url("preference-detail"),
        {
            "preferences": [
                {"topic": "system.test", "channel": "sms", "enabled": True},
                {"topic": "accounts.new_device_login", "channel": "push", "enabled": False},
            ],
            "quiet_hours": {"enabled": True, "start": "23:00", "end": "06:30"},
        },
        format="json",
    )

    assert response.status_code == 200
    stored = set(
        NotificationPreference.objects.filter(user=user).values_list("topic", "channel", "enabled")
    )
    assert stored == {("system.test", "sms", True), ("accounts.new_device_login", "push", False)}
    quiet = QuietHours.objects.get(user=user)
    assert (quiet.enabled, quiet.start, quiet.end) == (True, time(23, 0), time(6, 30))
    assert response.json()["quiet_hours"] == {
        "enabled": True,
        "start": "23:00",
        "end": "06:30",
        "time_zone": "Europe/Moscow",
    }


def test_preferences_with_an_unknown_topic_store_nothing(client, user):
    QuietHoursFactory(user=user, enabled=False, start=time(22, 0), end=time(7, 0))

    response = client.put(
        url("preference-detail"),
        {
            "preferences": [
                {"topic": "system.test", "channel": "email", "enabled": False},
                {"topic": "no.such_topic", "channel": "email", "enabled": False},
            ],
            "quiet_hours": {"enabled": True, "start": "01:00", "end": "05:00"},
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"preferences": ["Unknown topic: no.such_topic."]}
    assert NotificationPreference.objects.filter(user=user).count() == 0
    quiet = QuietHours.objects.get(user=user)
    assert (quiet.enabled, quiet.start) == (False, time(22, 0))


def test_quiet_hours_must_not_be_empty(client, user):
    response = client.patch(
        url("preference-detail"),
        {"quiet_hours": {"enabled": True, "start": "22:00", "end": "22:00"}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not QuietHours.objects.filter(user=user).exists()


def test_quiet_hours_are_local_clock_times_without_an_offset(client, user):
    response = client.patch(
        url("preference-detail"),
        {"quiet_hours": {"enabled": True, "start": "23:00:00+03:00", "end": "06:30"}},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]["quiet_hours"]) == ["start"]
    assert not QuietHours.objects.filter(user=user).exists()


def test_quiet_hours_accept_seconds_and_answer_hours_and_minutes(client, user):
    response = client.patch(
        url("preference-detail"),
        {"quiet_hours": {"enabled": True, "start": "23:15:00", "end": "06:30:00"}},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["quiet_hours"]["start"] == "23:15"
    assert response.json()["quiet_hours"]["end"] == "06:30"
    quiet = QuietHours.objects.get(user=user)
    assert (quiet.start, quiet.end) == (time(23, 15), time(6, 30))


# --- devices --------------------------------------------------------------------------------
def test_register_an_fcm_token(client, user):
    response = client.post(
        url("device-list"),
        {"kind": "fcm", "token": "fcm-token-abc"},
        format="json",
        HTTP_USER_AGENT="LifelineApp/2.0 (iOS 18)",
    )

    assert response.status_code == 201
    device = PushDevice.objects.get(user=user)
    assert (device.kind, device.token, device.user_agent) == (
        "fcm",
        "fcm-token-abc",
        "LifelineApp/2.0 (iOS 18)",
    )
    assert response.json() == {
        "id": str(device.pk),
        "kind": "fcm",
        "user_agent": "LifelineApp/2.0 (iOS 18)",
        "created_at": device.created_at.isoformat().replace("+00:00", "Z"),
        "last_used_at": device.last_used_at.isoformat().replace("+00:00", "Z"),
    }
    assert AuditEvent.objects.filter(
        action="notifications.device_registered", target_id=str(device.pk)
    ).exists()


def test_registering_the_same_token_again_moves_it_to_the_new_account(client, user):
    device = PushDeviceFactory(token="shared-phone-token")

    response = client.post(
        url("device-list"), {"kind": "fcm", "token": "shared-phone-token"}, format="json"
    )

    assert response.status_code == 200
    device.refresh_from_db()
    assert device.user == user
    assert PushDevice.objects.count() == 1


def test_register_a_web_push_subscription(client, user):
    subscription = {
        "endpoint": "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91b",
        "expirationTime": None,
        "keys": {"p256dh": "BPub-key", "auth": "auth-secret"},
    }

    response = client.post(
        url("device-list"), {"kind": "webpush", "subscription": subscription}, format="json"
    )

    assert response.status_code == 201
    device = PushDevice.objects.get(user=user)
    assert (device.kind, device.endpoint, device.p256dh, device.auth, device.token) == (
        DeviceKind.WEBPUSH,
        "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91b",
        "BPub-key",
        "auth-secret",
        "",
    )


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://updates.push.services.mozilla.com/wpush/v2/x",
        "https://10.0.0.5/push",
        "https://evil.example/push.services.mozilla.com",
    ],
)
def test_web_push_endpoint_must_be_a_known_push_service(client, endpoint):
    response = client.post(
        url("device-list"),
        {
            "kind": "webpush",
            "subscription": {"endpoint": endpoint, "keys": {"p256dh": "k", "auth": "a"}},
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"subscription": ["This push service is not supported."]}
    assert PushDevice.objects.count() == 0


def test_register_needs_the_kind_specific_fields(client):
    response = client.post(url("device-list"), {"kind": "fcm"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"token": ["An FCM device needs a token."]}
    assert PushDevice.objects.count() == 0


def test_list_my_devices(client, user, django_assert_num_queries):
    mine = PushDeviceFactory(user=user)
    PushDeviceFactory()

    with django_assert_num_queries(1):
        response = client.get(url("device-list"))

    assert response.status_code == 200
    assert [d["id"] for d in response.json()["results"]] == [str(mine.pk)]


def test_delete_my_device(client, user):
    device = PushDeviceFactory(user=user)

    response = client.delete(url("device-delete", device_id=device.pk))

    assert response.status_code == 204
    assert not PushDevice.objects.filter(pk=device.pk).exists()


def test_someone_elses_device_is_404_and_kept(client):
    other = PushDeviceFactory()

    response = client.delete(url("device-delete", device_id=other.pk))

    assert response.status_code == 404
    assert PushDevice.objects.filter(pk=other.pk).exists()


def test_vapid_public_key(client, webpush_on):
    response = client.get(url("webpush-vapid-public-key"))
    assert response.status_code == 200
    assert response.json() == {"public_key": webpush_on.public_key}


def test_vapid_public_key_when_web_push_is_off(client):
    response = client.get(url("webpush-vapid-public-key"))
    assert response.status_code == 404
    assert response.json()["code"] == "webpush_not_configured"


def test_the_inbox_is_the_module_root_without_a_doubled_prefix(client):
    notification_id = "9b2e0c4e-8a55-4d2c-9f11-2f0f1a2b3c4d"
    assert url("notification-list") == "/api/v1/notifications/"
    assert url("notification-unread-count") == "/api/v1/notifications/unread-count/"
    assert url("notification-read-all") == "/api/v1/notifications/read-all/"
    assert url("notification-read", notification_id=notification_id) == (
        f"/api/v1/notifications/{notification_id}/read/"
    )
    assert url("notification-archive", notification_id=notification_id) == (
        f"/api/v1/notifications/{notification_id}/archive/"
    )
    assert client.get("/api/v1/notifications/notifications/").status_code == 404
