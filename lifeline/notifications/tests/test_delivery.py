"""What each provider receives, faked at the HTTP boundary, and how outcomes are handled."""

from __future__ import annotations

import base64
import json
import re
import threading
from datetime import UTC, datetime, timedelta

import http_ece
import pytest
import requests
import time_machine
from django.test import TestCase
from django.utils import timezone
from py_vapid import Vapid

from lifeline.notifications.delivery import delivery_enqueue_due
from lifeline.notifications.enums import Channel, DeliveryStatus
from lifeline.notifications.exceptions import RecoverableError
from lifeline.notifications.models import Delivery, PushDevice
from lifeline.notifications.services import notify
from lifeline.notifications.tasks import deliver
from lifeline.notifications.tests.conftest import FCM_ACCESS_TOKEN, FCM_URL
from lifeline.notifications.tests.factories import (
    DeliveryFactory,
    NotificationFactory,
    NotificationPreferenceFactory,
    PushDeviceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FCM_MESSAGE_NAME = "projects/lifeline-test/messages/0:1500415314455276%31bd1c9631bd1c96"


def _push_only(user, topic="system.test"):
    for channel in ("email", "sms"):
        NotificationPreferenceFactory(user=user, topic=topic, channel=channel, enabled=False)


def _push_delivery(device, **notification_fields):
    notification = NotificationFactory(recipient=device.user, **notification_fields)
    return DeliveryFactory(
        notification=notification, channel=Channel.PUSH, device=device, target=str(device.pk)
    )


def _sweep_at(moment):
    with time_machine.travel(moment, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        return delivery_enqueue_due()


def _fcm_error(status_code, status, error_code, message):
    return {
        "error": {
            "code": status_code,
            "message": message,
            "status": status,
            "details": [
                {
                    "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                    "errorCode": error_code,
                }
            ],
        }
    }


# --- FCM ------------------------------------------------------------------------------------
def test_fcm_receives_the_exact_http_v1_request(
    django_capture_on_commit_callbacks, http, fcm_on, published
):
    # given
    user = UserFactory(language="en")
    device = PushDeviceFactory(user=user, token="device-token-1")
    NotificationPreferenceFactory(user=user, topic="accounts.new_device_login", channel="email")
    http.post(FCM_URL, json={"name": FCM_MESSAGE_NAME})
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            user,
            "accounts.new_device_login",
            {"device": "Chrome on Android", "ip_address": "198.51.100.4"},
        )
    # then
    assert len(http.calls) == 1
    request = http.calls[0].request
    assert request.method == "POST"
    assert request.url == FCM_URL
    assert request.headers["Authorization"] == f"Bearer {FCM_ACCESS_TOKEN}"
    assert request.headers["Content-Type"] == "application/json; UTF-8"
    assert json.loads(request.body) == {
        "message": {
            "token": "device-token-1",
            "notification": {
                "title": "Sign-in from a new device",
                "body": "Signed in from Chrome on Android. Not you? Change your password.",
            },
            "data": {
                "notification_id": str(notification.pk),
                "topic": "accounts.new_device_login",
            },
        }
    }
    delivery = Delivery.objects.get(notification=notification, channel=Channel.PUSH)
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.provider_message_id == FCM_MESSAGE_NAME
    assert delivery.provider_response["status_code"] == 200
    assert delivery.attempts == 1
    device.refresh_from_db()
    assert device.last_used_at is not None


def test_fcm_critical_message_asks_for_high_priority(
    django_capture_on_commit_callbacks, http, fcm_on, published
):
    user = UserFactory(language="en", phone_number=None, email="crit@example.test")
    PushDeviceFactory(user=user, token="device-token-2")
    http.post(FCM_URL, json={"name": FCM_MESSAGE_NAME})

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user, "system.test", {}, critical=True)

    assert json.loads(http.calls[0].request.body) == {
        "message": {
            "token": "device-token-2",
            "notification": {
                "title": "Test notification",
                "body": "This is a test notification from Lifeline.",
            },
            "data": {"notification_id": str(notification.pk), "topic": "system.test"},
            "android": {"priority": "high"},
            "apns": {"headers": {"apns-priority": "10"}},
        }
    }


