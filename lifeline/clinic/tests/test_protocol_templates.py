"""Protocol templates (spec F-1) managed by clinics: permissions, validation, audit, and
what an edit does to schedules already made from a template."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import MembershipFactory, OrganizationFactory
from lifeline.accounts.tests.factories import UserFactory
from lifeline.audit.models import AuditEvent
from lifeline.clinic.models.protocols import (
    AssessmentSchedule,
    ProtocolTemplate,
    ScheduledAssessment,
)
from lifeline.clinic.tests.factories import care_team, doctor_in

pytestmark = pytest.mark.django_db

LIST = reverse("clinic:protocol-list")
STEPS = [{"day": 0, "instruments": ["nrs", "hads"]}, {"day": 28, "instruments": ["nrs", "hads"]}]
GLOBAL_CODES = ["f1-default", "f1-post-stroke-screening"]


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _detail(code, action=""):
    name = f"clinic:protocol-{action}" if action else "clinic:protocol-detail"
    return reverse(name, kwargs={"code": code})


def _admin_of(clinic):
    user = UserFactory()
    MembershipFactory(user=user, organization=clinic, role=Role.CLINIC_ADMIN)
    return user


@pytest.fixture
def world():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    other_clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    admin = _admin_of(clinic)
    other_admin = _admin_of(other_clinic)
    return {
        "clinic": clinic,
        "patient": patient,
        "doctor": doctor,
        "admin": admin,
        "other_admin": other_admin,
    }


def _create(admin, **overrides):
    body = {"name_en": "Mood follow-up", "name_ru": "Наблюдение настроения", "steps": STEPS}
    body.update(overrides)
    return _client(admin).post(LIST, body, format="json")


def test_clinic_admin_creates_a_template_of_their_clinic(world):
    response = _create(world["admin"])

    assert response.status_code == 201, response.json()
    body = response.json()
    assert re.fullmatch(r"mood-follow-up-[0-9a-f]{8}", body["code"])
    assert body["organization_id"] == str(world["clinic"].pk)
    assert body["is_global"] is False
    assert body["steps"] == STEPS
    template = ProtocolTemplate.objects.get(code=body["code"])
    assert template.organization_id == world["clinic"].pk
    assert (template.name_en, template.name_ru, template.is_active) == (
        "Mood follow-up",
        "Наблюдение настроения",
        True,
    )
    event = AuditEvent.objects.get(action="clinic.protocol_created")
    assert event.actor_id == str(world["admin"].pk)
    assert event.organization_id == str(world["clinic"].pk)
    assert event.target_id == str(template.pk)


def test_one_name_is_enough_and_fills_the_other(world):
    response = _create(world["admin"], name_en="", name_ru="Только по-русски")

    assert response.status_code == 201, response.json()
    assert response.json()["name_en"] == "Только по-русски"
    assert re.fullmatch(r"protocol-[0-9a-f]{8}", response.json()["code"])


@pytest.mark.parametrize(
    ("overrides", "error_key"),
    [
        ({"name_en": "", "name_ru": " "}, "name_ru"),
        ({"steps": []}, "steps"),
        ({"steps": "nrs"}, "steps"),
        ({"steps": [{"day": 0, "instruments": ["nrs", "bdi"]}]}, "steps[0].instruments"),
        ({"steps": [{"day": 0, "instruments": ["painad"]}]}, "steps[0].instruments"),
        ({"steps": [{"day": 0, "instruments": []}]}, "steps[0].instruments"),
        ({"steps": [{"day": 0, "instruments": ["nrs", "nrs"]}]}, "steps[0].instruments"),
        ({"steps": [{"day": -1, "instruments": ["nrs"]}]}, "steps[0].day"),
        ({"steps": [{"day": "7", "instruments": ["nrs"]}]}, "steps[0].day"),
        (
            {"steps": [{"day": 7, "instruments": ["nrs"]}, {"day": 7, "instruments": ["nrs"]}]},
            "steps[1].day",
        ),
        (
            {"steps": [{"day": 14, "instruments": ["nrs"]}, {"day": 7, "instruments": ["nrs"]}]},
            "steps[1].day",
        ),
        (
            {"steps": [{"day": 0, "instruments": ["hads"]}, {"day": 7, "instruments": ["hads"]}]},
            "steps[1].instruments",
        ),
        ({"steps": [{"day": 0, "instruments": ["nrs"], "note": "x"}]}, "steps[0]"),
    ],
)
def test_invalid_template_is_refused_with_field_errors_and_nothing_stored(
    world, overrides, error_key
):
    response = _create(world["admin"], **overrides)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "clinic.protocol_invalid"
    assert error_key in body["errors"], body
    assert ProtocolTemplate.objects.count() == 2
    assert not AuditEvent.objects.filter(action__startswith="clinic.protocol_").exists()


def test_doctor_and_patient_cannot_create(world):
    by_doctor = _create(world["doctor"])
    by_patient = _create(world["patient"].user)

    assert by_doctor.status_code == 403
    assert by_doctor.json()["code"] == "clinic.forbidden"
    assert by_patient.status_code == 403
    assert ProtocolTemplate.objects.count() == 2


def test_creating_in_a_clinic_one_does_not_administer_is_not_found(world):
    response = _create(world["admin"], organization_id=str(world["other_admin"].pk))
    other = _create(
        world["other_admin"], organization_id=str(world["clinic"].pk)
    )  # a clinic they do not belong to

    assert response.status_code == 404
    assert other.status_code == 404
    assert ProtocolTemplate.objects.count() == 2


def test_list_shows_global_and_own_clinic_templates_only(world):
    own = _create(world["admin"]).json()["code"]
    foreign = _create(world["other_admin"]).json()["code"]

    for user in (world["admin"], world["doctor"]):
        codes = [p["code"] for p in _client(user).get(LIST).json()]
        assert sorted(codes) == sorted([*GLOBAL_CODES, own])
    other_codes = [p["code"] for p in _client(world["other_admin"]).get(LIST).json()]
    assert sorted(other_codes) == sorted([*GLOBAL_CODES, foreign])
    assert _client(world["patient"].user).get(LIST).status_code == 403


def test_permission_matrix_on_a_clinic_template(world):
    code = _create(world["admin"]).json()["code"]
    change = {"name_en": "Changed"}

    assert _client(world["doctor"]).get(_detail(code)).status_code == 200
    assert _client(world["doctor"]).patch(_detail(code), change, format="json").status_code == 403
    assert _client(world["doctor"]).post(_detail(code, "deactivate")).status_code == 403
    assert _client(world["patient"].user).get(_detail(code)).status_code == 403
    assert (
        _client(world["patient"].user).patch(_detail(code), change, format="json").status_code
        == 403
    )
    for method, url in (
        ("get", _detail(code)),
        ("patch", _detail(code)),
        ("post", _detail(code, "deactivate")),
        ("post", _detail(code, "copy")),
    ):
        response = getattr(_client(world["other_admin"]), method)(url, change, format="json")
        assert response.status_code == 404, (method, url)
    template = ProtocolTemplate.objects.get(code=code)
    assert (template.name_en, template.is_active) == ("Mood follow-up", True)
    assert ProtocolTemplate.objects.count() == 3

    edited = _client(world["admin"]).patch(_detail(code), change, format="json")
    assert edited.status_code == 200
    assert edited.json()["name_en"] == "Changed"
    assert edited.json()["name_ru"] == "Наблюдение настроения"


def test_global_templates_are_read_only_and_can_be_copied(world):
    admin = _client(world["admin"])
    original = ProtocolTemplate.objects.get(code="f1-default")
    before = (original.name_en, original.is_active, original.steps)

    edit = admin.patch(_detail("f1-default"), {"name_en": "Mine"}, format="json")
    deactivate = admin.post(_detail("f1-default", "deactivate"))
    copy = admin.post(_detail("f1-default", "copy"), {}, format="json")

    assert edit.status_code == 403
    assert edit.json()["code"] == "clinic.protocol_read_only"
    assert deactivate.status_code == 403
    default = ProtocolTemplate.objects.get(code="f1-default")
    assert (default.name_en, default.is_active, default.steps) == before
    assert copy.status_code == 201, copy.json()
    body = copy.json()
    assert body["organization_id"] == str(world["clinic"].pk)
    assert body["steps"] == before[2]
    assert AuditEvent.objects.get(action="clinic.protocol_created").metadata["copied_from"] == (
        "f1-default"
    )


def test_invalid_edit_leaves_the_template_unchanged(world):
    code = _create(world["admin"]).json()["code"]

    response = _client(world["admin"]).patch(
        _detail(code),
        {"name_en": "New", "steps": [{"day": 3, "instruments": ["xyz"]}]},
        format="json",
    )

    assert response.status_code == 400
    assert "steps[0].instruments" in response.json()["errors"]
    template = ProtocolTemplate.objects.get(code=code)
    assert (template.name_en, template.steps) == ("Mood follow-up", STEPS)
    assert not AuditEvent.objects.filter(action="clinic.protocol_updated").exists()


def test_editing_keeps_existing_schedules_and_new_schedules_use_the_new_steps(world):
    code = _create(world["admin"]).json()["code"]
    schedule_url = reverse("clinic:patient-schedule", kwargs={"patient_id": world["patient"].pk})
    doctor = _client(world["doctor"])
    first = doctor.post(
        schedule_url, {"protocol_code": code, "start_date": "2026-12-01"}, format="json"
    )
    assert first.status_code == 201, first.json()

    new_steps = [{"day": 10, "instruments": ["nrs"]}]
    edited = _client(world["admin"]).patch(_detail(code), {"steps": new_steps}, format="json")
    assert edited.status_code == 200
    second = doctor.post(
        schedule_url, {"protocol_code": code, "start_date": "2026-12-01"}, format="json"
    )

    old_items = ScheduledAssessment.objects.filter(schedule_id=first.json()["id"])
    assert [(timezone.localdate(i.due_at), i.instruments) for i in old_items] == [
        (date(2026, 12, 1), ["nrs", "hads"]),
        (date(2026, 12, 29), ["nrs", "hads"]),
    ]
    new_items = ScheduledAssessment.objects.filter(schedule_id=second.json()["id"])
    assert [(timezone.localdate(i.due_at), i.instruments) for i in new_items] == [
        (date(2026, 12, 11), ["nrs"])
    ]
    event = AuditEvent.objects.get(action="clinic.protocol_updated")
    assert event.changes["before"]["steps"] == STEPS
    assert event.changes["after"]["steps"] == new_steps
    assert event.metadata["schedules_unchanged"] == 1


def test_deactivated_template_is_not_applied_but_existing_schedules_go_on(world):
    code = _create(world["admin"]).json()["code"]
    schedule_url = reverse("clinic:patient-schedule", kwargs={"patient_id": world["patient"].pk})
    doctor = _client(world["doctor"])
    doctor.post(schedule_url, {"protocol_code": code, "start_date": "2026-12-01"}, format="json")

    response = _client(world["admin"]).post(_detail(code, "deactivate"))
    again = doctor.post(
        schedule_url, {"protocol_code": code, "start_date": "2026-12-05"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert again.status_code == 404
    assert AssessmentSchedule.objects.count() == 1
    assert ScheduledAssessment.objects.filter(status="pending").count() == 2
    assert code not in [p["code"] for p in doctor.get(LIST).json()]
    listed = _client(world["admin"]).get(LIST, {"include_inactive": "true"}).json()
    assert code in [p["code"] for p in listed]
    assert AuditEvent.objects.filter(action="clinic.protocol_deactivated").count() == 1
    reactivated = _client(world["admin"]).post(_detail(code, "activate"))
    assert reactivated.json()["is_active"] is True


def test_another_clinics_template_cannot_be_applied_to_a_patient(world):
    foreign = _create(world["other_admin"]).json()["code"]
    schedule_url = reverse("clinic:patient-schedule", kwargs={"patient_id": world["patient"].pk})

    response = _client(world["doctor"]).post(
        schedule_url, {"protocol_code": foreign, "start_date": "2026-12-01"}, format="json"
    )

    assert response.status_code == 404
    assert AssessmentSchedule.objects.count() == 0


def test_protocol_list_query_count_does_not_grow(world, django_assert_num_queries):
    for n in range(5):
        _create(world["admin"], name_en=f"Protocol {n}")
    client = _client(world["doctor"])
    client.get(LIST)  # warm the session/auth caches

    # auth role check, doctor orgs, admin orgs, the templates
    with django_assert_num_queries(4):
        response = client.get(LIST)
    assert len(response.json()) == 7


def test_doctor_pending_approval_sees_no_clinic_template(world):
    pending = UserFactory()
    code = _create(world["admin"]).json()["code"]
    MembershipFactory(user=pending, organization=world["clinic"], role=Role.DOCTOR, is_active=False)

    assert _client(pending).get(LIST).status_code == 403
    assert _client(pending).get(_detail(code)).status_code == 403


def test_other_doctor_of_the_clinic_reads_it(world):
    colleague = doctor_in(world["clinic"])
    code = _create(world["admin"]).json()["code"]

    assert _client(colleague).get(_detail(code)).json()["code"] == code
