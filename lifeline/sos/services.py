"""Every write of the sos module: devices, telemetry, triggers, the event lifecycle, helpers.

Services enforce invariants (a closed event cannot be accepted, the wearer cannot accept
their own SOS); who may load an object is decided by the selectors. Side effects (alerts,
real-time events, contact messages) are sent after commit.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.models import Membership, Organization
from lifeline.access.services import membership_admit, membership_request, organization_ensure
from lifeline.accounts.models import User
from lifeline.audit.services import record
from lifeline.core.tasks import enqueue_on_commit
from lifeline.notifications.integrations.sms import get_provider as sms_provider
from lifeline.notifications.services import notify, notify_many
from lifeline.realtime.events import publish_on_commit
from lifeline.sos import conf, events, geo, metrics, selectors
from lifeline.sos.enums import (
    ACCEPTABLE_STATUSES,
    OPEN_STATUSES,
    AlertStatus,
    EventStatus,
    TimelineKind,
    TriggerSource,
)
from lifeline.sos.exceptions import (
    AlreadyAccepted,
    DeviceUidUnusable,
    EventClosed,
    HelperApprovalPending,
    NotAccepted,
    NotAHelper,
    OwnEventAccept,
    ReasonRequired,
    SosForbidden,
)
from lifeline.sos.models import (
    ContactNotice,
    Device,
    EmergencyContact,
    HelperAlert,
    HelperProfile,
    LocationPoint,
    SosEvent,
    TimelineEntry,
    WearerState,
)
from lifeline.sos.permissions import can_admin_event, is_helper

logger = logging.getLogger(__name__)

UNSET: Any = object()


# --- devices ------------------------------------------------------------------------------
def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _sos_organization_of(user: User) -> Any:
    membership = (
        Membership.objects.filter(
            user=user,
            is_active=True,
            organization__is_active=True,
            organization__kind=OrganizationKind.SOS_SERVICE,
        )
        .order_by("created_at")
        .first()
    )
    return membership.organization_id if membership else None


def default_sos_service() -> Organization | None:
    """The deployment's default SOS service: the SOS-service organization whose slug is
    `LIFELINE_DEFAULT_SOS_SERVICE`, created on first use. None when the setting is empty, or
    when that slug is taken by an inactive organization or one of another kind (logged)."""
    slug = str(getattr(django_settings, "LIFELINE_DEFAULT_SOS_SERVICE", "") or "").strip()
    if not slug:
        return None
    organization = organization_ensure(
        slug=slug, kind=OrganizationKind.SOS_SERVICE, name="Lifeline SOS", via="sos"
    )
    if organization.kind != OrganizationKind.SOS_SERVICE or not organization.is_active:
        logger.error("sos.default_service_unusable", extra={"slug": slug})
        return None
    return organization


def _join_sos_service(user: User, *, via: str) -> Any:
    """The id of `user`'s SOS-service organization; a person in none joins the default
    service as a device owner (None if there is no default service)."""
    organization_id = _sos_organization_of(user)
    if organization_id is not None:
        return organization_id
    service = default_sos_service()
    if service is None:
        return None
    membership_admit(
        user=user, organization=service, role=Role.DEVICE_OWNER, granted_by=None, via=via
    )
    return service.pk


def _device_join_sos_service(device: Device) -> None:
    """Give a device of no organization its owner's SOS service (joining the default one)."""
    organization_id = _join_sos_service(device.owner, via="sos.event_triggered")
    if organization_id is not None:
        device.organization_id = organization_id
        device.save(update_fields=["organization", "updated_at"])


def _device_uid_unusable() -> DeviceUidUnusable:
    return DeviceUidUnusable(errors={"device_uid": [_("This device id cannot be registered.")]})


def device_register(
    *, owner: User, device_uid: str, model: str = "", sim_number: str | None = None
) -> Device:
    """Register a device for `owner` (the caller: never a user named in the body).

    An id already registered (to anyone) raises DeviceUidUnusable, worded like a malformed id.
    """
    if Device.objects.filter(device_uid=device_uid).exists():
        raise _device_uid_unusable()
    try:
        with transaction.atomic():
            device = Device.objects.create(
                owner=owner,
                organization_id=_join_sos_service(owner, via="sos.device_registered"),
                device_uid=device_uid,
                model=model,
                sim_number=sim_number or None,
            )
            record(actor=owner, action="sos.device_registered", target=device)
    except IntegrityError as exc:  # a concurrent registration of the same id
        raise _device_uid_unusable() from exc
    return device


def device_update(
    *, device: Device, actor: User, model: Any = UNSET, sim_number: Any = UNSET
) -> Device:
    changed = []
    if model is not UNSET:
        device.model = model
        changed.append("model")
    if sim_number is not UNSET:
        device.sim_number = sim_number or None
        changed.append("sim_number")
    if changed:
        with transaction.atomic():
            device.save(update_fields=[*changed, "updated_at"])
            record(actor=actor, action="sos.device_updated", target=device)
    return device


