"""`core.db.atomic_retrying`: a transaction refused the SQLite write lock runs again; an
error after COMMIT never tells the caller that stored work failed."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from django.db import OperationalError, connection, transaction

from lifeline.audit.models import AuditEvent
from lifeline.core.db import atomic_retrying

pytestmark = pytest.mark.django_db(transaction=True)

SQLITE = connection.vendor == "sqlite"


def _write(action: str) -> None:
    AuditEvent.objects.create(action=action)


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def test_locked_attempts_are_rolled_back_and_run_again_on_sqlite_only() -> None:
    calls: list[int] = []

    @atomic_retrying(attempts=3)
    def work() -> str:
        calls.append(1)
        _write(f"test.attempt_{len(calls)}")
        if len(calls) < 3:
            raise OperationalError("database is locked")
        return "stored"

    if SQLITE:
        assert work() == "stored"
        assert len(calls) == 3
        # The two refused attempts left nothing behind.
        assert _actions() == ["test.attempt_3"]
    else:
        # PostgreSQL waits on row locks instead: the same error is not retried.
        with pytest.raises(OperationalError):
            work()
        assert len(calls) == 1
        assert _actions() == []


def test_gives_up_after_the_last_attempt_and_stores_nothing() -> None:
    calls: list[int] = []

    @atomic_retrying(attempts=2)
    def work() -> None:
        calls.append(1)
        _write("test.never")
        raise OperationalError("database is locked")

    with pytest.raises(OperationalError, match="database is locked"):
        work()
    assert len(calls) == (2 if SQLITE else 1)
    assert _actions() == []


def test_other_errors_are_not_retried() -> None:
    calls: list[int] = []

    @atomic_retrying
    def work() -> None:
        calls.append(1)
        _write("test.never")
        raise OperationalError("no such table: nowhere")

    with pytest.raises(OperationalError, match="no such table"):
        work()
    assert calls == [1]
    assert _actions() == []


def test_an_error_after_commit_returns_the_committed_result(caplog) -> None:
    @atomic_retrying
    def work() -> str:
        _write("test.stored")

        def enqueue() -> None:
            raise OperationalError("database is locked")

        transaction.on_commit(enqueue)
        return "stored"

    assert work() == "stored"
    assert _actions() == ["test.stored"]
    assert "An on-commit step of" in caplog.text


def test_inside_an_outer_transaction_it_is_a_savepoint_without_retry() -> None:
    calls: list[int] = []

    @atomic_retrying
    def work() -> None:
        calls.append(1)
        _write("test.inner")
        raise OperationalError("database is locked")

    with transaction.atomic():
        _write("test.outer")
        with pytest.raises(OperationalError):
            work()
    assert calls == [1]
    assert _actions() == ["test.outer"]


@pytest.mark.skipif(not SQLITE, reason="SQLite's database-wide write lock")
def test_waits_out_a_real_writer_holding_the_sqlite_lock() -> None:
    """Another process-like connection holds BEGIN IMMEDIATE longer than our busy timeout:
    the first attempt fails with `database is locked`, a later one commits."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 100")
    holder = sqlite3.connect(connection.settings_dict["NAME"], check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release() -> None:
        time.sleep(0.35)
        holder.rollback()
        released.set()

    calls: list[int] = []

    @atomic_retrying(attempts=10)
    def work() -> str:
        calls.append(1)
        _write("test.after_wait")
        return "stored"

    thread = threading.Thread(target=release)
    thread.start()
    try:
        assert work() == "stored"
    finally:
        thread.join()
        holder.close()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 5000")
    assert released.is_set()
    assert len(calls) == 1  # BEGIN IMMEDIATE failed before the body ran
    assert _actions() == ["test.after_wait"]
