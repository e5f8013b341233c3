"""Celery entry points of the documents part: thin, by id (imported from documents_setup)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="clinic.remind_scheduled_assessment", soft_time_limit=60, time_limit=120)
def remind_scheduled_assessment(*, scheduled_assessment_id: int, stage: str) -> str:
    """One F-7 stage of a due assessment (`due`, `reminder` or `escalate`), run by a job."""
    from lifeline.clinic.documents_services import scheduled_assessment_remind

    return scheduled_assessment_remind(scheduled_assessment_id=scheduled_assessment_id, stage=stage)
