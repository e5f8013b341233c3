"""The database itself refuses to rewrite history (PostgreSQL trigger)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import DatabaseError, connection, transaction

from lifeline.audit.models import AuditEvent
from lifeline.audit.services import audit_purge_expired
from lifeline.audit.tests.factories import AuditEventFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
]

NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'x'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_raw_rewrites_are_rejected(sql):
    event = AuditEventFactory(action="a.b_done")

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)

    assert AuditEvent.objects.get().action == event.action


def test_purge_setting_is_local_to_the_purge_transaction(settings):
    settings.LIFELINE_AUDIT_RETENTION_DAYS = 1
    AuditEventFactory(created_at=NOW - timedelta(days=2))
    kept = AuditEventFactory(created_at=NOW)

    assert audit_purge_expired(now=NOW) == 1

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent")
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept.pk]
