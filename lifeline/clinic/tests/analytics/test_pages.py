"""Dynamics, dashboard and cohort pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_dynamics_page_has_the_chart_and_comparison(team):
    _clinic, patient, doctor, _evaluation = team
    first, second = [s.assessment_id for s in patient.scores.order_by("measured_at")]
    url = reverse("clinic-web:patient-dynamics", kwargs={"patient_id": patient.pk})

    response = _client(doctor).get(url, {"instrument": "nrs", "first": first, "second": second})

    content = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in content
    # The change flag and band are shown by their labels, never as codes.
    assert "clinically important improvement" in content
    assert "important_improvement" not in content
    assert "moderate" in content
    assert "Comparison" in content


def test_dynamics_page_opens_on_the_instrument_the_patient_has_scores_of(team):
    _clinic, patient, doctor, _evaluation = team
    url = reverse("clinic-web:patient-dynamics", kwargs={"patient_id": patient.pk})
    assert _client(doctor).get(url).context["instrument"] == "nrs"  # NRS first when it has any
    patient.scores.update(instrument="vas")

    response = _client(doctor).get(url)  # the links to the page name no instrument

    assert response.context["instrument"] == "vas"
    assert [p.value for p in response.context["points"]] == [4, 7]
    assert "No scores for this instrument yet." not in response.content.decode()
    assert _client(doctor).get(url, {"instrument": "nrs"}).context["points"] == []


def test_dashboard_and_cohort_pages(team):
    _clinic, patient, doctor, _evaluation = team
    client = _client(doctor)

    dashboard = client.get(reverse("clinic-web:dashboard"))
    cohort = client.get(reverse("clinic-web:cohort"))
    export = client.get(reverse("clinic-web:cohort-export"))

    assert dashboard.status_code == 200
    assert cohort.status_code == 200
    assert patient.full_name in cohort.content.decode()
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _client(patient.user).get(reverse("clinic-web:dashboard")).status_code == 403


def test_cohort_page_names_mechanisms_in_the_readers_language(team):
    _clinic, patient, doctor, _evaluation = team
    client = _client(doctor)
    client.cookies["django_language"] = "ru"

    page = client.get(reverse("clinic-web:cohort"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    # The patient's evaluation has no label the clinician confirmed.
    assert "<td>Механизм не подтверждён врачом</td>" in page
    for code in ("UNCONFIRMED", "NOT_EVALUATED", "CPSP", "NEUROPATHIC_SCREEN"):
        assert f"<td>{code}</td>" not in page