def test_sensitive_topic_never_puts_its_text_in_a_push(
    django_capture_on_commit_callbacks, http, fcm_on, published, sensitive_topic
):
    user = UserFactory(language="en")
    PushDeviceFactory(user=user, token="device-token-3")
    http.post(FCM_URL, json={"name": FCM_MESSAGE_NAME})

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user, sensitive_topic, {"score": 9})

    assert notification.body == "Your pain score is 9."
    sent = json.loads(http.calls[0].request.body)["message"]
    assert sent["notification"] == {"title": "Lifeline", "body": "You have a new message"}
    assert sent["data"] == {"notification_id": str(notification.pk), "topic": sensitive_topic}


def test_task_running_twice_calls_the_provider_once(http, fcm_on):
    delivery = _push_delivery(PushDeviceFactory())
    http.post(FCM_URL, json={"name": FCM_MESSAGE_NAME})

    deliver.apply(kwargs={"delivery_id": delivery.pk})
    deliver.apply(kwargs={"delivery_id": delivery.pk})

    assert len(http.calls) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)


def test_delivery_claimed_by_another_worker_is_left_alone(http, fcm_on):
    delivery = _push_delivery(PushDeviceFactory())
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENDING)

    deliver.apply(kwargs={"delivery_id": delivery.pk})

    assert len(http.calls) == 0
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENDING, 0)


@pytest.mark.parametrize(
    ("status_code", "body", "error"),
    [
        (
            404,
            _fcm_error(404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found."),
            "fcm.unregistered",
        ),
        (
            400,
            _fcm_error(
                400,
                "INVALID_ARGUMENT",
                "INVALID_ARGUMENT",
                "The registration token is not a valid FCM registration token",
            ),
            "fcm.invalid_token",
        ),
    ],
)
def test_stale_fcm_token_is_removed(http, fcm_on, status_code, body, error):
    device = PushDeviceFactory()
    delivery = _push_delivery(device)
    http.post(FCM_URL, json=body, status=status_code)

    deliver.apply(kwargs={"delivery_id": delivery.pk})

    assert len(http.calls) == 1
    assert not PushDevice.objects.filter(pk=device.pk).exists()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.device is None
    assert delivery.target == str(device.pk)  # the log keeps which device it was
    assert delivery.provider_response == {
        "error": error,
        "status_code": status_code,
        "body": json.dumps(body),
    }


def test_fcm_client_error_fails_at_once_and_keeps_the_device(http, fcm_on):
    device = PushDeviceFactory()
    delivery = _push_delivery(device)
    body = _fcm_error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "Invalid JSON payload received.")
    http.post(FCM_URL, json=body, status=400)

    deliver.apply(kwargs={"delivery_id": delivery.pk})
    assert _sweep_at(timezone.now() + timedelta(days=1)) == 0

    assert len(http.calls) == 1
    assert PushDevice.objects.filter(pk=device.pk).exists()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert delivery.provider_response["error"] == "fcm.invalid_argument"


def test_recoverable_fcm_failure_is_retried_with_backoff(http, fcm_on):
    delivery = _push_delivery(PushDeviceFactory())
    http.post(FCM_URL, status=503, body="Service Unavailable")
    http.post(FCM_URL, status=429, body="Quota exceeded")
    http.post(FCM_URL, json={"name": FCM_MESSAGE_NAME})
    start = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

    with time_machine.travel(start, tick=False):
        deliver.apply(kwargs={"delivery_id": delivery.pk})
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.QUEUED, 1)
    assert delivery.next_attempt_at == start + timedelta(seconds=30)
    assert delivery.provider_response == {
        "error": "fcm.unavailable",
        "status_code": 503,
        "body": "Service Unavailable",
    }

    assert _sweep_at(start + timedelta(seconds=29)) == 0
    assert _sweep_at(start + timedelta(seconds=30)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.QUEUED, 2)
    assert delivery.next_attempt_at == start + timedelta(seconds=90)  # 30 s, then 60 s

    assert _sweep_at(start + timedelta(seconds=90)) == 1
    assert [c.response.status_code for c in http.calls] == [503, 429, 200]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 3)
    assert delivery.provider_message_id == FCM_MESSAGE_NAME