def device_delete(*, device: Device, actor: User) -> None:
    with transaction.atomic():
        record(actor=actor, action="sos.device_deleted", target=device)
        device.delete()


def device_token_rotate(*, device: Device, actor: User) -> str:
    """Issue a new device token (the old one stops working). Returns it; only its hash is kept."""
    token = f"sosd_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        device.token_hash = _hash_token(token)
        device.token_hint = token[-4:]
        device.token_issued_at = timezone.now()
        device.save(update_fields=["token_hash", "token_hint", "token_issued_at", "updated_at"])
        record(actor=actor, action="sos.device_token_rotated", target=device)
    return token


def device_token_revoke(*, device: Device, actor: User) -> Device:
    with transaction.atomic():
        device.token_hash = None
        device.token_hint = ""
        device.token_issued_at = None
        device.save(update_fields=["token_hash", "token_hint", "token_issued_at", "updated_at"])
        record(actor=actor, action="sos.device_token_revoked", target=device)
    return device


def device_by_token(token: str) -> Device | None:
    if not token or len(token) > 200:
        return None
    return Device.objects.select_related("owner").filter(token_hash=_hash_token(token)).first()


def device_report_status(
    *,
    device: Device,
    battery_level: Any = UNSET,
    is_online: Any = UNSET,
    lat: Any = UNSET,
    lon: Any = UNSET,
    last_seen_via: Any = UNSET,
    now: datetime | None = None,
) -> Device:
    """Apply the fields the report carries; fields it does not carry stay as they were."""
    now = now or timezone.now()
    fields = ["last_seen_at", "updated_at"]
    device.last_seen_at = now
    if battery_level is not UNSET and battery_level is not None:
        device.battery_level = battery_level
        fields.append("battery_level")
    if is_online is not UNSET and is_online is not None:
        device.is_online = is_online
        fields.append("is_online")
    if last_seen_via is not UNSET and last_seen_via is not None:
        device.last_seen_via = last_seen_via
        fields.append("last_seen_via")
    with transaction.atomic():
        if lat is not UNSET and lon is not UNSET and lat is not None and lon is not None:
            device.last_lat, device.last_lon, device.last_location_at = lat, lon, now
            fields += ["last_lat", "last_lon", "last_location_at"]
            from lifeline.sos import ingest

            ingest.submit(
                [
                    ingest.Point(
                        device_id=device.pk,
                        lat=lat,
                        lon=lon,
                        battery_level=device.battery_level,
                        recorded_at=now,
                        created_at=now,
                    )
                ]
            )
        device.save(update_fields=fields)
    return device


def device_record_location(
    *,
    device: Device,
    lat: float,
    lon: float,
    speed: float | None = None,
    direction: float | None = None,
    altitude: float | None = None,
    accuracy: float | None = None,
    battery_level: int | None = None,
    recorded_at: datetime | None = None,
    via: str = "api",
    now: datetime | None = None,
) -> None:
    """Record one track point and mark the device online; absent fields are not erased."""
    device_record_locations(
        device=device,
        points=[
            {
                "lat": lat,
                "lon": lon,
                "speed": speed,
                "direction": direction,
                "altitude": altitude,
                "accuracy": accuracy,
                "battery_level": battery_level,
                "recorded_at": recorded_at,
            }
        ],
        via=via,
        now=now,
    )


def device_record_locations(
    *, device: Device, points: list[dict[str, Any]], via: str = "api", now: datetime | None = None
) -> None:
    """Record validated track points of one device (one or a batch from its buffer).

    The device's current state (online, last seen, the newest position, battery) is updated
    at once with one UPDATE; the track points go to the batch writer (`ingest.submit`: a Redis
    list drained in bulk, or an INSERT here without Redis). A point with the same device and
    `recorded_at` as a stored one is not stored twice.
    """
    from lifeline.sos import ingest

    if not points:
        return
    now = now or timezone.now()
    batch = [
        ingest.Point(
            device_id=device.pk,
            lat=p["lat"],
            lon=p["lon"],
            speed=p.get("speed"),
            direction=p.get("direction"),
            altitude=p.get("altitude"),
            accuracy=p.get("accuracy"),
            battery_level=p.get("battery_level"),
            recorded_at=p.get("recorded_at") or now,
            created_at=now,
        )
        for p in points
    ]
    newest = max(batch, key=lambda point: point.recorded_at)
    update: dict[str, Any] = {
        "is_online": True,
        "last_seen_at": now,
        "last_lat": newest.lat,
        "last_lon": newest.lon,
        "last_location_at": newest.recorded_at,
        "updated_at": now,
    }
    battery = next(
        (
            p.battery_level
            for p in sorted(batch, key=lambda point: point.recorded_at, reverse=True)
            if p.battery_level is not None
        ),
        None,
    )
    if battery is not None:
        update["battery_level"] = battery
    with transaction.atomic():
        Device.objects.filter(pk=device.pk).update(**update)
        ingest.submit(batch)
    for key, value in update.items():
        setattr(device, key, value)
    metrics.locations.labels(via=via if via in ("api", "osmand") else "api").inc(len(batch))


