from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lifeline.access.enums import OrganizationKind
from lifeline.access.tests.factories import OrganizationFactory
from lifeline.clinic.enums import ScheduledAssessmentStatus
from lifeline.clinic.models.protocols import (
    AssessmentSchedule,
    FollowUpTask,
    ProtocolTemplate,
    ScheduledAssessment,
)
from lifeline.clinic.services.protocols import schedule_create, scheduled_assessment_remind
from lifeline.clinic.tests.factories import AssessmentFactory, care_team, doctor_in
from lifeline.jobs.models import ScheduledJob
from lifeline.jobs.services import job_run_due
from lifeline.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    return clinic, patient, doctor


def _one_step_protocol():
    return ProtocolTemplate.objects.create(
        code="test-one", name_en="One", name_ru="Один", steps=[{"day": 7, "instruments": ["nrs"]}]
    )


def test_protocols_list_the_f1_templates(team, client_for):
    _clinic, _patient, doctor = team

    body = client_for(doctor).get(reverse("clinic:protocol-list")).json()

    assert [p["code"] for p in body] == ["f1-default", "f1-post-stroke-screening"]
    assert body[0]["steps"][0] == {"day": 0, "instruments": ["nrs", "dn4", "csi", "hads"]}


def test_schedule_creates_due_assessments_with_durable_reminder_jobs(team, client_for):
    _clinic, patient, doctor = team

    response = client_for(doctor).post(
        reverse("clinic:patient-schedule", kwargs={"patient_id": patient.pk}),
        {"protocol_code": "f1-post-stroke-screening", "start_date": "2026-12-01"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    items = list(ScheduledAssessment.objects.filter(patient=patient))
    assert [timezone.localdate(i.due_at) for i in items] == [
        date(2026, 12, 31),
        date(2027, 3, 1),
        date(2027, 5, 30),
        date(2027, 12, 1),
    ]
    first = items[0]
    jobs = ScheduledJob.objects.filter(
        idempotency_key__startswith=f"clinic.scheduled_assessment:{first.pk}:"
    )
    assert sorted((j.kwargs["stage"], j.run_at - first.due_at) for j in jobs) == [
        ("due", timedelta(0)),
        ("escalate", timedelta(days=4)),
        ("reminder", timedelta(days=3)),
    ]
    assert ScheduledJob.objects.filter(task_name="clinic.remind_scheduled_assessment").count() == 12


def test_schedule_by_a_doctor_outside_the_care_team_is_refused(team, client_for):
    clinic, patient, _doctor = team
    other = doctor_in(clinic)

    response = client_for(other).post(
        reverse("clinic:patient-schedule", kwargs={"patient_id": patient.pk}),
        {"protocol_code": "f1-default", "start_date": "2026-12-01"},
        format="json",
    )
    by_patient = client_for(patient.user).post(
        reverse("clinic:patient-schedule", kwargs={"patient_id": patient.pk}),
        {"protocol_code": "f1-default", "start_date": "2026-12-01"},
        format="json",
    )

    assert response.status_code == 404
    assert by_patient.status_code == 403
    assert AssessmentSchedule.objects.count() == 0
    assert ScheduledJob.objects.count() == 0


def test_missed_assessment_gets_two_reminders_then_a_care_team_task(
    team, django_capture_on_commit_callbacks
):
    _clinic, patient, doctor = team
    start = timezone.localdate() - timedelta(days=20)
    schedule_create(actor=doctor, patient=patient, template=_one_step_protocol(), start_date=start)
    item = ScheduledAssessment.objects.get(patient=patient)

    with django_capture_on_commit_callbacks(execute=True):
        ran = job_run_due()

    assert len(ran) == 3
    item.refresh_from_db()
    assert item.first_reminder_at is not None
    assert item.second_reminder_at is not None
    assert item.escalated_at is not None
    reminders = Notification.objects.filter(recipient=patient.user, topic="clinic.assessment_due")
    assert reminders.count() == 2
    assert (
        Notification.objects.filter(recipient=doctor, topic="clinic.assessment_missed").count() == 1
    )
    task = FollowUpTask.objects.get()
    assert (task.patient, task.scheduled_assessment, task.status) == (patient, item, "open")


def test_reminder_stages_are_idempotent(team):
    _clinic, patient, doctor = team
    schedule_create(
        actor=doctor,
        patient=patient,
        template=_one_step_protocol(),
        start_date=timezone.localdate(),
    )
    item = ScheduledAssessment.objects.get()

    first = scheduled_assessment_remind(scheduled_assessment_id=item.pk, stage="due")
    again = scheduled_assessment_remind(scheduled_assessment_id=item.pk, stage="due")
    escalated = scheduled_assessment_remind(scheduled_assessment_id=item.pk, stage="escalate")
    escalated_again = scheduled_assessment_remind(scheduled_assessment_id=item.pk, stage="escalate")

    assert (first, again, escalated, escalated_again) == (
        "reminded",
        "skipped",
        "escalated",
        "skipped",
    )
    assert Notification.objects.filter(topic="clinic.assessment_due").count() == 1
    assert FollowUpTask.objects.count() == 1


def test_a_submitted_assessment_completes_the_due_item_and_stops_reminders(team):
    _clinic, patient, doctor = team
    schedule_create(
        actor=doctor,
        patient=patient,
        template=_one_step_protocol(),
        start_date=timezone.localdate(),
    )
    item = ScheduledAssessment.objects.get()
    AssessmentFactory(
        patient=patient,
        instruments=["nrs", "dn4"],
        status="submitted",
        submitted_at=item.due_at - timedelta(days=1),
    )

    outcome = scheduled_assessment_remind(scheduled_assessment_id=item.pk, stage="due")

    assert outcome == "completed"
    item.refresh_from_db()
    assert item.status == ScheduledAssessmentStatus.COMPLETED
    assert Notification.objects.count() == 0


def test_care_team_closes_a_follow_up_task(team, client_for):
    _clinic, patient, doctor = team
    schedule_create(
        actor=doctor,
        patient=patient,
        template=_one_step_protocol(),
        start_date=timezone.localdate(),
    )
    item = ScheduledAssessment.objects.get()
    scheduled_assessment_remind(scheduled_assessment_id=item.pk, stage="escalate")
    client = client_for(doctor)

    listed = client.get(reverse("clinic:follow-up-task-list")).json()
    task_id = listed["results"][0]["id"]
    done = client.post(reverse("clinic:follow-up-task-done", kwargs={"task_id": task_id}))

    assert listed["count"] == 1
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    assert client.get(reverse("clinic:follow-up-task-list")).json()["count"] == 0
    assert client_for(patient.user).get(reverse("clinic:follow-up-task-list")).status_code == 403
