"""Emergency contacts of a wearer, and the SMS notices sent to them at each step of an SOS.

Each notice is a `ContactNotice` row: the unsent rows are the truth. The fast path is the
`sos.send_contact_notices` task at commit; the `sos.run_due` sweep sends what it missed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lifeline.audit.services import record
from lifeline.core.tasks import enqueue_on_commit
from lifeline.notifications.services import sms_send
from lifeline.sos import conf
from lifeline.sos.enums import TimelineKind
from lifeline.sos.models import ContactNotice, EmergencyContact, SosEvent
from lifeline.sos.services.timeline import timeline_add

if TYPE_CHECKING:
    from lifeline.accounts.models import User

logger = logging.getLogger(__name__)


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


def contact_notices_queue(*, event: SosEvent, kind: str) -> None:
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
    timeline_add(event, TimelineKind.CONTACTS_TOLD, data={"step": kind, "count": len(contacts)})
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
                sms_send(to=locked.contact.phone_number, text=locked.text)
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
