"""Factories for notifications tests; other apps' tests may import them."""

from __future__ import annotations

import base64
from datetime import time

import factory
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import timezone

from lifeline.access.tests.factories import UserFactory
from lifeline.notifications.enums import Channel, DeliveryStatus, DeviceKind
from lifeline.notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    PushDevice,
    QuietHours,
)

__all__ = [
    "DeliveryFactory",
    "NotificationFactory",
    "NotificationPreferenceFactory",
    "PushDeviceFactory",
    "QuietHoursFactory",
    "UserFactory",
]


def _new_p256dh() -> str:
    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    class Params:
        read = factory.Trait(read_at=factory.LazyFunction(timezone.now))
        archived = factory.Trait(archived_at=factory.LazyFunction(timezone.now))

    recipient = factory.SubFactory(UserFactory)
    topic = "system.test"
    title = factory.Sequence(lambda n: f"Notification {n}")
    body = "This is a test notification from Lifeline."
    data = factory.LazyFunction(dict)


class PushDeviceFactory(factory.django.DjangoModelFactory):
    """An FCM device; `webpush=True` makes a browser subscription on Mozilla's push service."""

    class Meta:
        model = PushDevice

    class Params:
        webpush = factory.Trait(
            kind=DeviceKind.WEBPUSH,
            token="",
            endpoint=factory.Sequence(
                lambda n: f"https://updates.push.services.mozilla.com/wpush/v2/sub-{n}"
            ),
            p256dh=factory.LazyFunction(lambda: _new_p256dh()),
            auth="tBHItJI5svbpez7KI4CCXg",
        )

    user = factory.SubFactory(UserFactory)
    kind = DeviceKind.FCM
    token = factory.Sequence(lambda n: f"fcm-registration-token-{n}")
    user_agent = "LifelineApp/1.0 (Android 14)"


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    topic = "system.test"
    channel = Channel.EMAIL
    enabled = False


class QuietHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuietHours

    user = factory.SubFactory(UserFactory)
    enabled = True
    start = time(22, 0)
    end = time(7, 0)


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    notification = factory.SubFactory(NotificationFactory)
    channel = Channel.EMAIL
    status = DeliveryStatus.QUEUED
    next_attempt_at = factory.LazyFunction(timezone.now)
