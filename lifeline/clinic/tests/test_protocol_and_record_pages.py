"""Pages: protocol templates (list, create, edit, copy, deactivate) and the patient's own
record."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import MembershipFactory, OrganizationFactory
from lifeline.accounts.tests.factories import UserFactory
from lifeline.clinic.models.patients import Patient
from lifeline.clinic.models.protocols import ProtocolTemplate
from lifeline.clinic.tests.factories import care_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    admin = UserFactory()
    MembershipFactory(user=admin, organization=clinic, role=Role.CLINIC_ADMIN)
    return clinic, patient, doctor, admin


def _post_protocol(client, url, **extra):
    data = {
        "name_ru": "Наблюдение",
        "name_en": "",
        "rows": "3",
        "day_0": "0",
        "instruments_0": ["nrs", "dn4"],
        "day_1": "30",
        "instruments_1": ["nrs"],
        "day_2": "",
    }
    data.update(extra)
    return client.post(url, data)


def test_admin_creates_and_edits_a_protocol_on_the_pages(client, world):
    _clinic, _patient, _doctor, admin = world
    client.force_login(admin)

    listing = client.get(reverse("clinic-web:protocol-list"))
    created = _post_protocol(client, reverse("clinic-web:protocol-new"))

    assert listing.status_code == 200
    assert created.status_code == 302
    template = ProtocolTemplate.objects.exclude(code__startswith="f1-").get()
    assert template.steps == [
        {"day": 0, "instruments": ["nrs", "dn4"]},
        {"day": 30, "instruments": ["nrs"]},
    ]
    edit_url = reverse("clinic-web:protocol-edit", kwargs={"code": template.code})
    assert client.get(edit_url).status_code == 200
    bad = _post_protocol(client, edit_url, day_1="0")
    assert bad.status_code == 400
    template.refresh_from_db()
    assert template.steps[1]["day"] == 30
    client.post(edit_url, {"action": "deactivate"})
    template.refresh_from_db()
    assert template.is_active is False


def test_global_protocol_page_is_read_only_with_a_copy_button(client, world):
    _clinic, _patient, doctor, admin = world
    client.force_login(admin)
    url = reverse("clinic-web:protocol-edit", kwargs={"code": "f1-default"})

    page = client.get(url)
    saved = _post_protocol(client, url)
    copied = client.post(url, {"action": "copy"})

    assert page.status_code == 200
    assert saved.status_code == 403
    assert ProtocolTemplate.objects.get(code="f1-default").name_en != "Наблюдение"
    assert copied.status_code == 302
    assert ProtocolTemplate.objects.count() == 3
    client.force_login(doctor)
    assert client.get(reverse("clinic-web:protocol-new")).status_code == 403


def test_patient_sees_no_protocol_pages(client, world):
    _clinic, patient, _doctor, _admin = world
    client.force_login(patient.user)

    assert client.get(reverse("clinic-web:protocol-list")).status_code == 403


def test_patient_edits_own_record_on_the_page(client, world):
    _clinic, patient, _doctor, _admin = world
    patient.clinical = {"qtc_ms": 420}
    patient.save()
    client.force_login(patient.user)
    url = reverse("clinic-web:my-record")

    page = client.get(url)
    saved = client.post(
        url,
        {
            "email": "me@example.org",
            "phone": "+79001112233",
            "nrs_now": "7",
            "pain_locations": ["hand_left"],
            "current_meds": "pregabalin, aspirin",
            "sudden_severe_headache": "yes",
        },
    )

    assert page.status_code == 200
    assert saved.status_code == 302
    stored = Patient.objects.get(pk=patient.pk)
    assert stored.phone == "+79001112233"
    assert stored.pain_locations == ["hand_left"]
    assert stored.clinical["nrs_now"] == 7
    assert stored.clinical["qtc_ms"] == 420
    assert stored.clinical["current_meds"] == ["pregabalin", "aspirin"]
    assert stored.clinical["sudden_severe_headache"] is True
    again = client.get(url)
    assert "103" in again.content.decode()


def test_my_record_page_for_a_doctor_is_404(client, world):
    _clinic, _patient, doctor, _admin = world
    client.force_login(doctor)

    assert client.get(reverse("clinic-web:my-record")).status_code == 404
