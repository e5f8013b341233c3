"""A task for the jobs tests that records each run as a row, visible to every process.

The table is created by the tests (no migration: it is not part of the product). A worker
subprocess loads this module with `--include lifeline.jobs.tests.probe_tasks`.
"""

from __future__ import annotations

import time

from celery import shared_task
from django.db import connection

PROBE_TABLE = "jobs_test_probe"


@shared_task(name="jobs_test.probe")
def probe(*, key: str, fail: bool = False, sleep: float = 0) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {PROBE_TABLE} (job_key) VALUES (%s)", [key])  # noqa: S608
    if sleep:
        time.sleep(sleep)
    if fail:
        raise RuntimeError("probe failed on purpose")


@shared_task(name="jobs_test.backend")
def backend(*, key: str) -> None:
    """Record which PostgreSQL server process (so which connection) ran this task."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PROBE_TABLE} (job_key, backend_pid) VALUES (%s, pg_backend_pid())",  # noqa: S608
            [key],
        )


def create_probe_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {PROBE_TABLE} "
            "(job_key varchar(100) NOT NULL, backend_pid integer)"
        )


def drop_probe_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PROBE_TABLE}")


def probe_runs(key: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {PROBE_TABLE} WHERE job_key = %s", [key])  # noqa: S608
        return int(cursor.fetchone()[0])


def probe_backends(key: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT backend_pid FROM {PROBE_TABLE} WHERE job_key = %s", [key])  # noqa: S608
        return [int(row[0]) for row in cursor.fetchall()]
