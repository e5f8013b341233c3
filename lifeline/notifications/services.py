"""Writes of the notifications app: `notify()`, the inbox, preferences, quiet hours, devices.

Sending itself (the provider calls and the periodic sweep) lives in `delivery.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, override

from lifeline.audit import services as audit
from lifeline.core.exceptions import InvalidInput
from lifeline.notifications import conf, events, rendering
from lifeline.notifications.delivery import delivery_enqueue, requeue_after
from lifeline.notifications.enums import Channel, DeliveryStatus, DeviceKind
from lifeline.notifications.integrations import sms
from lifeline.notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    PushDevice,
    QuietHours,
)
from lifeline.notifications.selectors import unread_count_for, unread_counts_for
from lifeline.notifications.topics import Topic, UnknownTopic, get_topic
from lifeline.realtime import groups
from lifeline.realtime.events import publish_on_commit

if TYPE_CHECKING:
    from lifeline.accounts.models import User

logger = logging.getLogger(__name__)

# Push and SMS wake people up; e-mail and the inbox wait quietly anyway.
QUIET_HOURS_CHANNELS = frozenset({Channel.PUSH, Channel.SMS})
EXTERNAL_CHANNELS = (Channel.EMAIL, Channel.PUSH, Channel.SMS)
PUSH_VENDOR = {DeviceKind.FCM: "FCM", DeviceKind.WEBPUSH: "WEBPUSH"}


# --- notify ------------------------------------------------------------------------------
def notify(
    recipient: User, topic: str, context: Mapping[str, Any] | None = None, *, critical: bool = False
) -> Notification:
    """Tell `recipient` about `topic` on every channel their preferences allow.

    `context` must be JSON-serialisable (ids and short labels, never clinical detail): it is
    stored on the notification and rendered into each channel's text in the recipient's
    language. `critical` (only for topics registered with `critical_allowed`) ignores
    opt-outs and quiet hours. External channels are sent by `notifications.deliver` tasks
    enqueued after commit; push and SMS that fall in quiet hours wait for the sweep.
    """
    return notify_many([recipient], topic, [context or {}], critical=critical)[0]


def notify_many(
    recipients: Sequence[User],
    topic: str,
    contexts: Sequence[Mapping[str, Any]],
    *,
    critical: bool = False,
) -> list[Notification]:
    """`notify()` for several recipients at once (`contexts[i]` for `recipients[i]`), with
    the same result per recipient in a constant number of queries: an SOS alert round tells
    up to 50 helpers, and one `notify()` each put 6 queries per helper before the first push
    could leave."""
    if len(recipients) != len(contexts):
        raise ValueError("notify_many needs one context per recipient.")
    if not recipients:
        return []
    topic_def = get_topic(topic)
    if critical and not topic_def.critical_allowed:
        raise ValueError(f"Notification topic {topic!r} does not allow critical delivery.")
    now = timezone.now()
    user_ids = [recipient.pk for recipient in recipients]
    chosen: dict[Any, dict[str, bool]] = {}
    for user_id, channel, enabled in NotificationPreference.objects.filter(
        user_id__in=user_ids, topic=topic_def.key
    ).values_list("user_id", "channel", "enabled"):
        chosen.setdefault(user_id, {})[channel] = enabled
    channels = {
        recipient.pk: _enabled_channels(
            chosen=chosen.get(recipient.pk, {}), topic=topic_def, critical=critical
        )
        for recipient in recipients
    }
    quiet: dict[Any, QuietHours] = {}
    if not critical and any(recipient.is_active for recipient in recipients):
        quiet = {
            q.user_id: q for q in QuietHours.objects.filter(user_id__in=user_ids, enabled=True)
        }
    pending = []
    for recipient, context in zip(recipients, contexts, strict=True):
        data = dict(context)
        language = recipient.language or settings.LANGUAGE_CODE
        in_app = rendering.render_message(
            topic=topic_def, channel=Channel.IN_APP, context=data, language=language
        )
        pending.append((recipient, data, language, in_app))

    with transaction.atomic():
        notifications = Notification.objects.bulk_create(
            [
                Notification(
                    recipient=recipient,
                    topic=topic_def.key,
                    title=in_app.title,
                    body=in_app.body,
                    data=data,
                    critical=critical,
                    in_inbox=Channel.IN_APP in channels[recipient.pk],
                )
                for recipient, data, _language, in_app in pending
            ]
        )
        devices: dict[Any, list[PushDevice]] = {}
        if any(Channel.PUSH in channels[r.pk] and r.is_active for r in recipients):
            for device in PushDevice.objects.filter(user_id__in=user_ids).order_by(
                "user_id", "created_at"
            ):
                devices.setdefault(device.user_id, []).append(device)
        deliveries: list[Delivery] = []
        deferred: set[tuple[Any, Channel]] = set()
        for notification in notifications:
            recipient = notification.recipient
            wanted = channels[recipient.pk]
            if notification.in_inbox:
                deliveries.append(
                    Delivery(
                        notification=notification,
                        channel=Channel.IN_APP,
                        status=DeliveryStatus.SENT,
                        sent_at=now,
                    )
                )
            if not recipient.is_active:
                continue
            quiet_until = None if critical else _quiet_end(quiet.get(recipient.pk), recipient, now)
            for channel in EXTERNAL_CHANNELS:
                if channel not in wanted:
                    continue
                wait_until = quiet_until if channel in QUIET_HOURS_CHANNELS else None
                if wait_until is not None:
                    deferred.add((notification.pk, channel))
                deliveries.extend(
                    _deliveries_for(
                        notification=notification,
                        channel=channel,
                        now=now,
                        wait_until=wait_until,
                        devices=devices.get(recipient.pk, []),
                    )
                )
        Delivery.objects.bulk_create(deliveries)
        for delivery in deliveries:
            if (
                delivery.status == DeliveryStatus.QUEUED
                and (delivery.notification_id, delivery.channel) not in deferred
            ):
                delivery_enqueue(delivery_id=delivery.pk, critical=critical)
        inbox = [
            (notification, language)
            for notification, (_recipient, _data, language, _in_app) in zip(
                notifications, pending, strict=True
            )
            if notification.in_inbox
        ]
        if inbox:
            unread = unread_counts_for(user_ids=[n.recipient_id for n, _language in inbox])
            for notification, language in inbox:
                with override(language):
                    event = events.notification_created(
                        notification, unread_count=unread.get(notification.recipient_id, 0)
                    )
                publish_on_commit(event, groups=[groups.user(notification.recipient_id)])
    for notification in notifications:
        logger.info(
            "notifications.notification_created",
            extra={
                "notification_id": str(notification.pk),
                "topic": topic_def.key,
                "critical": critical,
                "channels": sorted(
                    str(d.channel) for d in deliveries if d.notification_id == notification.pk
                ),
            },
        )
    return notifications


def _enabled_channels(*, chosen: Mapping[str, bool], topic: Topic, critical: bool) -> set[Channel]:
    """Channels to use: the user's choice or the default; critical ignores opt-outs."""
    enabled = set()
    for channel in Channel:
        default = channel in topic.default_channels
        if critical:
            wanted = default or chosen.get(channel.value, False)
        else:
            wanted = chosen.get(channel.value, default)
        if wanted:
            enabled.add(channel)
    return enabled