def track_purge_expired(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    cutoff = now - timedelta(days=int(conf.get("TRACK_RETENTION_DAYS")))
    deleted, _details = LocationPoint.objects.filter(recorded_at__lt=cutoff).delete()
    return deleted


# --- emergency contacts -------------------------------------------------------------------
def contact_create(
    *, owner: User, name: str, phone_number: str, relation: str = ""
) -> EmergencyContact:
    with transaction.atomic():
        contact = EmergencyContact.objects.create(
            owner=owner, name=name, phone_number=phone_number, relation=relation
        )
        record(actor=owner, action="sos.contact_created", target=contact)
    return contact


def contact_delete(*, contact: EmergencyContact, actor: User) -> None:
    with transaction.atomic():
        record(actor=actor, action="sos.contact_deleted", target=contact)
        contact.delete()


def _tell_contacts(event: SosEvent, kind: str) -> None:
    """Queue one message per emergency contact of the wearer, sent after commit.

    The unsent rows are the truth: the fast path is the `sos.send_contact_notices` task at
    commit; if its message or worker is lost, the `sos.run_due` sweep sends them once their
    `next_attempt_at` passes."""
    contacts = list(EmergencyContact.objects.filter(owner_id=event.user_id))
    if not contacts:
        return
    wearer = event.user
    with translation.override(wearer.language or "ru"):
        name = wearer.display_name
        if kind == TimelineKind.CREATED:
            text = _("%(name)s triggered an SOS alarm at %(lat).5f, %(lon).5f.") % {
                "name": name,
                "lat": event.lat,
                "lon": event.lon,
            }
        elif kind == TimelineKind.ACCEPTED:
            text = _("A volunteer is on the way to %(name)s.") % {"name": name}
        elif kind == TimelineKind.RESOLVED:
            text = _("The SOS of %(name)s has been resolved.") % {"name": name}
        elif kind == TimelineKind.CANCELLED:
            text = _("The SOS of %(name)s was cancelled.") % {"name": name}
        else:
            text = _("The SOS of %(name)s was escalated to the SOS service.") % {"name": name}
    retry_at = timezone.now() + timedelta(seconds=int(conf.get("ROUND_RETRY_SECONDS")))
    ContactNotice.objects.bulk_create(
        [
            ContactNotice(
                event=event, contact=c, kind=kind, text=text[:480], next_attempt_at=retry_at
            )
            for c in contacts
        ],
        ignore_conflicts=True,
    )
    _timeline(event, TimelineKind.CONTACTS_TOLD, data={"step": kind, "count": len(contacts)})
    enqueue_on_commit("sos.send_contact_notices", kwargs={"event_id": str(event.pk)})


def contact_notice_backoff(attempts: int) -> timedelta:
    """30 s, 60 s, 120 s … between tries of one SMS, at most 30 minutes."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 1800))


def contact_notices_send(
    *, event_id: Any = None, due_only: bool = False, now: datetime | None = None, limit: int = 100
) -> int:
    """Send unsent messages to emergency contacts by SMS; return how many were sent.

    With `event_id`: that event's unsent messages (the fast path after commit). With
    `due_only`: every unsent message whose `next_attempt_at` has passed (the sweep). Each
    message is locked while it is sent, so two runs never send it twice; a failed send is
    recorded and tried again with backoff until `CONTACT_NOTICE_MAX_ATTEMPTS`.
    """
    now = now or timezone.now()
    max_attempts = int(conf.get("CONTACT_NOTICE_MAX_ATTEMPTS"))
    pending = ContactNotice.objects.filter(sent_at__isnull=True, attempts__lt=max_attempts)
    if event_id is not None:
        pending = pending.filter(event__pk=event_id)
    if due_only:
        pending = pending.filter(next_attempt_at__lte=now)
    sent = 0
    for notice_id in list(pending.order_by("pk").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            locked = (
                ContactNotice.objects.select_for_update()
                .select_related("contact")
                .filter(pk=notice_id, sent_at__isnull=True, attempts__lt=max_attempts)
                .first()
            )
            if locked is None:
                continue
            locked.attempts += 1
            try:
                sms_provider().send(to=locked.contact.phone_number, text=locked.text)
            except Exception as exc:  # provider errors are recorded and retried, not raised
                locked.error = type(exc).__name__[:200]
                locked.next_attempt_at = timezone.now() + contact_notice_backoff(locked.attempts)
                locked.save(update_fields=["attempts", "error", "next_attempt_at"])
                logger.warning("sos.contact_notice_failed", extra={"notice_id": locked.pk})
                continue
            locked.sent_at = timezone.now()
            locked.error = ""
            locked.next_attempt_at = None
            locked.save(update_fields=["attempts", "sent_at", "error", "next_attempt_at"])
            sent += 1
    return sent


# --- helper profile -----------------------------------------------------------------------
def helper_profile_update(
    *,
    user: User,
    opted_in: Any = UNSET,
    on_duty: Any = UNSET,
    lat: Any = UNSET,
    lon: Any = UNSET,
    now: datetime | None = None,
) -> HelperProfile:
    """Opt in/out, go on/off duty, report the helper's location. Needs the helper role.

    A person who holds it nowhere and opts in asks to join the default SOS service as a
    helper (`HelperApprovalPending`): its SOS admins approve the request (access API)."""
    if not is_helper(user):
        if opted_in is not UNSET and bool(opted_in):
            _request_helper_role(user)
        raise NotAHelper()
    now = now or timezone.now()
    profile, _created = HelperProfile.objects.get_or_create(user=user)
    if opted_in is not UNSET:
        profile.opted_in = bool(opted_in)
        if not profile.opted_in:
            profile.on_duty = False
    if on_duty is not UNSET:
        profile.on_duty = bool(on_duty) and profile.opted_in
    if lat is not UNSET and lon is not UNSET and lat is not None and lon is not None:
        profile.lat, profile.lon, profile.location_at = lat, lon, now
    profile.save()
    return profile


def demo_helpers_keep_fresh(*, now: datetime | None = None) -> int:
    """Mark the last location of the demo's on-duty helpers as just reported (demo data only:
    users flagged `is_demo`). `serve --demo` runs it periodically, so the demo helper stays
    alertable however long the demo runs (HELPER_FRESH_SECONDS). Returns how many."""
    now = now or timezone.now()
    return HelperProfile.objects.filter(
        user__is_demo=True, opted_in=True, on_duty=True, lat__isnull=False, lon__isnull=False
    ).update(location_at=now, updated_at=now)


def _request_helper_role(user: User) -> None:
    """Ask the default SOS service for the helper role; raises HelperApprovalPending once the
    request exists (a revoked helper is not asked again: the caller refuses as before)."""
    service = default_sos_service()
    if service is None:
        return
    membership = membership_request(user=user, organization=service, role=Role.HELPER)
    if membership.revoked_at is None and not membership.is_active:
        raise HelperApprovalPending()


# --- triggering ---------------------------------------------------------------------------
@dataclass(frozen=True)
class TriggerResult:
    event: SosEvent
    created: bool


def _timeline(
    event: SosEvent, kind: str, *, actor: Any = None, data: dict[str, Any] | None = None
) -> None:
    TimelineEntry.objects.create(event=event, kind=kind, actor=actor, data=data or {})


def _publish(event: SosEvent, kind: str, *, helper_ids: list[Any] | None = None) -> None:
    publish_on_commit(
        events.sos_event(event, kind), groups=events.audience(event, helper_ids=helper_ids)
    )


def _round_retry(now: datetime) -> datetime:
    return now + timedelta(seconds=int(conf.get("ROUND_RETRY_SECONDS")))


def _ask_for_round(event: SosEvent, *, step: int, now: datetime) -> None:
    """Make a helper round at radius `step` due now: its deadline is stored on the event
    (saved by the caller) and the `sos.alert_helpers` task runs it at commit. If that
    message or its worker is lost, `sos.run_due` runs the round at the deadline."""
    event.next_round_at = _round_retry(now)
    event.next_round_step = step
    enqueue_on_commit(
        "sos.alert_helpers", kwargs={"event_id": str(event.pk), "round_no": event.round_no}
    )


def _stop_deadlines(event: SosEvent) -> list[str]:
    """Stop the search and the escalation of `event`; return the fields to save."""
    event.next_round_at = None
    event.escalate_at = None
    return ["next_round_at", "escalate_at"]


def event_trigger(
    *,
    device: Device,
    lat: float,
    lon: float,
    detected_type: str,
    severity: int,
    timestamp: datetime,
    altitude: float | None = None,
    raw_payload: Any = None,
    source: str = TriggerSource.API,
    idempotency_key: str | None = None,
    actor: User | None = None,
    now: datetime | None = None,
) -> TriggerResult:
    """Create an SOS for the owner of `device`, or join their open one (dedup).

    Dedup: an open event of the same person (any of their devices) last triggered within
    DEDUP_WINDOW_SECONDS (sliding) and within DEDUP_DISTANCE_M is joined; an
    `idempotency_key` already used by the person returns its event. Concurrent triggers of
    one person are serialized by updating their `WearerState` row first (a row lock on
    PostgreSQL, the write lock on SQLite); the key is also unique in the database.
    """
    now = now or timezone.now()
    wearer = device.owner
    WearerState.objects.get_or_create(user=wearer)
    with transaction.atomic():
        WearerState.objects.filter(user=wearer).update(last_trigger_at=now)
        if idempotency_key:
            existing = SosEvent.objects.filter(user=wearer, idempotency_key=idempotency_key).first()
            if existing is not None:
                metrics.duplicates.labels(reason="idempotency_key").inc()
                return TriggerResult(event=existing, created=False)
        window_start = now - timedelta(seconds=int(conf.get("DEDUP_WINDOW_SECONDS")))
        max_distance = float(conf.get("DEDUP_DISTANCE_M"))
        candidates = SosEvent.objects.filter(
            user=wearer, status__in=OPEN_STATUSES, last_trigger_at__gte=window_start
        ).order_by("-last_trigger_at")
        for candidate in candidates:
            distance = geo.haversine_m(candidate.lat, candidate.lon, lat, lon)
            if distance <= max_distance:
                SosEvent.objects.filter(pk=candidate.pk).update(
                    last_trigger_at=now, trigger_count=F("trigger_count") + 1
                )
                _timeline(
                    candidate,
                    TimelineKind.DUPLICATE,
                    actor=actor,
                    data={"source": source, "distance_m": round(distance)},
                )
                metrics.duplicates.labels(reason="window").inc()
                candidate.refresh_from_db()
                return TriggerResult(event=candidate, created=False)
        if device.organization_id is None:  # registered before the default service existed
            _device_join_sos_service(device)
        settings = selectors.settings_for(device.organization)
        event = SosEvent.objects.create(
            organization_id=device.organization_id,
            device=device,
            user=wearer,
            lat=lat,
            lon=lon,
            altitude=altitude,
            detected_type=detected_type,
            severity=severity,
            timestamp=timestamp,
            last_trigger_at=now,
            raw_payload=raw_payload,
            source=source,
            idempotency_key=idempotency_key or None,
            next_round_at=_round_retry(now),
            next_round_step=0,
            escalate_at=now + timedelta(seconds=settings.escalation_seconds),
        )
        _timeline(event, TimelineKind.CREATED, actor=actor, data={"source": source})
        record(
            actor=actor or wearer,
            action="sos.event_created",
            target=event,
            metadata={"source": source, "device_uid": device.device_uid},
        )
        # Helpers first: on-commit work runs in the order it was queued, and the first push
        # to a helper is the one the wearer is waiting for (benchmarks/sos_push.py).
        enqueue_on_commit("sos.alert_helpers", kwargs={"event_id": str(event.pk), "round_no": 0})
        _publish(event, "created")
        _tell_contacts(event, TimelineKind.CREATED)
        transaction.on_commit(lambda: metrics.events_created.labels(source=source).inc())
    return TriggerResult(event=event, created=True)


# --- helpers ------------------------------------------------------------------------------
def helpers_alert_round(
    *,
    event_id: Any,
    round_no: int | None = None,
    step: int | None = None,
    now: datetime | None = None,
) -> list[HelperAlert]:
    """Alert the nearest available helpers of an event still waiting for one (status NEW).

    Starts at the radius step of the pending round (or `step`), widens at once while fewer
    than k helpers were alerted in total, alerts at most the cap per round, records the round
    and sets the next one (one step wider, after t seconds) as the event's deadline.

    With `round_no` (the task and the sweep pass it) the round runs only if it is still the
    pending round of that number: a duplicate message, a redelivery after a worker died, or
    the sweep racing the fast path find it recorded and do nothing. Each helper is alerted at
    most once per event (a unique row), so a round is idempotent per helper.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = (
            SosEvent.objects.select_for_update(of=("self",))
            .select_related("user", "device", "organization")
            .filter(pk=event_id)
            .first()
        )
        if event is None or event.status != EventStatus.NEW:
            return []  # accepted, closed or escalated: an escalated event stops searching
        if round_no is not None and (event.round_no != round_no or event.next_round_at is None):
            return []  # that round is already recorded
        settings = selectors.settings_for(event.organization)
        steps = settings.radius_steps_m
        if step is not None:
            current = step
        elif event.next_round_at is not None:
            current = event.next_round_step
        else:
            current = event.radius_step
        current = min(current, len(steps) - 1)
        already = set(event.alerts.values_list("helper_id", flat=True))
        exclude = already | {event.user_id}
        while True:
            radius = steps[current]
            found = selectors.nearest_helpers(
                lat=event.lat,
                lon=event.lon,
                radius_m=radius,
                limit=settings.helper_cap,
                exclude_user_ids=exclude,
                organization_id=event.organization_id,
                now=now,
                cooldown_seconds=settings.helper_cooldown_seconds,
            )
            if len(found) + len(already) >= settings.min_helpers_k or current >= len(steps) - 1:
                break
            current += 1
        widened = current != event.radius_step or event.radius_m == 0
        event.radius_step, event.radius_m = current, radius
        event.round_no += 1
        if current < len(steps) - 1:
            # Nobody accepts within t seconds: the next round searches one step further.
            event.next_round_at = now + timedelta(seconds=settings.accept_wait_seconds)
            event.next_round_step = current + 1
        else:
            event.next_round_at = None
        event.save(
            update_fields=[
                "radius_step",
                "radius_m",
                "round_no",
                "next_round_at",
                "next_round_step",
                "updated_at",
            ]
        )
        if widened and current > 0:
            _timeline(event, TimelineKind.RADIUS_WIDENED, data={"radius_m": radius})
        alerts = HelperAlert.objects.bulk_create(
            [
                HelperAlert(
                    event=event,
                    helper_id=h.user_id,
                    distance_m=round(h.distance_m),
                    radius_m=radius,
                )
                for h in found
            ]
        )
        if found:
            HelperProfile.objects.filter(user_id__in=[h.user_id for h in found]).update(
                last_alerted_at=now
            )
        _timeline(
            event,
            TimelineKind.HELPERS_ALERTED,
            data={"count": len(found), "radius_m": radius},
        )
        helpers = User.objects.in_bulk([h.user_id for h in found])
        # One batch, nearest first: the first helper's push is enqueued first.
        notify_many(
            [helpers[nearby.user_id] for nearby in found],
            "sos.helper_alert",
            [{"event_uid": str(event.pk), "distance_m": round(h.distance_m)} for h in found],
            critical=True,
        )
        if found:
            transaction.on_commit(lambda: metrics.alerts_sent.inc(len(found)))
            publish_on_commit(
                events.sos_event(event, "created"),
                groups=[events.helper_group(h.user_id) for h in found],
            )
    return alerts


