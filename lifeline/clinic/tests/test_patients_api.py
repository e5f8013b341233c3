from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.testing import Case, assert_permission_matrix
from lifeline.access.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    user_with_role,
)
from lifeline.audit.models import AuditEvent
from lifeline.clinic.enums import PainDuration
from lifeline.clinic.models.patients import (
    CareTeamMember,
    DoctorProfile,
    Patient,
    pain_duration_for,
)
from lifeline.clinic.selectors.assessments import latest_scores
from lifeline.clinic.selectors.patients import (
    care_team_doctors,
    doctor_may_see_patient,
    is_care_team_pair,
    patient_for_user,
    patients_for_doctor,
)
from lifeline.clinic.services.patients import patient_purge_expired
from lifeline.clinic.tests.factories import PatientFactory, care_team, doctor_in

pytestmark = pytest.mark.django_db


def _detail(patient: Patient) -> str:
    return reverse("clinic:patient-detail", kwargs={"patient_id": patient.pk})


@pytest.fixture
def team():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    return clinic, patient, doctor


def _actors(clinic, patient, doctor):
    return {
        "patient": lambda: patient.user,
        "assigned_doctor": lambda: doctor,
        "unassigned_doctor": lambda: doctor_in(clinic),
        "other_patient": lambda: PatientFactory(organization=clinic).user,
    }


def test_pain_duration_classes():
    today = date(2026, 11, 23)
    assert pain_duration_for(None, today) is None
    assert pain_duration_for(date(2026, 11, 1), today) == PainDuration.ACUTE
    assert pain_duration_for(date(2026, 10, 24), today) == PainDuration.ACUTE
    assert pain_duration_for(date(2026, 10, 23), today) == PainDuration.SUBACUTE
    assert pain_duration_for(date(2026, 8, 24), today) == PainDuration.SUBACUTE
    assert pain_duration_for(date(2026, 8, 23), today) == PainDuration.CHRONIC


def test_detail_permission_matrix(team):
    clinic, patient, doctor = team
    url = _detail(patient)
    cases = [
        Case("anonymous", "get", url, 401),
        Case("no_role", "get", url, 404),
        Case("patient", "get", url, 200),
        Case("other_patient", "get", url, 404),
        Case("assigned_doctor", "get", url, 200),
        Case("unassigned_doctor", "get", url, 404),
        Case(Role.CLINIC_ADMIN, "get", url, 200),
        Case("other:clinic_admin", "get", url, 404),
        Case("other:doctor", "get", url, 404),
    ]
    assert_permission_matrix(cases, organization=clinic, actors=_actors(clinic, patient, doctor))


def test_update_permission_matrix_and_nothing_changed_on_denial(team):
    clinic, patient, doctor = team
    url = _detail(patient)
    body = {"diagnosis": "I69.3"}
    cases = [
        Case("anonymous", "patch", url, 401, body),
        Case("patient", "patch", url, 403, body),
        Case("assigned_doctor", "patch", url, 200, body),
        Case("unassigned_doctor", "patch", url, 404, body),
        Case(Role.CLINIC_ADMIN, "patch", url, 200, body),
        Case("other:clinic_admin", "patch", url, 404, body),
    ]
    assert_permission_matrix(cases, organization=clinic, actors=_actors(clinic, patient, doctor))
    patient.refresh_from_db()
    assert patient.diagnosis == ""


def test_detail_is_audited(team, client_for):
    _clinic, patient, doctor = team
    response = client_for(doctor).get(_detail(patient))
    assert response.status_code == 200
    assert response.json()["full_name"] == patient.full_name
    event = AuditEvent.objects.get(action="clinic.patient_viewed")
    assert event.actor_id == str(doctor.pk)
    assert event.target_id == str(patient.pk)


def test_doctor_creates_patient_and_joins_care_team(client_for):
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    doctor = doctor_in(clinic)
    response = client_for(doctor).post(
        reverse("clinic:patient-list"),
        {
            "full_name": "Ivanov Ivan",
            "date_of_birth": "1960-01-02",
            "stroke_date": "2026-01-10",
            "lesion_side": "right",
            "pain_locations": ["shoulder_left", "hand_left"],
            "pain_onset_date": (timezone.localdate() - timedelta(days=200)).isoformat(),
            "clinical": {"crcl_cockcroft_gault": 55, "cardiac_conduction_disease": None},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["pain_duration"] == "chronic"
    assert body["pain_locations"] == ["shoulder_left", "hand_left"]
    assert body["is_test"] is False
    patient = Patient.objects.get(pk=body["id"])
    assert patient.organization == clinic
    assert is_care_team_pair(doctor=doctor, patient=patient)
    assert AuditEvent.objects.filter(action="clinic.patient_created").count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("clinical", {"unknown_input": True}),
        ("clinical", {"crcl_cockcroft_gault": "high"}),
        ("clinical", {"qtc_ms": 1200}),
        ("clinical", {"hsp": "yes"}),
        ("clinical", {"pain_distribution": "everywhere"}),
        ("pain_locations", ["tail"]),
    ],
)
def test_invalid_clinical_inputs_store_nothing(client_for, field, value):
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    doctor = doctor_in(clinic)
    response = client_for(doctor).post(
        reverse("clinic:patient-list"), {"full_name": "X", field: value}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] in ("clinic.invalid_clinical_inputs", "invalid")
    assert Patient.objects.count() == 0