def test_on_a_worker_a_recoverable_failure_raises_for_celery_to_retry(http, fcm_on):
    delivery = _push_delivery(PushDeviceFactory())
    http.post(FCM_URL, status=500)

    with pytest.raises(RecoverableError):
        deliver(delivery_id=delivery.pk)  # not eager: the worker path

    assert deliver.autoretry_for == (RecoverableError,)
    assert (deliver.max_retries, deliver.retry_backoff, deliver.acks_late) == (5, True, True)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.QUEUED, 1)


def test_timeouts_are_retried_until_the_attempts_are_spent(http, fcm_on):
    delivery = _push_delivery(PushDeviceFactory())
    http.post(FCM_URL, body=requests.ConnectTimeout("timed out"))
    moment = timezone.now()

    deliver.apply(kwargs={"delivery_id": delivery.pk})
    for _ in range(8):
        moment += timedelta(hours=1)
        _sweep_at(moment)

    assert len(http.calls) == 6  # the first try and five retries
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 6)
    assert delivery.next_attempt_at is None
    assert delivery.provider_response == {"error": "fcm.unavailable", "exception": "ConnectTimeout"}


# --- Web Push -------------------------------------------------------------------------------
WEBPUSH_ENDPOINT = "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk-subscription"


def _b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def test_web_push_receives_the_exact_encrypted_request(
    django_capture_on_commit_callbacks, http, webpush_on, browser, published
):
    # given
    user = UserFactory(language="en")
    _push_only(user)
    PushDeviceFactory(
        user=user, webpush=True, endpoint=WEBPUSH_ENDPOINT, p256dh=browser.p256dh, auth=browser.auth
    )
    http.post(
        WEBPUSH_ENDPOINT,
        status=201,
        headers={"Location": "https://updates.push.services.mozilla.com/m/message-1"},
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user, "system.test", {})
    # then
    assert len(http.calls) == 1
    request = http.calls[0].request
    assert request.method == "POST"
    assert request.url == WEBPUSH_ENDPOINT
    assert request.headers["TTL"] == "3600"
    assert request.headers["Content-Encoding"] == "aes128gcm"
    assert request.headers["Urgency"] == "normal"
    authorization = request.headers["Authorization"]
    match = re.fullmatch(r"vapid t=([\w-]+\.[\w-]+\.[\w-]+),k=([\w-]+)", authorization)
    assert match is not None
    assert match.group(2) == webpush_on.public_key
    assert Vapid.verify(authorization) is True
    claims = json.loads(_b64url_decode(match.group(1).split(".")[1]))
    assert claims["aud"] == "https://updates.push.services.mozilla.com"
    assert claims["sub"] == "mailto:ops@lifeline.test"
    # only the browser can read the payload, and it reads exactly this
    plaintext = http_ece.decrypt(
        request.body,
        private_key=browser.private_key,
        auth_secret=browser.auth_secret,
        version="aes128gcm",
    )
    assert json.loads(plaintext) == {
        "title": "Test notification",
        "body": "This is a test notification from Lifeline.",
        "data": {"notification_id": str(notification.pk), "topic": "system.test"},
    }
    delivery = Delivery.objects.get(notification=notification, channel=Channel.PUSH)
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.provider_message_id == "https://updates.push.services.mozilla.com/m/message-1"


