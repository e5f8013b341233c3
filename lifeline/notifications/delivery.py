"""Sending deliveries: the claim, the provider call, the outcome, and the periodic sweep.

A delivery is sent at most once however often its task runs: `delivery_send` first claims
the row with a conditional UPDATE (queued → sending); a second run finds it claimed or done
and returns. Recoverable failures put the row back to queued and are retried with backoff;
permanent ones (4xx) fail at once; a stale push device is deleted.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from lifeline.core.tasks import enqueue_on_commit
from lifeline.notifications.enums import Channel, DeliveryStatus, DeviceKind
from lifeline.notifications.exceptions import (
    PermanentError,
    ProviderError,
    RecoverableError,
    StaleDevice,
)
from lifeline.notifications.integrations import email, fcm, sms, webpush
from lifeline.notifications.integrations.base import ProviderResult
from lifeline.notifications.models import Delivery, PushDevice
from lifeline.notifications.rendering import render_message
from lifeline.notifications.topics import UnknownTopic, get_topic

logger = logging.getLogger(__name__)

# A row still "sending" this long after its claim belongs to a worker that died (the task
# hard time limit is 300 s): the sweep queues it again rather than lose, say, an SOS push.
SENDING_EXPIRES_AFTER = timedelta(minutes=10)
# How long a queued row waits for its queue message before the sweep enqueues it itself.
REQUEUE_AFTER = timedelta(minutes=5)
# Critical deliveries (an SOS alert) cannot wait minutes for a dead worker: a send takes at
# most the provider HTTP timeout (10 s by default), so a critical row still "sending" after
# 30 s, or queued 10 s without its message being taken, is sent again by the sweep (every
# 5 s). A duplicate push is far cheaper than a missing one; the claim still sends each
# attempt once.
CRITICAL_SENDING_EXPIRES_AFTER = timedelta(seconds=30)
CRITICAL_REQUEUE_AFTER = timedelta(seconds=10)


def requeue_after(*, critical: bool) -> timedelta:
    return CRITICAL_REQUEUE_AFTER if critical else REQUEUE_AFTER


# The first try and five retries (the task's max_retries), however they were triggered.
MAX_ATTEMPTS = 6
# Backoff of the sweep's own retries (used when there is no broker to retry through).
RETRY_BASE = timedelta(seconds=30)
RETRY_MAX = timedelta(minutes=30)
SWEEP_BATCH_SIZE = 500


class ChannelDisabled(PermanentError):
    """The vendor was switched off after the delivery was queued: skipped, not failed."""


def delivery_send(*, delivery_id: int, critical: bool = False) -> None:
    """Send one delivery unless another run already claimed or finished it.

    On a recoverable failure the row goes back to queued with a backoff `next_attempt_at`
    (the sweep's deadline) and RecoverableError is raised so a worker retries sooner; the
    MAX_ATTEMPTS-th failure marks the delivery failed instead. A delivery whose subject is
    over by now (its topic's `is_current` says so: an SOS accepted or closed) is skipped.
    """
    now = timezone.now()
    expires = CRITICAL_SENDING_EXPIRES_AFTER if critical else SENDING_EXPIRES_AFTER
    claimed = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=now + expires,
        updated_at=now,
    )
    if not claimed:
        return
    delivery = Delivery.objects.select_related("notification__recipient", "device").get(
        pk=delivery_id
    )
    if not _subject_current(delivery):
        _finish(delivery, status=DeliveryStatus.SKIPPED, response={"reason": "subject_closed"})
        logger.info(
            "notifications.delivery_skipped",
            extra={"delivery_id": delivery.pk, "reason": "subject_closed"},
        )
        return
    try:
        result = _send(delivery)
    except ChannelDisabled as exc:
        _finish(delivery, status=DeliveryStatus.SKIPPED, response=_error_response(exc))
    except StaleDevice as exc:
        _finish(delivery, status=DeliveryStatus.FAILED, response=_error_response(exc))
        if delivery.device_id is not None:
            PushDevice.objects.filter(pk=delivery.device_id).delete()
            logger.info(
                "notifications.device_removed",
                extra={"device_id": str(delivery.device_id), "reason": str(exc)},
            )
    except PermanentError as exc:
        _finish(delivery, status=DeliveryStatus.FAILED, response=_error_response(exc))
    except RecoverableError as exc:
        if delivery.attempts >= MAX_ATTEMPTS:
            _finish(delivery, status=DeliveryStatus.FAILED, response=_error_response(exc))
            return
        backoff = min(RETRY_BASE * 2 ** (delivery.attempts - 1), RETRY_MAX)
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.QUEUED,
            provider_response=_error_response(exc),
            next_attempt_at=timezone.now() + backoff,
            updated_at=timezone.now(),
        )
        logger.warning(
            "notifications.delivery_retrying",
            extra={"delivery_id": delivery.pk, "channel": delivery.channel, "error": str(exc)},
        )
        raise
    else:
        _finish(
            delivery,
            status=DeliveryStatus.SENT,
            response=result.response,
            message_id=result.message_id,
            sent_at=timezone.now(),
        )
        if delivery.device_id is not None:
            PushDevice.objects.filter(pk=delivery.device_id).update(last_used_at=timezone.now())


def _subject_current(delivery: Delivery) -> bool:
    notification = delivery.notification
    try:
        is_current = get_topic(notification.topic).is_current
    except UnknownTopic:
        return True
    return is_current is None or bool(is_current(notification.data))


def _error_response(exc: ProviderError) -> dict[str, Any]:
    return {"error": str(exc), **exc.response}


def _finish(
    delivery: Delivery,
    *,
    status: DeliveryStatus,
    response: dict[str, Any],
    message_id: str = "",
    sent_at: datetime | None = None,
) -> None:
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=status,
        provider_message_id=message_id[:255],
        provider_response=response,
        sent_at=sent_at,
        next_attempt_at=None,
        updated_at=now,
    )
    logger.info(
        "notifications.delivery_finished",
        extra={
            "delivery_id": delivery.pk,
            "channel": delivery.channel,
            "status": str(status),
            "attempts": delivery.attempts,
        },
    )


def _send(delivery: Delivery) -> ProviderResult:
    notification = delivery.notification
    recipient = notification.recipient
    try:
        topic = get_topic(notification.topic)
    except UnknownTopic as exc:
        raise PermanentError("unknown_topic") from exc
    message = render_message(
        topic=topic,
        channel=delivery.channel,
        context=notification.data,
        language=recipient.language or settings.LANGUAGE_CODE,
    )
    if delivery.channel == Channel.EMAIL:
        if not recipient.email:
            raise PermanentError("email.no_address")
        return email.send_email(
            to=recipient.email,
            subject=message.title,
            body=message.body,
            html_body=message.html_body,
            metadata={"delivery_id": str(delivery.pk)},
        )
    if delivery.channel == Channel.SMS:
        if not recipient.phone_number:
            raise PermanentError("sms.no_address")
        return sms.get_provider().send(to=str(recipient.phone_number), text=message.body)
    if delivery.channel == Channel.PUSH:
        device = delivery.device
        if device is None:
            raise PermanentError("push.device_removed")
        data = {"notification_id": str(notification.pk), "topic": notification.topic}
        if device.kind == DeviceKind.FCM:
            fcm_client = fcm.get_client()
            if fcm_client is None:
                raise ChannelDisabled("fcm_disabled")
            return fcm_client.send(
                token=device.token,
                title=message.title,
                body=message.body,
                data=data,
                critical=notification.critical,
            )
        webpush_client = webpush.get_client()
        if webpush_client is None:
            raise ChannelDisabled("webpush_disabled")
        return webpush_client.send(
            endpoint=device.endpoint,
            p256dh=device.p256dh,
            auth=device.auth,
            payload={"title": message.title, "body": message.body, "data": data},
            critical=notification.critical,
        )
    raise PermanentError(f"{delivery.channel}.not_sendable")


def delivery_enqueue(*, delivery_id: int, critical: bool) -> None:
    """Send the delivery from a worker once the current transaction commits."""
    if critical:
        # SOS alerts and emergency assignments skip the default queue's backlog.
        enqueue_on_commit(
            "notifications.deliver",
            kwargs={"delivery_id": delivery_id, "critical": True},
            queue="realtime",
        )
    else:
        enqueue_on_commit("notifications.deliver", kwargs={"delivery_id": delivery_id})


def delivery_enqueue_due(*, now: datetime | None = None) -> int:
    """Enqueue every delivery whose `next_attempt_at` has passed; return how many.

    Picks up deliveries deferred by quiet hours, retries whose queue message was lost and
    rows left "sending" by a dead worker. Safe to run concurrently: PostgreSQL skips rows
    another sweep has locked; SQLite serialises writers (IMMEDIATE transactions), and the
    conditional UPDATE below only takes rows still due.
    """
    now = now or timezone.now()
    due_statuses = [DeliveryStatus.QUEUED, DeliveryStatus.SENDING]
    with transaction.atomic():
        due = Delivery.objects.filter(status__in=due_statuses, next_attempt_at__lte=now).order_by(
            "next_attempt_at", "pk"
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:SWEEP_BATCH_SIZE])
        if not ids:
            return 0
        rows = list(
            Delivery.objects.filter(pk__in=ids, status__in=due_statuses, next_attempt_at__lte=now)
            .values_list("pk", "notification__critical")
            .order_by("next_attempt_at", "pk")
        )
        for critical in (True, False):
            Delivery.objects.filter(pk__in=[pk for pk, c in rows if c is critical]).update(
                status=DeliveryStatus.QUEUED,
                next_attempt_at=now + requeue_after(critical=critical),
                updated_at=now,
            )
        for delivery_id, critical in rows:
            delivery_enqueue(delivery_id=delivery_id, critical=critical)
    logger.info("notifications.deliveries_enqueued", extra={"count": len(ids)})
    return len(ids)
