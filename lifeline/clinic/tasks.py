"""Celery tasks of the clinic care part (autodiscovered)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="clinic.purge_archived_patients")
def purge_archived_patients() -> int:
    """Physically delete archived patient records past their scheduled deletion date."""
    from lifeline.clinic.services.patients import patients_purge_archived

    return patients_purge_archived()
