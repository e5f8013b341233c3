"""Alert rules evaluated by the sweep (`fieldservice.run_due`) from the database, sent to
Telegram without spam.

The truth is in the database: each run counts every active rule's condition; a rule whose
count turns positive opens one `Alert` (at most one open per rule, a unique constraint),
which is closed by the first run that counts zero. Messages: one when an alert opens, a
reminder every `FIELDSERVICE_ALERT_REPEAT_MINUTES` while it lasts, one «resolved» when it
clears (only if the opening one went out). At most `FIELDSERVICE_ALERTS_MAX_PER_RUN`
messages per run; the rest, and any Telegram refused, wait for the next run. A message is
claimed (conditional update) before it is sent, so two sweeps never send it twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lifeline.audit.services import record
from lifeline.fieldservice import conf
from lifeline.fieldservice.enums import AlertKind, CallbackStatus, RequestStatus
from lifeline.fieldservice.exceptions import DuplicateReference, FieldServiceForbidden
from lifeline.fieldservice.integrations import telegram
from lifeline.fieldservice.models import Alert, AlertRule, CallbackTask, ServiceRequest
from lifeline.fieldservice.permissions import is_manager

logger = logging.getLogger(__name__)


def _count(rule: AlertRule, now: datetime) -> int:
    since = now - timedelta(minutes=rule.threshold_minutes)
    if rule.kind == AlertKind.CALLBACKS_OVERDUE:
        return CallbackTask.objects.filter(
            organization_id=rule.organization_id, status=CallbackStatus.OPEN, due_at__lte=since
        ).count()
    return ServiceRequest.objects.filter(
        organization_id=rule.organization_id, status=rule.status, updated_at__lte=since
    ).count()


def _evaluate(rule: AlertRule, now: datetime) -> None:
    count = _count(rule, now)
    alert = rule.alerts.filter(resolved_at__isnull=True).first()
    if count and alert is None:
        Alert.objects.create(rule=rule, count=count)
    elif count and alert is not None and alert.count != count:
        alert.count = count
        alert.save(update_fields=["count", "updated_at"])
    elif not count and alert is not None:
        alert.resolved_at = now
        alert.save(update_fields=["resolved_at", "updated_at"])


def _text(alert: Alert, *, resolved: bool) -> str:
    rule = alert.rule
    with translation.override(settings.LANGUAGE_CODE):
        if rule.kind == AlertKind.CALLBACKS_OVERDUE:
            what = _("missed calls not called back %(minutes)s min past the deadline") % {
                "minutes": rule.threshold_minutes
            }
        else:
            what = _("requests in «%(status)s» for over %(minutes)s min") % {
                "status": RequestStatus(rule.status).label,
                "minutes": rule.threshold_minutes,
            }
        company = rule.organization.name
        if resolved:
            return _("Resolved — %(company)s: %(what)s") % {"company": company, "what": what}
        return _("Alert — %(company)s: %(what)s: %(count)s") % {
            "company": company,
            "what": what,
            "count": alert.count,
        }


def _claim(alert: Alert, *, resolved: bool, now: datetime) -> bool:
    rows = Alert.objects.filter(pk=alert.pk)
    if resolved:
        return bool(rows.filter(resolved_notified_at__isnull=True).update(resolved_notified_at=now))
    if alert.notified_at is None:
        rows = rows.filter(notified_at__isnull=True)
    else:
        rows = rows.filter(notified_at=alert.notified_at)
    return bool(rows.update(notified_at=now))


def _release(alert: Alert, *, resolved: bool) -> None:
    if resolved:
        Alert.objects.filter(pk=alert.pk).update(resolved_notified_at=None)
    else:
        Alert.objects.filter(pk=alert.pk).update(notified_at=alert.notified_at)


def alerts_evaluate(
    *, now: datetime | None = None, sender: telegram.TelegramClient | None = None
) -> int:
    """Evaluate every active rule, then send what is due. Returns the messages sent."""
    now = now or timezone.now()
    with transaction.atomic():
        rules = list(
            AlertRule.objects.select_for_update(skip_locked=True)
            .filter(is_active=True)
            .order_by("id")
        )
        for rule in rules:
            _evaluate(rule, now)
    sender = sender if sender is not None else telegram.client()
    if sender is None:
        return 0
    repeat = timedelta(minutes=conf.alert_repeat_minutes())
    due = (
        Alert.objects.filter(
            Q(resolved_at__isnull=True)
            & (Q(notified_at__isnull=True) | Q(notified_at__lte=now - repeat))
        )
        | Alert.objects.filter(
            resolved_at__isnull=False,
            notified_at__isnull=False,
            resolved_notified_at__isnull=True,
        )
    ).select_related("rule", "rule__organization")
    sent = 0
    for alert in due.order_by("created_at", "id"):
        if sent >= conf.alerts_max_per_run():
            break
        resolved = alert.resolved_at is not None
        if not _claim(alert, resolved=resolved, now=now):
            continue  # another sweep sent it
        try:
            sender.send_message(
                chat_id=conf.telegram_chat_id(), text=_text(alert, resolved=resolved)
            )
        except telegram.TelegramUnavailable:
            _release(alert, resolved=resolved)
            break  # Telegram is down or limiting us: the rest waits for the next run
        sent += 1
    return sent


# --- rules (managers and directors) ----------------------------------------------------------
def alert_rule_create(*, actor: Any, organization_id: Any, data: dict[str, Any]) -> AlertRule:
    if not is_manager(actor, organization_id):
        raise FieldServiceForbidden()
    if data["kind"] == AlertKind.CALLBACKS_OVERDUE:
        data = {**data, "status": ""}
    try:
        with transaction.atomic():
            rule = AlertRule.objects.create(organization_id=organization_id, **data)
            record(
                actor=actor,
                action="fieldservice.alertrule_created",
                target=rule,
                organization=organization_id,
                after={k: str(v) for k, v in data.items()},
            )
    except IntegrityError as exc:
        raise DuplicateReference() from exc
    return rule


@transaction.atomic
def alert_rule_update(*, actor: Any, rule: AlertRule, data: dict[str, Any]) -> AlertRule:
    if not is_manager(actor, rule.organization_id):
        raise FieldServiceForbidden()
    before = {"threshold_minutes": rule.threshold_minutes, "is_active": rule.is_active}
    for field in ("threshold_minutes", "is_active"):
        if field in data:
            setattr(rule, field, data[field])
    rule.save()
    record(
        actor=actor,
        action="fieldservice.alertrule_updated",
        target=rule,
        organization=rule.organization_id,
        before=before,
        after={"threshold_minutes": rule.threshold_minutes, "is_active": rule.is_active},
    )
    return rule