def test_pending_doctor_creates_only_test_patients(client_for):
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    doctor = UserFactory()
    MembershipFactory(user=doctor, organization=clinic, role=Role.DOCTOR, pending=True)
    DoctorProfile.objects.create(user=doctor, organization=clinic, specialty="Neurologist")
    real = PatientFactory(organization=clinic)
    CareTeamMember.objects.create(patient=real, doctor=doctor)
    response = client_for(doctor).post(
        reverse("clinic:patient-list"), {"full_name": "Test Patient"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["is_test"] is True
    listed = client_for(doctor).get(reverse("clinic:patient-list")).json()["results"]
    assert [row["full_name"] for row in listed] == ["Test Patient"]
    assert client_for(doctor).get(_detail(real)).status_code == 404


def test_list_search_and_cursor_paging(client_for):
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    doctor = doctor_in(clinic)
    for name in ["Petrova Anna", "Ivanov Oleg", "Petrov Boris", "Sidorov Ivan"]:
        patient = PatientFactory(organization=clinic, full_name=name)
        CareTeamMember.objects.create(patient=patient, doctor=doctor)
    PatientFactory(organization=clinic, full_name="Petrov Unassigned")
    client = client_for(doctor)
    url = reverse("clinic:patient-list")
    found = client.get(url, {"q": "petrov"}).json()["results"]
    assert [row["full_name"] for row in found] == ["Petrov Boris", "Petrova Anna"]
    first = client.get(url, {"page_size": 2}).json()
    assert [row["full_name"] for row in first["results"]] == ["Ivanov Oleg", "Petrov Boris"]
    second = client.get(first["next"]).json()
    assert [row["full_name"] for row in second["results"]] == ["Petrova Anna", "Sidorov Ivan"]
    assert second["next"] is None


def test_search_folds_cyrillic_case_on_every_database(client_for):
    # SQLite's LIKE folds ASCII only; the embedded default must still find «Иванов» for «иванов».
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    doctor = doctor_in(clinic)
    for name in ["Иванов Олег", "Иванова Анна", "Петров Борис"]:
        patient = PatientFactory(organization=clinic, full_name=name)
        CareTeamMember.objects.create(patient=patient, doctor=doctor)
    client = client_for(doctor)
    url = reverse("clinic:patient-list")

    found = client.get(url, {"q": "иванов"}).json()["results"]
    assert [row["full_name"] for row in found] == ["Иванов Олег", "Иванова Анна"]
    found = client.get(url, {"q": "ИВАНОВА ан"}).json()["results"]
    assert [row["full_name"] for row in found] == ["Иванова Анна"]


def test_clinic_admin_lists_whole_organization_only(client_for):
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    PatientFactory(organization=clinic, full_name="A")
    PatientFactory(organization=clinic, full_name="B")
    PatientFactory(full_name="Elsewhere")
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    rows = client_for(admin).get(reverse("clinic:patient-list")).json()["results"]
    assert [row["full_name"] for row in rows] == ["A", "B"]


def test_archive_and_scheduled_deletion(team, client_for, settings):
    settings.CLINIC_ARCHIVE_RETENTION_DAYS = 10
    _clinic, patient, doctor = team
    url = reverse("clinic:patient-archive", kwargs={"patient_id": patient.pk})
    assert client_for(patient.user).post(url).status_code == 403
    response = client_for(doctor).post(url)
    assert response.status_code == 200
    patient.refresh_from_db()
    assert patient.is_archived is True
    assert patient.scheduled_deletion_at - patient.archived_at == timedelta(days=10)
    # archived records leave the default list but stay readable
    assert client_for(doctor).get(reverse("clinic:patient-list")).json()["results"] == []
    assert client_for(doctor).get(_detail(patient)).status_code == 200
    # edits are refused
    edit = client_for(doctor).patch(_detail(patient), {"notes": "x"}, format="json")
    assert edit.status_code == 409
    assert patient_purge_expired(now=timezone.now()) == 0
    assert patient_purge_expired(now=timezone.now() + timedelta(days=11)) == 1
    assert not Patient.objects.filter(pk=patient.pk).exists()


def test_restore(team, client_for):
    _clinic, patient, doctor = team
    client_for(doctor).post(reverse("clinic:patient-archive", kwargs={"patient_id": patient.pk}))
    response = client_for(doctor).post(
        reverse("clinic:patient-restore", kwargs={"patient_id": patient.pk})
    )
    assert response.status_code == 200
    assert response.json()["is_archived"] is False
    assert response.json()["scheduled_deletion_at"] is None


def test_care_team_assign_unassign(team, client_for):
    clinic, patient, _doctor = team
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    second = doctor_in(clinic)
    outsider = doctor_in(OrganizationFactory(kind=OrganizationKind.CLINIC))
    url = reverse("clinic:patient-care-team", kwargs={"patient_id": patient.pk})
    # a doctor (not admin) may not assign
    denied = client_for(_doctor).post(url, {"doctor": str(second.pk)}, format="json")
    assert denied.status_code == 403
    assert not is_care_team_pair(doctor=second, patient=patient)
    # a doctor of another clinic cannot be assigned
    wrong = client_for(admin).post(url, {"doctor": str(outsider.pk)}, format="json")
    assert wrong.status_code == 400
    ok = client_for(admin).post(url, {"doctor": str(second.pk)}, format="json")
    assert ok.status_code == 201
    assert client_for(second).get(_detail(patient)).status_code == 200
    again = client_for(admin).post(url, {"doctor": str(second.pk)}, format="json")
    assert again.status_code == 409
    listed = client_for(admin).get(url).json()
    assert {row["doctor_id"] for row in listed} == {str(_doctor.pk), str(second.pk)}
    gone = client_for(admin).delete(
        reverse(
            "clinic:patient-care-team-member",
            kwargs={"patient_id": patient.pk, "doctor_id": second.pk},
        )
    )
    assert gone.status_code == 204
    assert client_for(second).get(_detail(patient)).status_code == 404


def test_contract_selectors(team):
    clinic, patient, doctor = team
    assert patient_for_user(patient.user) == patient
    assert list(patients_for_doctor(doctor)) == [patient]
    assert list(care_team_doctors(patient)) == [doctor]
    assert latest_scores(patient) == {}
    # a doctor whose membership is revoked no longer sees the patient
    doctor.memberships.update(is_active=False)
    assert list(patients_for_doctor(doctor)) == []


def test_doctor_may_see_patient_matches_the_scope():
    """The one-statement check (chat's hot path) and `patients_for_doctor` agree in every
    case of the rule: assigned, unassigned, archived, membership revoked, clinic inactive,
    another clinic, a non-clinic organization, own test patient, someone else's test patient."""
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    other_clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    unassigned = PatientFactory(organization=clinic)
    archived, _ = care_team(organization=clinic)
    CareTeamMember.objects.create(patient=archived, doctor=doctor, assigned_by=doctor)
    Patient.objects.filter(pk=archived.pk).update(is_archived=True)
    elsewhere = PatientFactory(organization=other_clinic)
    CareTeamMember.objects.create(patient=elsewhere, doctor=doctor, assigned_by=doctor)
    own_test = PatientFactory(organization=other_clinic, is_test=True, created_by=doctor)
    others_test = PatientFactory(organization=clinic, is_test=True, created_by=UserFactory())
    sos = OrganizationFactory(kind=OrganizationKind.SOS_SERVICE)
    in_sos = PatientFactory(organization=sos)
    CareTeamMember.objects.create(patient=in_sos, doctor=doctor, assigned_by=doctor)
    MembershipFactory(user=doctor, organization=sos, role=Role.DOCTOR)
    everyone = [patient, unassigned, archived, elsewhere, own_test, others_test, in_sos]

    def both() -> tuple[set, set]:
        scoped = set(patients_for_doctor(doctor).values_list("pk", flat=True))
        checked = {p.pk for p in everyone if doctor_may_see_patient(doctor, p.pk)}
        return scoped, checked

    scoped, checked = both()
    assert scoped == checked == {patient.pk, own_test.pk}
    MembershipFactory(user=doctor, organization=other_clinic, role=Role.DOCTOR)
    scoped, checked = both()
    assert scoped == checked == {patient.pk, own_test.pk, elsewhere.pk}
    clinic.is_active = False
    clinic.save(update_fields=["is_active"])
    scoped, checked = both()
    assert scoped == checked == {own_test.pk, elsewhere.pk}
    doctor.memberships.update(is_active=False)
    scoped, checked = both()
    assert scoped == checked == {own_test.pk}
    assert doctor_may_see_patient(doctor, None) is False
    assert doctor_may_see_patient(UserFactory(), patient.pk) is False