def deadlines_run_due(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """The `sos.run_due` sweep (beat: every 2 s): run every SOS deadline that has passed.

    - helper rounds whose fast-path task was lost (a killed worker, a lost message) or that
      are the next, wider round after t seconds without an accept;
    - escalations of events still NEW after the escalation time;
    - emergency-contact messages not sent yet (lost task, or a failure waiting to retry).

    Each item runs in its own transaction under the event's row lock and re-checks its
    state, so concurrent sweeps, a restarted worker or a duplicate message run it once.
    """
    now = now or timezone.now()
    rounds = list(
        SosEvent.objects.filter(status=EventStatus.NEW, next_round_at__lte=now)
        .order_by("next_round_at")
        .values_list("pk", "round_no")[:limit]
    )
    alerted = 0
    for event_id, round_no in rounds:
        alerted += len(helpers_alert_round(event_id=event_id, round_no=round_no, now=now))
    due = list(
        SosEvent.objects.filter(status=EventStatus.NEW, escalate_at__lte=now)
        .order_by("escalate_at")
        .values_list("pk", flat=True)[:limit]
    )
    escalated = 0
    for event_id in due:
        event = event_escalate(event_id=event_id, now=now, deadline=True)
        escalated += int(event is not None and event.status == EventStatus.ESCALATED)
    sent = contact_notices_send(due_only=True, now=now, limit=limit)
    if rounds or due or sent:
        logger.info(
            "sos.deadlines_run",
            extra={"rounds": len(rounds), "escalated": escalated, "contact_notices": sent},
        )
    return {"rounds": len(rounds), "alerts": alerted, "escalated": escalated, "sent": sent}


# --- lifecycle ----------------------------------------------------------------------------
def _locked(event: SosEvent) -> SosEvent:
    return (
        SosEvent.objects.select_for_update(of=("self",))
        .select_related("user", "device", "organization", "accepted_by")
        .get(pk=event.pk)
    )


def event_accept(*, event: SosEvent, actor: User, now: datetime | None = None) -> SosEvent:
    """First accept wins under a row lock; later accepts get 409, the wearer gets 403."""
    now = now or timezone.now()
    if event.user_id == actor.pk:
        raise OwnEventAccept()
    with transaction.atomic():
        event = _locked(event)
        alert = HelperAlert.objects.filter(event=event, helper=actor).first()
        if alert is None and not can_admin_event(actor, event):
            raise SosForbidden()
        if event.status == EventStatus.ACCEPTED:
            if event.accepted_by_id == actor.pk:
                return event
            raise AlreadyAccepted()
        if event.status not in ACCEPTABLE_STATUSES:
            raise EventClosed()
        event.status = EventStatus.ACCEPTED
        event.accepted_by = actor
        event.accepted_at = now
        first = event.first_accepted_at is None
        if first:
            event.first_accepted_at = now
        event.save(
            update_fields=[
                "status",
                "accepted_by",
                "accepted_at",
                "first_accepted_at",
                "updated_at",
                *_stop_deadlines(event),
            ]
        )
        if alert is not None:
            HelperAlert.objects.filter(pk=alert.pk).update(
                status=AlertStatus.ACCEPTED, responded_at=now
            )
        others = list(
            HelperAlert.objects.filter(event=event, status=AlertStatus.SENT)
            .exclude(helper=actor)
            .select_related("helper")
        )
        HelperAlert.objects.filter(pk__in=[a.pk for a in others]).update(status=AlertStatus.TAKEN)
        _timeline(event, TimelineKind.ACCEPTED, actor=actor)
        record(actor=actor, action="sos.event_accepted", target=event)
        notify(
            event.user,
            "sos.help_on_way",
            {
                "event_uid": str(event.pk),
                "helper_name": actor.display_name,
                "helper_phone": str(actor.phone_number or ""),
            },
            critical=True,
        )
        notify_many(
            [other.helper for other in others],
            "sos.alert_taken",
            [{"event_uid": str(event.pk)}] * len(others),
        )
        _tell_contacts(event, TimelineKind.ACCEPTED)
        _publish(event, "accepted", helper_ids=[actor.pk])
        if first:
            seconds = (now - event.created_at).total_seconds()
            transaction.on_commit(lambda: metrics.time_to_accept.observe(max(seconds, 0)))
    return event


def event_decline(*, event: SosEvent, actor: User, now: datetime | None = None) -> HelperAlert:
    now = now or timezone.now()
    if event.user_id == actor.pk:
        raise OwnEventAccept()
    with transaction.atomic():
        alert = HelperAlert.objects.select_for_update().filter(event=event, helper=actor).first()
        if alert is None:
            raise SosForbidden()
        if not event.is_open:
            raise EventClosed()
        if alert.status == AlertStatus.ACCEPTED:
            raise NotAccepted(_("Withdraw instead of declining an accepted SOS."))
        alert.status = AlertStatus.DECLINED
        alert.responded_at = now
        alert.save(update_fields=["status", "responded_at", "updated_at"])
        _timeline(event, TimelineKind.DECLINED, actor=actor)
    return alert


def event_withdraw(*, event: SosEvent, actor: User, now: datetime | None = None) -> SosEvent:
    """The accepting helper drops out: the event is NEW again and the search goes on."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked(event)
        if event.status != EventStatus.ACCEPTED or event.accepted_by_id != actor.pk:
            if not event.is_open:
                raise EventClosed()
            raise NotAccepted()
        settings = selectors.settings_for(event.organization)
        event.status = EventStatus.NEW
        event.accepted_by = None
        event.accepted_at = None
        # The search goes on at the current radius, and the escalation clock restarts.
        event.escalate_at = now + timedelta(seconds=settings.escalation_seconds)
        _ask_for_round(event, step=event.radius_step, now=now)
        event.save(
            update_fields=[
                "status",
                "accepted_by",
                "accepted_at",
                "escalate_at",
                "next_round_at",
                "next_round_step",
                "updated_at",
            ]
        )
        HelperAlert.objects.filter(event=event, helper=actor).update(
            status=AlertStatus.WITHDRAWN, responded_at=now
        )
        HelperAlert.objects.filter(event=event, status=AlertStatus.TAKEN).update(
            status=AlertStatus.SENT
        )
        _timeline(event, TimelineKind.WITHDRAWN, actor=actor)
        record(actor=actor, action="sos.event_withdrawn", target=event)
        notify(event.user, "sos.event_reopened", {"event_uid": str(event.pk)}, critical=True)
        for alert in HelperAlert.objects.filter(
            event=event, status=AlertStatus.SENT
        ).select_related("helper"):
            notify(
                alert.helper,
                "sos.helper_alert",
                {"event_uid": str(event.pk), "distance_m": alert.distance_m},
                critical=True,
            )
        _publish(event, "reopened", helper_ids=[actor.pk])
    return event


def _close_alerts(event: SosEvent) -> list[HelperAlert]:
    alerts = list(
        HelperAlert.objects.filter(
            event=event, status__in=[AlertStatus.SENT, AlertStatus.ACCEPTED, AlertStatus.TAKEN]
        ).select_related("helper")
    )
    HelperAlert.objects.filter(
        event=event, status__in=[AlertStatus.SENT, AlertStatus.TAKEN]
    ).update(status=AlertStatus.CLOSED)
    return alerts


def event_cancel(
    *, event: SosEvent, actor: User, reason: str = "", now: datetime | None = None
) -> SosEvent:
    """The wearer (or an admin) calls it off: free within the cancel window, else with a reason."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked(event)
        if event.user_id != actor.pk and not can_admin_event(actor, event):
            raise SosForbidden()
        if not event.is_open:
            raise EventClosed()
        window = timedelta(seconds=int(conf.get("CANCEL_WINDOW_SECONDS")))
        if now - event.created_at > window and not reason.strip():
            raise ReasonRequired(
                errors={"reason": [_("Give a reason to cancel after the cancel window.")]}
            )
        previous = event.status
        event.status = EventStatus.CANCELLED
        event.cancelled_by = actor
        event.cancelled_at = now
        event.cancel_reason = reason.strip()
        event.save(
            update_fields=[
                "status",
                "cancelled_by",
                "cancelled_at",
                "cancel_reason",
                "updated_at",
                *_stop_deadlines(event),
            ]
        )
        alerts = _close_alerts(event)
        _timeline(event, TimelineKind.CANCELLED, actor=actor, data={"reason": event.cancel_reason})
        record(
            actor=actor,
            action="sos.event_cancelled",
            target=event,
            before={"status": previous},
            after={"status": event.status},
        )
        notify_many(
            [alert.helper for alert in alerts],
            "sos.event_closed",
            [{"event_uid": str(event.pk)}] * len(alerts),
        )
        _tell_contacts(event, TimelineKind.CANCELLED)
        _publish(event, "cancelled", helper_ids=[a.helper_id for a in alerts])
    return event


def event_resolve(
    *, event: SosEvent, actor: User, outcome: str = "", now: datetime | None = None
) -> SosEvent:
    """The accepted helper or an SOS admin closes the event with an outcome."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked(event)
        if event.accepted_by_id != actor.pk and not can_admin_event(actor, event):
            raise SosForbidden()
        if not event.is_open:
            raise EventClosed()
        previous = event.status
        event.status = EventStatus.RESOLVED
        event.resolved_by = actor
        event.resolved_at = now
        event.outcome = outcome.strip()
        event.save(
            update_fields=[
                "status",
                "resolved_by",
                "resolved_at",
                "outcome",
                "updated_at",
                *_stop_deadlines(event),
            ]
        )
        alerts = _close_alerts(event)
        _timeline(event, TimelineKind.RESOLVED, actor=actor, data={"outcome": event.outcome})
        record(
            actor=actor,
            action="sos.event_resolved",
            target=event,
            before={"status": previous},
            after={"status": event.status},
        )
        told = [alert.helper for alert in alerts if alert.helper_id != actor.pk]
        notify_many(told, "sos.event_closed", [{"event_uid": str(event.pk)}] * len(told))
        _tell_contacts(event, TimelineKind.RESOLVED)
        _publish(event, "resolved", helper_ids=[a.helper_id for a in alerts])
    return event


def event_escalate(
    *,
    event_id: Any,
    actor: User | None = None,
    now: datetime | None = None,
    deadline: bool = False,
) -> SosEvent | None:
    """Still NEW after the escalation time (or an admin's decision): tell admins and contacts,
    then hand the event to ambulance dispatch (`hand_over_to_dispatch`).

    `deadline`: called by the sweep, which escalates only if the event's `escalate_at` has
    still passed once the row is locked (an accept and a withdrawal meanwhile restart it)."""
    now = now or timezone.now()
    with transaction.atomic():
        event = SosEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            return None
        event = _locked(event)
        if actor is None and event.status != EventStatus.NEW:
            return event  # accepted, closed or already escalated meanwhile: nothing to do
        if deadline and (event.escalate_at is None or event.escalate_at > now):
            return event
        if actor is not None and event.status not in ACCEPTABLE_STATUSES:
            raise EventClosed()
        event.status = EventStatus.ESCALATED
        event.escalated_at = now
        # Escalated: the SOS service (and dispatch) takes over; the helper search stops.
        event.save(update_fields=["status", "escalated_at", "updated_at", *_stop_deadlines(event)])
        _timeline(event, TimelineKind.ESCALATED, actor=actor)
        record(actor=actor, action="sos.event_escalated", target=event)
        admins = (
            User.objects.filter(
                memberships__organization_id=event.organization_id,
                memberships__role=Role.SOS_ADMIN,
                memberships__is_active=True,
            ).distinct()
            if event.organization_id
            else User.objects.none()
        )
        admin_users = list(admins)
        notify_many(
            admin_users,
            "sos.event_escalated",
            [{"event_uid": str(event.pk)}] * len(admin_users),
            critical=True,
        )
        _tell_contacts(event, TimelineKind.ESCALATED)
        _publish(event, "escalated")
        transaction.on_commit(metrics.escalations.inc)
        hand_over_to_dispatch(event)
    return event


def hand_over_to_dispatch(event: SosEvent) -> None:
    """Hand an escalated SOS to ambulance dispatch. **A no-op until the ambulance module exists.**

    The dispatch issue implements this as a call to `lifeline.ambulance.services` (creating a
    call card from the event's location, severity and wearer), declared in the import-linter
    contract as `lifeline.sos.services -> lifeline.ambulance.services`. Until then escalation
    stops at SOS administrators and emergency contacts.
    """
    logger.info("sos.hand_over_to_dispatch_skipped", extra={"event_id": str(event.pk)})
