"""The stored flow with the real engine (scores per instrument, evaluation record)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lifeline.clinic.models.assessments import Evaluation, Score
from lifeline.clinic.tests.factories import care_team

pytestmark = pytest.mark.django_db


def test_patient_battery_is_scored_and_evaluated(client_for):
    patient, doctor = care_team()
    patient.clinical = {"self_report_reliable": True}
    patient.save()
    client = client_for(patient.user)
    started = client.post(
        reverse("clinic:patient-assessments", kwargs={"patient_id": patient.pk}),
        {"instruments": ["vas", "dn4", "csi", "hads"]},
        format="json",
    )
    assert started.status_code == 201
    aid = started.json()["id"]
    answers = {
        "vas": {"vas": 64},
        "dn4": {f"dn4-{i}": "yes" if i <= 3 else "no" for i in range(1, 8)},
        "csi": {f"csi-{i}": 2 for i in range(1, 26)},
        "hads": {f"hads-{i}": "b" for i in range(1, 15)},
    }
    saved = client.patch(
        reverse("clinic:assessment-detail", kwargs={"assessment_id": aid}),
        {"answers": answers},
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    done = client.post(reverse("clinic:assessment-submit", kwargs={"assessment_id": aid}))
    assert done.status_code == 200, done.json()
    scores = {s.instrument: s for s in Score.objects.filter(assessment_id=aid)}
    assert set(scores) == {"vas", "dn4", "csi", "hads"}
    assert (scores["vas"].value, scores["vas"].band) == (64.0, "moderate")
    assert (scores["dn4"].value, scores["dn4"].band, scores["dn4"].provisional) == (
        3.0,
        "DN4_INT_POS",
        True,
    )
    assert (scores["csi"].value, scores["csi"].band) == (50.0, "severe")
    assert scores["hads"].subscores["hads_a"]["score"] == 12
    assert scores["hads"].subscores["hads_a"]["band"] == "abnormal"
    assert scores["hads"].subscores["hads_d"]["score"] == 10
    evaluation = Evaluation.objects.get(assessment_id=aid)
    assert evaluation.ruleset_version
    assert any(s["rule_id"] == "T-0" for s in evaluation.suggestions)
    assert any(f["rule_id"] == "RF-6" for f in evaluation.red_flags)
    assert evaluation.has_red_flags is True
    detail = client_for(doctor).get(
        reverse("clinic:evaluation-detail", kwargs={"evaluation_id": evaluation.pk})
    )
    assert detail.status_code == 200
