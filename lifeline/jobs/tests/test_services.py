from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from lifeline.core.jobs import claim_due
from lifeline.jobs.models import JobStatus, ScheduledJob
from lifeline.jobs.services import (
    job_cancel,
    job_execute,
    job_run_due,
    job_schedule,
    retry_delay,
)
from lifeline.jobs.tasks import run_due
from lifeline.jobs.tests.factories import ScheduledJobFactory
from lifeline.jobs.tests.probe_tasks import probe_runs

pytestmark = pytest.mark.usefixtures("probe_table")


def sweep(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return job_run_due(**kwargs)


def test_schedule_with_the_same_idempotency_key_returns_the_first_job():
    run_at = timezone.now() + timedelta(minutes=5)

    first = job_schedule(
        task_name="jobs_test.probe", run_at=run_at, kwargs={"key": "a"}, idempotency_key="k-1"
    )
    second = job_schedule(
        task_name="jobs_test.probe",
        run_at=run_at + timedelta(hours=1),
        kwargs={"key": "b"},
        idempotency_key="k-1",
    )

    assert second.pk == first.pk
    assert ScheduledJob.objects.count() == 1
    assert second.kwargs == {"key": "a"}
    assert second.status == JobStatus.PENDING


def test_sweep_runs_due_jobs_once_and_leaves_future_ones(django_capture_on_commit_callbacks):
    due = ScheduledJobFactory(kwargs={"key": "due"})
    later = ScheduledJobFactory(
        kwargs={"key": "later"}, run_at=timezone.now() + timedelta(minutes=1)
    )

    claimed = sweep(django_capture_on_commit_callbacks)
    again = sweep(django_capture_on_commit_callbacks)

    assert claimed == [due.pk]
    assert again == []
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, due.attempts, due.last_error) == (JobStatus.DONE, 1, "")
    assert due.finished_at is not None
    assert (later.status, later.attempts, later.claimed_at) == (JobStatus.PENDING, 0, None)
    assert probe_runs("due") == 1
    assert probe_runs("later") == 0


def test_sweep_task_runs_due_jobs(django_capture_on_commit_callbacks):
    job = ScheduledJobFactory(kwargs={"key": "via-task"})

    with django_capture_on_commit_callbacks(execute=True):
        count = run_due.apply().get()

    job.refresh_from_db()
    assert count == 1
    assert job.status == JobStatus.DONE
    assert probe_runs("via-task") == 1


def test_a_failing_job_is_rolled_back_retried_with_backoff_then_failed(
    django_capture_on_commit_callbacks,
):
    start = timezone.now()
    job = ScheduledJobFactory(kwargs={"key": "boom", "fail": True}, max_attempts=2)

    with time_machine.travel(start, tick=False):
        sweep(django_capture_on_commit_callbacks)
        job.refresh_from_db()
        assert (job.status, job.attempts, job.last_error) == (
            JobStatus.PENDING,
            1,
            "RuntimeError",
        )
        assert job.run_at == start + timedelta(seconds=10)
        assert job.claimed_at is None
        # The task's own write was rolled back with the failed run.
        assert probe_runs("boom") == 0
        assert sweep(django_capture_on_commit_callbacks) == []

    with time_machine.travel(start + timedelta(seconds=11), tick=False):
        sweep(django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert (job.status, job.attempts, job.last_error) == (JobStatus.FAILED, 2, "RuntimeError")
    assert job.finished_at == start + timedelta(seconds=11)
    assert probe_runs("boom") == 0


def test_retry_delay_grows_exponentially_up_to_an_hour():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert retry_delay(30) == timedelta(hours=1)


def test_a_job_claimed_by_a_dead_worker_is_taken_again_after_the_lease(
    django_capture_on_commit_callbacks,
):
    now = timezone.now()
    stale = ScheduledJobFactory(
        kwargs={"key": "stale"},
        status=JobStatus.RUNNING,
        attempts=1,
        claimed_by="dead-worker",
        claimed_at=now - timedelta(minutes=10),
    )
    fresh = ScheduledJobFactory(
        kwargs={"key": "fresh"},
        status=JobStatus.RUNNING,
        attempts=1,
        claimed_by="live-worker",
        claimed_at=now - timedelta(seconds=30),
    )

    claimed = sweep(django_capture_on_commit_callbacks, lease=timedelta(minutes=5))

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert claimed == [stale.pk]
    assert (stale.status, stale.attempts) == (JobStatus.DONE, 2)
    assert (fresh.status, fresh.claimed_by) == (JobStatus.RUNNING, "live-worker")
    assert probe_runs("stale") == 1
    assert probe_runs("fresh") == 0


def test_a_job_taken_from_dead_workers_too_often_fails(django_capture_on_commit_callbacks):
    job = ScheduledJobFactory(
        kwargs={"key": "cursed"},
        status=JobStatus.RUNNING,
        attempts=3,
        max_attempts=3,
        claimed_by="dead-worker",
        claimed_at=timezone.now() - timedelta(hours=1),
    )

    claimed = sweep(django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert claimed == []
    assert (job.status, job.attempts, job.last_error) == (JobStatus.FAILED, 4, "LeaseExpired")
    assert probe_runs("cursed") == 0


def test_a_duplicate_or_stale_delivery_does_nothing(django_capture_on_commit_callbacks):
    job = ScheduledJobFactory(kwargs={"key": "dup"})
    sweep(django_capture_on_commit_callbacks)
    job.refresh_from_db()

    assert job_execute(job_id=str(job.pk), token=job.claimed_by) is None
    assert job_execute(job_id=str(job.pk), token="someone-else") is None

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert probe_runs("dup") == 1


def test_cancel_stops_a_pending_job(django_capture_on_commit_callbacks):
    job = job_schedule(
        task_name="jobs_test.probe",
        run_at=timezone.now() - timedelta(seconds=1),
        kwargs={"key": "cancelled"},
        idempotency_key="cancel-me",
    )

    assert job_cancel(idempotency_key="cancel-me") is True
    assert job_cancel(idempotency_key="cancel-me") is False
    assert sweep(django_capture_on_commit_callbacks) == []
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert probe_runs("cancelled") == 0


def test_claim_due_claims_each_row_once_in_deadline_order():
    now = timezone.now()
    second = ScheduledJobFactory(run_at=now - timedelta(seconds=5))
    first = ScheduledJobFactory(run_at=now - timedelta(seconds=50))
    ScheduledJobFactory(run_at=now + timedelta(seconds=5))
    queryset = ScheduledJob.objects.filter(status=JobStatus.PENDING)

    one = claim_due(queryset, deadline_field="run_at", claim_field="claimed_at", now=now, limit=1)
    rest = claim_due(queryset, deadline_field="run_at", claim_field="claimed_at", now=now)
    none = claim_due(queryset, deadline_field="run_at", claim_field="claimed_at", now=now)

    assert (one, rest, none) == ([first.pk], [second.pk], [])
    assert set(ScheduledJob.objects.filter(claimed_at=now).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
