from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from lifeline.audit.models import AuditAppendOnlyError, AuditEvent
from lifeline.audit.services import audit_purge_expired
from lifeline.audit.tasks import purge_expired
from lifeline.audit.tests.factories import AuditEventFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


def test_an_event_cannot_be_changed():
    event = AuditEventFactory(action="a.b_done")
    event.action = "a.b_undone"

    with pytest.raises(AuditAppendOnlyError):
        event.save()

    assert AuditEvent.objects.get().action == "a.b_done"


def test_an_event_cannot_be_deleted():
    event = AuditEventFactory()

    with pytest.raises(AuditAppendOnlyError):
        event.delete()

    assert AuditEvent.objects.count() == 1


def test_bulk_update_and_delete_are_refused():
    event = AuditEventFactory(action="a.b_done")

    with pytest.raises(AuditAppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AuditAppendOnlyError):
        AuditEvent.objects.all().delete()
    event.action = "x"
    # bulk_update runs in atomic(savepoint=False): give it a savepoint to roll back to
    with pytest.raises(AuditAppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["action"])

    assert AuditEvent.objects.get().action == "a.b_done"


def test_purge_deletes_only_events_past_retention(settings):
    settings.LIFELINE_AUDIT_RETENTION_DAYS = 365
    expired = AuditEventFactory(created_at=NOW - timedelta(days=365, seconds=1))
    boundary = AuditEventFactory(created_at=NOW - timedelta(days=365))
    recent = AuditEventFactory(created_at=NOW - timedelta(days=1))

    deleted = audit_purge_expired(now=NOW)

    assert deleted == 1
    assert set(AuditEvent.objects.values_list("pk", flat=True)) == {boundary.pk, recent.pk}
    assert not AuditEvent.objects.filter(pk=expired.pk).exists()
    assert audit_purge_expired(now=NOW) == 0


def test_purge_task_uses_the_configured_retention(settings, time_machine):
    settings.LIFELINE_AUDIT_RETENTION_DAYS = 30
    time_machine.move_to(NOW, tick=False)
    AuditEventFactory(created_at=NOW - timedelta(days=31))
    kept = AuditEventFactory(created_at=NOW - timedelta(days=29))

    assert purge_expired.apply().get() == 1

    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept.pk]
