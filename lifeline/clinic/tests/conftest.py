from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from lifeline.access.enums import OrganizationKind
from lifeline.access.tests.factories import OrganizationFactory
from lifeline.clinic.tests.factories import (
    AssessmentFactory,
    EvaluationFactory,
    ScoreFactory,
    care_team,
)
from lifeline.clinic.tests.fake_engine import fake_engine


@pytest.fixture
def fake_clinic_engine() -> Iterator[None]:
    with fake_engine():
        yield


@pytest.fixture
def client_for():
    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def team():
    """A clinic, a patient and their doctor, two NRS scores a month apart and an evaluation
    with a T-1b (pregabalin) and a T-6 suggestion: what the document pages show."""
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    assessment = AssessmentFactory(patient=patient, instruments=["nrs"], status="submitted")
    ScoreFactory(
        assessment=assessment,
        instrument="nrs",
        value=7,
        band="severe",
        measured_at=timezone.now() - timedelta(days=30),
    )
    later = AssessmentFactory(patient=patient, instruments=["nrs"], status="submitted")
    ScoreFactory(assessment=later, instrument="nrs", value=4, band="moderate")
    evaluation = EvaluationFactory(
        patient=patient,
        assessment=later,
        suggestions=[
            {
                "rule_id": "T-1b",
                "option": "pregabalin",
                "title": {"en": "Gabapentinoid", "ru": "Габапентиноид"},
            },
            {
                "rule_id": "T-6",
                "title": {"en": "Psychological support", "ru": "Психологическая поддержка"},
            },
        ],
        labels=[{"code": "CPSP_PROBABLE", "status": "screening"}],
    )
    return clinic, patient, doctor, evaluation