@pytest.mark.parametrize("status_code", [404, 410])
def test_expired_web_push_subscription_is_removed(http, webpush_on, status_code):
    device = PushDeviceFactory(webpush=True, endpoint=WEBPUSH_ENDPOINT)
    delivery = _push_delivery(device)
    http.post(WEBPUSH_ENDPOINT, status=status_code, body="subscription expired")

    deliver.apply(kwargs={"delivery_id": delivery.pk})

    assert len(http.calls) == 1
    assert not PushDevice.objects.filter(pk=device.pk).exists()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.provider_response == {
        "error": "webpush.gone",
        "status_code": status_code,
        "body": "subscription expired",
    }


def test_web_push_server_error_is_retried(http, webpush_on):
    delivery = _push_delivery(PushDeviceFactory(webpush=True, endpoint=WEBPUSH_ENDPOINT))
    http.post(WEBPUSH_ENDPOINT, status=502)
    http.post(WEBPUSH_ENDPOINT, status=201)

    deliver.apply(kwargs={"delivery_id": delivery.pk})
    _sweep_at(timezone.now() + timedelta(minutes=1))

    assert [c.response.status_code for c in http.calls] == [502, 201]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)


def test_web_push_disabled_after_queueing_is_skipped(http):
    delivery = _push_delivery(PushDeviceFactory(webpush=True, endpoint=WEBPUSH_ENDPOINT))

    deliver.apply(kwargs={"delivery_id": delivery.pk})

    assert len(http.calls) == 0
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SKIPPED
    assert delivery.provider_response == {"error": "webpush_disabled"}


# --- E-mail through Unisender Go (anymail) --------------------------------------------------
UNISENDER_URL = "https://go1.unisender.ru/ru/transactional/api/v1/email/send.json"


@pytest.fixture
def unisender_on(settings):
    settings.EMAIL_BACKEND = "anymail.backends.unisender_go.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "Lifeline <no-reply@lifeline.test>"
    settings.ANYMAIL = {
        "UNISENDER_GO_API_KEY": "unisender-test-key",
        "UNISENDER_GO_API_URL": "https://go1.unisender.ru/ru/transactional/api/v1/",
    }


def test_unisender_go_receives_the_exact_request(
    django_capture_on_commit_callbacks, http, unisender_on, published
):
    # given
    user = UserFactory(language="en", email="anna@example.test", phone_number=None)
    http.post(
        UNISENDER_URL,
        json={"status": "success", "job_id": "1ZymBc-00041N-9X", "emails": ["anna@example.test"]},
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user, "accounts.password_changed", {})
    # then
    assert len(http.calls) == 1
    request = http.calls[0].request
    assert request.method == "POST"
    assert request.url == UNISENDER_URL
    assert request.headers["X-API-KEY"] == "unisender-test-key"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Accept"] == "application/json"
    delivery = Delivery.objects.get(notification=notification, channel=Channel.EMAIL)
    assert json.loads(request.body) == {
        "message": {
            "from_email": "no-reply@lifeline.test",
            "from_name": "Lifeline",
            "subject": "Your password was changed",
            "body": {
                "plaintext": "The password of your Lifeline account was changed. "
                "If you did not do this, reset your password now."
            },
            "recipients": [
                {
                    "email": "anna@example.test",
                    "metadata": {"anymail_id": delivery.provider_message_id},
                }
            ],
            "headers": {"to": "anna@example.test"},
            "global_metadata": {"delivery_id": str(delivery.pk)},
        }
    }
    assert delivery.status == DeliveryStatus.SENT
    assert len(delivery.provider_message_id) == 36  # the anymail_id UUID


@pytest.mark.parametrize(
    ("responses_codes", "status", "calls"),
    [([500, 200], DeliveryStatus.SENT, 2), ([400], DeliveryStatus.FAILED, 1)],
)
def test_unisender_go_retries_server_errors_only(
    http, unisender_on, responses_codes, status, calls
):
    user = UserFactory(language="en", email="anna@example.test")
    delivery = DeliveryFactory(notification__recipient=user, channel=Channel.EMAIL)
    for code in responses_codes:
        ok = {"status": "success", "job_id": "job-1", "emails": ["anna@example.test"]}
        http.post(
            UNISENDER_URL, status=code, json=ok if code == 200 else {"status": "error", "code": 1}
        )

    deliver.apply(kwargs={"delivery_id": delivery.pk})
    _sweep_at(timezone.now() + timedelta(minutes=1))

    assert len(http.calls) == calls
    delivery.refresh_from_db()
    assert delivery.status == status
    assert delivery.attempts == calls


