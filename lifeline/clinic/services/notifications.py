"""Notifications of the care part. Texts never carry health data (sensitive topics)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.urls import reverse

TOPIC_INVITATION_ACCEPTED = "clinic.invitation_accepted"
TOPIC_ASSESSMENT_SUBMITTED = "clinic.assessment_submitted"
TOPIC_PATIENT_RECORD_UPDATED = "clinic.patient_record_updated"
TOPIC_CONCLUSION_ISSUED = "clinic.conclusion_issued"
TOPIC_ASSESSMENT_DUE = "clinic.assessment_due"
TOPIC_ASSESSMENT_MISSED = "clinic.assessment_missed"


# The page each notification opens (`register_topic(link=...)`), built from its data.
def patient_card_page(data: Mapping[str, Any]) -> str:
    return reverse("clinic-web:patient-card", kwargs={"patient_id": data["patient_id"]})


def evaluation_page(data: Mapping[str, Any]) -> str:
    return reverse("clinic-web:evaluation-review", kwargs={"evaluation_id": data["evaluation_id"]})


def conclusion_page(data: Mapping[str, Any]) -> str:
    return reverse("clinic-web:conclusion-detail", kwargs={"conclusion_id": data["conclusion_id"]})


def clinic_home_page(_data: Mapping[str, Any]) -> str:
    return reverse("clinic-web:home")


def notify_invitation_accepted(*, invitation: Any, patient: Any) -> None:
    from lifeline.notifications.services import notify

    doctor = invitation.invited_by
    context = {"patient_id": str(patient.pk), "patient_name": patient.full_name}
    transaction.on_commit(lambda: notify(doctor, TOPIC_INVITATION_ACCEPTED, context))


def notify_assessment_submitted(*, assessment: Any, evaluation: Any) -> None:
    """Tell the care team when the patient submits (not when a doctor submits)."""
    from lifeline.clinic.selectors.patients import care_team_doctors
    from lifeline.notifications.services import notify

    if assessment.mode != "patient":
        return
    patient = assessment.patient
    context = {
        "patient_id": str(patient.pk),
        "patient_name": patient.full_name,
        "assessment_id": str(assessment.pk),
        "evaluation_id": str(evaluation.pk),
    }
    doctors = list(care_team_doctors(patient))

    def send() -> None:
        for doctor in doctors:
            notify(doctor, TOPIC_ASSESSMENT_SUBMITTED, context)

    transaction.on_commit(send)


def notify_patient_record_updated(*, patient: Any) -> None:
    """Tell the care team (after commit) that the patient changed their own record."""
    from lifeline.clinic.selectors.patients import care_team_doctors
    from lifeline.notifications.services import notify

    context = {"patient_id": str(patient.pk), "patient_name": patient.full_name}
    doctors = list(care_team_doctors(patient))

    def send() -> None:
        for doctor in doctors:
            notify(doctor, TOPIC_PATIENT_RECORD_UPDATED, context)

    transaction.on_commit(send)
