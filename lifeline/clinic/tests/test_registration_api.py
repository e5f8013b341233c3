from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.models import Membership
from lifeline.access.services import membership_approve
from lifeline.access.tests.factories import OrganizationFactory, UserFactory, user_with_role
from lifeline.accounts.models import User
from lifeline.audit.models import AuditEvent
from lifeline.clinic.models.patients import DoctorProfile, Patient
from lifeline.clinic.models.registration import LegalAcceptance, LegalDocument, PatientInvitation
from lifeline.clinic.selectors.patients import is_care_team_pair, patients_for_doctor
from lifeline.clinic.services.registration import invitation_create
from lifeline.clinic.tests.factories import doctor_in, legal_documents
from lifeline.notifications.models import Notification

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-Horse-Battery-9"


def _register_body(clinic, versions, **extra):
    return {
        "email": "new.doctor@example.org",
        "password": PASSWORD,
        "first_name": "Anna",
        "last_name": "Smirnova",
        "specialty": "Neurologist",
        "position": "Head of department",
        "workplace": "City hospital 1",
        "city": "Kazan",
        "organization": str(clinic.pk),
        "accepted_versions": versions,
        **extra,
    }


def test_doctor_registration_pending_until_approved(client_for, django_capture_on_commit_callbacks):
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    versions = legal_documents()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(None).post(
            reverse("clinic:doctor-register"), _register_body(clinic, versions), format="json"
        )
    assert response.status_code == 202, response.json()
    user = User.objects.get(email="new.doctor@example.org")
    assert user.email_verified_at is None
    profile = DoctorProfile.objects.get(user=user)
    assert (profile.specialty, profile.city, profile.organization) == (
        "Neurologist",
        "Kazan",
        clinic,
    )
    assert sorted(
        LegalAcceptance.objects.filter(user=user).values_list("document__kind", "document__version")
    ) == [("personal_data_policy", "1.0"), ("user_agreement", "1.0")]
    membership = Membership.objects.get(user=user, organization=clinic, role=Role.DOCTOR)
    assert membership.is_active is False
    assert membership.approved_at is None
    assert len(mail.outbox) == 1  # the e-mail code from accounts

    # before approval: no real patients
    real = doctor_in(clinic)
    assert list(patients_for_doctor(user)) == []
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    membership_approve(actor=admin, membership=membership)
    assert membership.organization.pk in [clinic.pk]
    del real


def test_registration_refuses_outdated_legal_version_and_stores_nothing(client_for):
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    legal_documents("1.0")
    LegalDocument.objects.create(
        kind="user_agreement", version="2.0", title="UA", body="v2", effective_at=timezone.now()
    )
    response = client_for(None).post(
        reverse("clinic:doctor-register"),
        _register_body(clinic, {"user_agreement": "1.0", "personal_data_policy": "1.0"}),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "clinic.legal_acceptance_required"
    assert "accepted_versions.user_agreement" in response.json()["errors"]
    assert not User.objects.filter(email="new.doctor@example.org").exists()


def test_registration_with_taken_address_answers_the_same(client_for):
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    versions = legal_documents()
    existing = UserFactory(email="new.doctor@example.org", email_verified_at=timezone.now())
    response = client_for(None).post(
        reverse("clinic:doctor-register"), _register_body(clinic, versions), format="json"
    )
    assert response.status_code == 202
    assert not DoctorProfile.objects.filter(user=existing).exists()
    assert not Membership.objects.filter(user=existing).exists()


def test_invitation_flow(client_for, django_capture_on_commit_callbacks):
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    doctor = doctor_in(clinic)
    versions = legal_documents()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(doctor).post(
            reverse("clinic:invitation-create"),
            {"email": "patient@example.org", "full_name": "Orlov Petr"},
            format="json",
        )
    assert response.status_code == 201
    invitation = PatientInvitation.objects.get()
    assert invitation.expires_at - invitation.created_at == pytest.approx(
        timedelta(days=7), abs=timedelta(seconds=5)
    )
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/invite/" in line)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64

    public = client_for(None).get(reverse("clinic:invitation-detail", kwargs={"token": token}))
    assert public.status_code == 200
    assert public.json()["email"] == "patient@example.org"

    accept_url = reverse("clinic:invitation-accept", kwargs={"token": token})
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client_for(None).post(
            accept_url,
            {"password": PASSWORD, "full_name": "Orlov Petr", "accepted_versions": versions},
            format="json",
        )
    assert accepted.status_code == 201, accepted.json()
    patient = Patient.objects.get(pk=accepted.json()["id"])
    assert patient.user.email == "patient@example.org"
    assert patient.user.email_verified_at is not None
    assert is_care_team_pair(doctor=doctor, patient=patient)
    membership = Membership.objects.get(user=patient.user, organization=clinic)
    assert (membership.role, membership.is_active) == (Role.PATIENT, True)
    granted = AuditEvent.objects.get(
        action="access.membership_granted", target_id=str(membership.pk)
    )
    assert granted.actor_id == str(doctor.pk)
    assert granted.metadata["via"] == "clinic_invitation"
    assert (
        Notification.objects.filter(recipient=doctor, topic="clinic.invitation_accepted").count()
        == 1
    )
    # single use
    again = client_for(None).post(
        accept_url, {"password": PASSWORD, "accepted_versions": versions}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "clinic.invitation_not_usable"
    assert Patient.objects.count() == 1


def test_expired_invitation_is_refused():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    doctor = doctor_in(clinic)
    invitation, token = invitation_create(actor=doctor, patient_email="late@example.org")
    PatientInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    from rest_framework.test import APIClient

    response = APIClient().post(
        reverse("clinic:invitation-accept", kwargs={"token": token}),
        {"password": PASSWORD},
        format="json",
    )
    assert response.status_code == 409
    assert not User.objects.filter(email="late@example.org").exists()


def test_only_approved_doctors_invite(client_for):
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient_user = user_with_role(Role.PATIENT, clinic)
    response = client_for(patient_user).post(
        reverse("clinic:invitation-create"), {"email": "x@example.org"}, format="json"
    )
    assert response.status_code == 403
    assert PatientInvitation.objects.count() == 0