# --- SMS ------------------------------------------------------------------------------------
def test_http_sms_provider_receives_the_exact_request(http, sms_http_on):
    user = UserFactory(language="en", phone_number="+79991234567")
    delivery = DeliveryFactory(notification__recipient=user, channel=Channel.SMS)
    http.post(sms_http_on, json={"id": "sms-42"})

    deliver.apply(kwargs={"delivery_id": delivery.pk})

    request = http.calls[0].request
    assert request.headers["Authorization"] == "Bearer sms-secret"
    assert json.loads(request.body) == {
        "to": "+79991234567",
        "text": "Lifeline: test notification.",
        "sender": "Lifeline",
    }
    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_message_id) == (DeliveryStatus.SENT, "sms-42")


# --- the sweep ------------------------------------------------------------------------------
def test_sweep_sends_each_due_delivery_once(django_capture_on_commit_callbacks, http, fcm_on):
    past = timezone.now() - timedelta(seconds=1)
    delivery = _push_delivery(PushDeviceFactory())
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=past)
    http.post(FCM_URL, json={"name": FCM_MESSAGE_NAME})

    with django_capture_on_commit_callbacks(execute=True):
        first = delivery_enqueue_due()
    with django_capture_on_commit_callbacks(execute=True):
        second = delivery_enqueue_due()

    assert (first, second) == (1, 0)
    assert len(http.calls) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT


def test_sweep_requeues_a_delivery_left_sending_by_a_dead_worker(
    django_capture_on_commit_callbacks, http, fcm_on
):
    delivery = _push_delivery(PushDeviceFactory())
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING,
        attempts=1,
        next_attempt_at=timezone.now() - timedelta(seconds=1),
    )
    http.post(FCM_URL, json={"name": FCM_MESSAGE_NAME})

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_enqueue_due() == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)


def test_sweep_leaves_future_and_finished_deliveries_alone(django_capture_on_commit_callbacks):
    DeliveryFactory(next_attempt_at=timezone.now() + timedelta(minutes=1))
    DeliveryFactory(status=DeliveryStatus.SENT, next_attempt_at=None)
    DeliveryFactory(status=DeliveryStatus.FAILED, next_attempt_at=None)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert delivery_enqueue_due() == 0
    assert callbacks == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_skip_rows_another_sweep_has_locked(monkeypatch):
    from django.db import connections, transaction

    from lifeline.notifications import delivery as delivery_module

    enqueued: list[object] = []
    monkeypatch.setattr(
        delivery_module,
        "delivery_enqueue",
        lambda *, delivery_id, critical: enqueued.append(delivery_id),
    )

    past = timezone.now() - timedelta(seconds=1)
    locked = DeliveryFactory(next_attempt_at=past)
    free = DeliveryFactory(next_attempt_at=past)
    holding = threading.Event()
    release = threading.Event()

    def other_sweep_holds_a_lock():
        try:
            with transaction.atomic():
                list(Delivery.objects.select_for_update().filter(pk=locked.pk))
                holding.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_sweep_holds_a_lock)
    thread.start()
    try:
        assert holding.wait(timeout=10)
        assert delivery_enqueue_due() == 1
    finally:
        release.set()
        thread.join(timeout=10)

    locked.refresh_from_db()
    free.refresh_from_db()
    # The locked row is untouched; only the free one was claimed and handed to the queue.
    assert (locked.status, locked.next_attempt_at) == (DeliveryStatus.QUEUED, past)
    assert free.next_attempt_at > past
    assert enqueued == [free.pk]