def _deliveries_for(
    *,
    notification: Notification,
    channel: Channel,
    now: datetime,
    wait_until: datetime | None,
    devices: Sequence[PushDevice],
) -> list[Delivery]:
    """Unsaved Delivery rows for one channel: one per push device, one for e-mail or SMS."""
    recipient = notification.recipient
    queued = {
        "status": DeliveryStatus.QUEUED,
        "next_attempt_at": wait_until or now + requeue_after(critical=notification.critical),
    }
    if channel == Channel.PUSH:
        rows = []
        for device in devices:
            if conf.vendor(PUSH_VENDOR[DeviceKind(device.kind)])["ENABLED"]:
                state: dict[str, Any] = queued
            else:
                state = {
                    "status": DeliveryStatus.SKIPPED,
                    "provider_response": {"reason": f"{device.kind}_disabled"},
                }
            rows.append(
                Delivery(
                    notification=notification,
                    channel=channel,
                    device=device,
                    target=str(device.pk),
                    **state,
                )
            )
        return rows
    address = recipient.email if channel == Channel.EMAIL else recipient.phone_number
    if not address:
        return [
            Delivery(
                notification=notification,
                channel=channel,
                status=DeliveryStatus.SKIPPED,
                provider_response={"reason": "no_address"},
            )
        ]
    return [Delivery(notification=notification, channel=channel, **queued)]


