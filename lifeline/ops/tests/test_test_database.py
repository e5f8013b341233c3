"""The SQLite test database behaves as the embedded default does under concurrent threads.

The live servers (pytest-django's, and the ASGI one of the browser journeys) answer from their
own threads, each with its own connection. Django's default SQLite test database is in memory
with a shared cache, whose table locks fail at once ("database table is locked") where the
embedded default's file database in WAL mode lets a reader go on and a writer wait.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction

from lifeline.accounts.models import User
from lifeline.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite test database only"
)


def _in_another_thread(fn: Any) -> Any:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = fn()
        except Exception as exc:
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.mark.django_db
def test_the_test_database_is_a_file_with_the_embedded_settings():
    assert not connection.is_in_memory_db()
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert cursor.execute("PRAGMA busy_timeout").fetchone() == (5000,)
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db(transaction=True)
def test_another_thread_reads_while_a_write_is_open():
    existing = UserFactory(email="existing@example.test")

    with transaction.atomic():
        UserFactory(email="uncommitted@example.test")
        seen = _in_another_thread(lambda: list(User.objects.values_list("email", flat=True)))

    assert seen == [existing.email]
    assert User.objects.count() == 2
