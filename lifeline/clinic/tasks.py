"""Celery entry points of the clinic (autodiscovered): thin, ids in, one service call.

Services never import this module: they schedule work by task name (`jobs.job_schedule`,
`core.tasks.enqueue_on_commit`).
"""

from __future__ import annotations

from celery import shared_task

from lifeline.clinic.services.patients import patient_purge_expired
from lifeline.clinic.services.protocols import scheduled_assessment_remind


@shared_task(name="clinic.purge_archived_patients")
def purge_archived_patients() -> int:
    """Physically delete archived patient records past their scheduled deletion date."""
    return patient_purge_expired()


@shared_task(name="clinic.remind_scheduled_assessment", soft_time_limit=60, time_limit=120)
def remind_scheduled_assessment(*, scheduled_assessment_id: int, stage: str) -> str:
    """One F-7 stage of a due assessment (`due`, `reminder` or `escalate`), run by a job."""
    return scheduled_assessment_remind(scheduled_assessment_id=scheduled_assessment_id, stage=stage)