def _user_zone(user: User) -> ZoneInfo:
    try:
        return ZoneInfo(user.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _quiet_end(quiet: QuietHours | None, user: User, now: datetime) -> datetime | None:
    if quiet is None or quiet.start == quiet.end:
        return None
    zone = _user_zone(user)
    local = now.astimezone(zone)
    today = local.date()
    current = local.time()
    if quiet.start < quiet.end:
        inside = quiet.start <= current < quiet.end
        end_date = today
    else:  # the window crosses midnight, e.g. 22:00–07:00
        inside = current >= quiet.start or current < quiet.end
        end_date = today + timedelta(days=1) if current >= quiet.start else today
    if not inside:
        return None
    return datetime.combine(end_date, quiet.end, tzinfo=zone).astimezone(ZoneInfo("UTC"))


# --- inbox -------------------------------------------------------------------------------
def _publish_unread_count(user: User) -> None:
    publish_on_commit(
        events.unread_count_changed(unread_count=unread_count_for(actor=user)),
        groups=[groups.user(user.pk)],
    )


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one notification read (idempotent) and its in-app delivery as read."""
    now = timezone.now()
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=now, updated_at=now
    )
    if changed:
        Delivery.objects.filter(notification=notification, channel=Channel.IN_APP).update(
            status=DeliveryStatus.READ, updated_at=now
        )
        _publish_unread_count(notification.recipient)
    notification.refresh_from_db(fields=["read_at", "updated_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, user: User) -> int:
    """Mark every unread inbox notification of `user` read; return how many changed."""
    now = timezone.now()
    unread = Notification.objects.filter(recipient=user, in_inbox=True, read_at__isnull=True)
    ids = list(unread.values_list("pk", flat=True))
    if not ids:
        return 0
    changed = Notification.objects.filter(pk__in=ids, read_at__isnull=True).update(
        read_at=now, updated_at=now
    )
    Delivery.objects.filter(notification_id__in=ids, channel=Channel.IN_APP).update(
        status=DeliveryStatus.READ, updated_at=now
    )
    _publish_unread_count(user)
    return changed


@transaction.atomic
def notification_archive(*, notification: Notification) -> Notification:
    """Move a notification out of the inbox (idempotent); it no longer counts as unread."""
    now = timezone.now()
    changed = Notification.objects.filter(pk=notification.pk, archived_at__isnull=True).update(
        archived_at=now, updated_at=now
    )
    if changed and notification.read_at is None:
        _publish_unread_count(notification.recipient)
    notification.refresh_from_db(fields=["archived_at", "updated_at"])
    return notification


# --- preferences and quiet hours -----------------------------------------------------------
@dataclass(frozen=True)
class PreferenceChange:
    topic: str
    channel: str
    enabled: bool


def _check_preferences(changes: Sequence[PreferenceChange]) -> None:
    problems = []
    for change in changes:
        try:
            get_topic(change.topic)
        except UnknownTopic:
            problems.append(gettext("Unknown topic: %(topic)s.") % {"topic": change.topic})
        if change.channel not in Channel.values:
            problems.append(gettext("Unknown channel: %(channel)s.") % {"channel": change.channel})
    if problems:
        raise InvalidInput(errors={"preferences": problems})


def _check_quiet_hours(*, enabled: bool, start: time, end: time) -> None:
    if enabled and start == end:
        raise InvalidInput(
            errors={"quiet_hours": [gettext("Quiet hours must start and end at different times.")]}
        )


@transaction.atomic
def preferences_update(
    *,
    user: User,
    changes: Sequence[PreferenceChange] = (),
    quiet_hours: Mapping[str, Any] | None = None,
) -> None:
    """Store per-topic channel choices and, if given, quiet hours. All or nothing."""
    _check_preferences(changes)
    if quiet_hours is not None:
        _check_quiet_hours(
            enabled=quiet_hours["enabled"], start=quiet_hours["start"], end=quiet_hours["end"]
        )
    for change in changes:
        NotificationPreference.objects.update_or_create(
            user=user,
            topic=change.topic,
            channel=change.channel,
            defaults={"enabled": change.enabled},
        )
    if quiet_hours is not None:
        QuietHours.objects.update_or_create(
            user=user,
            defaults={
                "enabled": quiet_hours["enabled"],
                "start": quiet_hours["start"],
                "end": quiet_hours["end"],
            },
        )


# --- push devices ---------------------------------------------------------------------------
def _check_webpush_endpoint(endpoint: str) -> None:
    """Refuse endpoints that are not a known push service: we POST to them (no SSRF)."""
    parsed = urlsplit(endpoint)
    host = (parsed.hostname or "").lower()
    allowed = conf.vendor("WEBPUSH")["ALLOWED_ENDPOINT_HOSTS"]
    if parsed.scheme != "https" or not any(
        host == suffix or host.endswith(f".{suffix}") for suffix in allowed
    ):
        raise InvalidInput(
            errors={"subscription": [gettext("This push service is not supported.")]}
        )


@transaction.atomic
def device_register(
    *,
    user: User,
    kind: DeviceKind | str,
    token: str = "",
    endpoint: str = "",
    p256dh: str = "",
    auth: str = "",
    user_agent: str = "",
) -> tuple[PushDevice, bool]:
    """Register (or refresh) a push target; return (device, created).

    A token or endpoint is unique: registering one that belongs to another account moves it
    to `user` (the same phone or browser, now signed in as someone else).
    """
    kind = DeviceKind(kind)
    if kind == DeviceKind.WEBPUSH:
        _check_webpush_endpoint(endpoint)
    now = timezone.now()
    fields: dict[str, Any] = {"user": user, "user_agent": user_agent[:512], "last_used_at": now}
    if kind == DeviceKind.FCM:
        device, created = PushDevice.objects.update_or_create(
            kind=kind, token=token, defaults=fields
        )
    else:
        fields.update(p256dh=p256dh, auth=auth)
        device, created = PushDevice.objects.update_or_create(
            kind=kind, endpoint=endpoint, defaults=fields
        )
    if created:
        audit.record(actor=user, action="notifications.device_registered", target=device)
    return device, created


@transaction.atomic
def device_delete(*, device: PushDevice) -> None:
    audit.record(actor=device.user, action="notifications.device_deleted", target=device)
    device.delete()


# --- direct SMS -----------------------------------------------------------------------------
def sms_send(*, to: str, text: str) -> None:
    """Send one SMS now through the configured provider, to a phone number that is not a user
    (an SOS wearer's emergency contact). The caller owns the message row, its retries and its
    idempotency; provider errors (`RecoverableError`, `PermanentError`, timeouts) propagate.
    Messages to users go through `notify()` instead (preferences, quiet hours, deliveries)."""
    sms.get_provider().send(to=to, text=text)
