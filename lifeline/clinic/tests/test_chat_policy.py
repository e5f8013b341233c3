"""The clinic's conversation policy, through the messenger's services and API.

The messenger's own tests use a test policy; these check the clinic's rule (a patient and a
doctor of their care team, clinic admins read), its references and side panel, and that the
messenger keeps its query budgets with the real care-team statement.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import MembershipFactory, OrganizationFactory, user_with_role
from lifeline.audit.models import AuditEvent
from lifeline.chat import policies, selectors, services
from lifeline.chat.models import Conversation, Message
from lifeline.clinic.chat_policy import CARE_TEAM_POLICY, KIND
from lifeline.clinic.models import CareTeamMember
from lifeline.clinic.tests.factories import (
    AssessmentFactory,
    CareTeamMemberFactory,
    ConclusionFactory,
    ConclusionVersionFactory,
    PatientFactory,
    ScoreFactory,
)
from lifeline.core.exceptions import Conflict, InvalidInput, NotFound
from lifeline.realtime import presence

pytestmark = pytest.mark.django_db

BASE = "/api/v1/chat"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def team(db: Any) -> SimpleNamespace:
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient = PatientFactory(organization=clinic, user__full_name="Anna Petrova")
    MembershipFactory(user=patient.user, organization=clinic, role=Role.PATIENT)
    doctor = user_with_role(Role.DOCTOR, clinic, full_name="Ivan Sokolov")
    CareTeamMemberFactory(patient=patient, doctor=doctor)
    return SimpleNamespace(
        clinic=clinic,
        patient=patient,
        patient_user=patient.user,
        doctor=doctor,
        other_doctor=user_with_role(Role.DOCTOR, clinic),
        admin=user_with_role(Role.CLINIC_ADMIN, clinic),
        other_admin=user_with_role(Role.CLINIC_ADMIN),
    )


@pytest.fixture
def conversation(team: SimpleNamespace) -> Conversation:
    conversation, _created = services.conversation_open(
        actor=team.doctor, kind=KIND, subject_id=team.patient.pk
    )
    return conversation


def test_clinic_registers_the_kind_api_v1_opens() -> None:
    assert policies.api_v1_kind() == KIND
    assert policies.policy_for(KIND) is CARE_TEAM_POLICY


def test_doctor_opens_with_a_patient_and_the_patient_reopens_it(team: SimpleNamespace) -> None:
    conversation, created = services.conversation_open(
        actor=team.doctor, kind=KIND, subject_id=team.patient.pk, topic="medication"
    )
    assert created is True
    assert (conversation.subject_type, conversation.subject_id) == (
        "clinic.patient",
        team.patient.pk,
    )
    assert conversation.organization_id == team.clinic.pk
    assert sorted((p.role, p.user_id) for p in conversation.participants.all()) == [
        ("doctor", team.doctor.pk),
        ("patient", team.patient_user.pk),
    ]
    again, created_again = services.conversation_open(
        actor=team.patient_user, kind=KIND, counterpart_id=team.doctor.pk, topic="medication"
    )
    assert (again.pk, created_again) == (conversation.pk, False)


@pytest.mark.parametrize("who", ["other_doctor", "admin", "other_admin"])
def test_nobody_outside_the_care_team_may_open(team: SimpleNamespace, who: str) -> None:
    with pytest.raises(NotFound):
        services.conversation_open(actor=getattr(team, who), kind=KIND, subject_id=team.patient.pk)
    with pytest.raises(NotFound):
        services.conversation_open(
            actor=getattr(team, who), kind=KIND, counterpart_id=team.doctor.pk
        )
    assert Conversation.objects.count() == 0


def test_a_patient_without_account_cannot_be_written_to(team: SimpleNamespace) -> None:
    patient = PatientFactory(organization=team.clinic, user=None, full_name="No Account")
    CareTeamMemberFactory(patient=patient, doctor=team.doctor)
    with pytest.raises(Conflict) as excinfo:
        services.conversation_open(actor=team.doctor, kind=KIND, subject_id=patient.pk)
    assert excinfo.value.code == "chat.patient_without_account"
    assert Conversation.objects.count() == 0


def test_a_doctor_taken_off_the_care_team_loses_the_conversation(
    team: SimpleNamespace, conversation: Conversation
) -> None:
    url = f"{BASE}/conversations/{conversation.pk}/messages/"
    assert client_for(team.doctor).get(url).status_code == 200
    CareTeamMember.objects.filter(patient=team.patient, doctor=team.doctor).delete()
    assert client_for(team.doctor).get(url).status_code == 404
    assert client_for(team.doctor).post(url, {"text": "x"}, format="json").status_code == 404
    assert client_for(team.doctor).get(f"{BASE}/conversations/").json()["results"] == []
    assert selectors.conversation_ids_for_participant(user=team.doctor) == []
    # The patient keeps it.
    assert client_for(team.patient_user).get(url).status_code == 200


def test_api_fills_the_v1_fields_from_participants_and_the_policy(
    team: SimpleNamespace, conversation: Conversation
) -> None:
    services.message_send(actor=team.patient_user, conversation=conversation, text="hi")
    doctor_row = client_for(team.doctor).get(f"{BASE}/conversations/").json()["results"][0]
    assert doctor_row["patient"] == {"id": str(team.patient.pk), "full_name": "Anna Petrova"}
    assert doctor_row["patient_user_id"] == str(team.patient_user.pk)
    assert doctor_row["doctor"] == {"id": str(team.doctor.pk), "name": "Ivan Sokolov"}
    assert doctor_row["counterpart"]["id"] == str(team.patient_user.pk)
    assert (doctor_row["my_role"], doctor_row["can_write"]) == ("doctor", True)
    admin_row = client_for(team.admin).get(f"{BASE}/conversations/").json()["results"][0]
    assert (admin_row["my_role"], admin_row["can_write"]) == ("observer", False)
    assert admin_row["counterpart"]["id"] == str(team.doctor.pk)
    response = client_for(team.admin).post(
        f"{BASE}/conversations/{conversation.pk}/messages/", {"text": "x"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "chat.read_only")
    assert client_for(team.other_admin).get(f"{BASE}/conversations/").json()["results"] == []


def test_counterparts_are_the_care_team(team: SimpleNamespace) -> None:
    assert client_for(team.doctor).get(f"{BASE}/counterparts/").json() == [
        {"id": str(team.patient.pk), "name": "Anna Petrova", "kind": "patient"}
    ]
    assert client_for(team.patient_user).get(f"{BASE}/counterparts/").json() == [
        {"id": str(team.doctor.pk), "name": "Ivan Sokolov", "kind": "doctor"}
    ]
    assert client_for(team.other_doctor).get(f"{BASE}/counterparts/").json() == []


def test_side_panel_shows_the_patients_latest_scores(
    team: SimpleNamespace, conversation: Conversation
) -> None:
    ScoreFactory(assessment__patient=team.patient, instrument="vas", value=40.0, band="mild")
    client = APIClient()
    client.force_login(team.doctor, backend="lifeline.accounts.backends.EmailOrPhoneBackend")
    html = client.get(f"/chat/panel/{conversation.pk}/").content.decode()
    assert "Anna Petrova" in html
    assert "<dt>VAS</dt>" in html
    assert "40.0 · mild" in html
    assert 'name="reply_target_minutes"' in html
    assert AuditEvent.objects.filter(action="chat.conversation_viewed").count() == 1


# --- references ----------------------------------------------------------------------------
def _records(patient: Any) -> dict[str, Any]:
    issued = ConclusionFactory(patient=patient)
    ConclusionVersionFactory(conclusion=issued)
    return {
        "assessment": AssessmentFactory(patient=patient).pk,
        "conclusion": issued.pk,
        "draft_conclusion": ConclusionFactory(patient=patient).pk,
    }


@pytest.mark.parametrize("kind", ["assessment", "conclusion"])
@pytest.mark.parametrize("actor", ["doctor", "patient_user"])
def test_a_record_of_the_patient_may_be_the_reference(
    team: SimpleNamespace, kind: str, actor: str
) -> None:
    record_id = _records(team.patient)[kind]
    counterpart = (
        {"subject_id": team.patient.pk} if actor == "doctor" else {"counterpart_id": team.doctor.pk}
    )
    conversation, created = services.conversation_open(
        actor=getattr(team, actor),
        kind=KIND,
        reference_kind=kind,
        reference_id=record_id,
        **counterpart,
    )
    assert created is True
    assert (conversation.reference_kind, conversation.reference_id) == (kind, record_id)


@pytest.mark.parametrize(
    ("kind", "whose"),
    [
        ("conclusion", "other_patient"),
        ("assessment", "other_patient"),
        ("conclusion", "draft"),  # the patient cannot read a draft conclusion
        ("assessment", "conclusion_id"),  # the right id under the wrong kind
        ("conclusion", "unknown"),
    ],
)
def test_a_reference_the_patient_may_not_read_is_refused(
    team: SimpleNamespace, kind: str, whose: str
) -> None:
    other = _records(PatientFactory(organization=team.clinic))
    own = _records(team.patient)
    record_id = {
        "other_patient": other[kind],
        "draft": own["draft_conclusion"],
        "conclusion_id": own["conclusion"],
        "unknown": uuid.uuid4(),
    }[whose]
    with pytest.raises(InvalidInput) as excinfo:
        services.conversation_open(
            actor=team.doctor,
            kind=KIND,
            subject_id=team.patient.pk,
            reference_kind=kind,
            reference_id=record_id,
        )
    assert excinfo.value.code == "chat.reference_not_found"
    assert Conversation.objects.count() == 0
    assert not AuditEvent.objects.filter(action="chat.conversation_opened").exists()


# --- the messenger's query budgets with the real care-team statement -----------------------
@pytest.mark.parametrize(("sender", "queries"), [("doctor", 7), ("patient_user", 6)])
def test_send_queries(
    team: SimpleNamespace,
    conversation: Conversation,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
    sender: str,
    queries: int,
) -> None:
    actor = getattr(team, sender)
    other = team.patient_user if sender == "doctor" else team.doctor
    presence.mark_online(other.pk, "socket-1")
    url = f"{BASE}/conversations/{conversation.pk}/messages/"
    with (
        django_capture_on_commit_callbacks(execute=True),
        # On PostgreSQL the message, receipt and conversation writes are one statement
        # (chat.services._send_statement): two fewer.
        django_assert_num_queries(queries - (2 if connection.vendor == "postgresql" else 0)),
    ):
        response = client_for(actor).post(url, {"text": "Hello"}, format="json")
    assert response.status_code == 201
    assert Message.objects.get().sender_id == actor.pk


def test_history_page_queries(
    team: SimpleNamespace, conversation: Conversation, django_assert_num_queries: Any
) -> None:
    for i in range(60):
        sender = team.doctor if i % 2 else team.patient_user
        services.message_send(actor=sender, conversation=conversation, text=f"m{i}")
    url = f"{BASE}/conversations/{conversation.pk}/messages/"
    # The participants with the conversation, the care-team check, the audit INSERT, the page.
    with django_assert_num_queries(4):
        assert len(client_for(team.doctor).get(url).json()["results"]) == 50
    with django_assert_num_queries(2):
        client_for(team.patient_user).get(url)


def test_list_queries_are_constant(
    team: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    for _ in range(8):
        patient = PatientFactory(organization=team.clinic)
        CareTeamMemberFactory(patient=patient, doctor=team.doctor)
        conversation, _ = services.conversation_open(
            actor=team.doctor, kind=KIND, subject_id=patient.pk
        )
        services.message_send(actor=patient.user, conversation=conversation, text="x")
    with django_assert_max_num_queries(4):
        response = client_for(team.doctor).get(f"{BASE}/conversations/")
    rows = response.json()["results"]
    assert len(rows) == 8
    assert all(row["patient"]["full_name"] for row in rows)
