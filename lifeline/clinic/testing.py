"""Factories and a small fake engine for tests (chat tests, journeys, the clinic's own)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import factory
from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)
from lifeline.clinic.enums import LegalDocumentKind
from lifeline.clinic.models.assessments import (
    Assessment,
    Evaluation,
    LabelDecision,
    Score,
    SuggestionDecision,
)
from lifeline.clinic.models.patients import CareTeamMember, DoctorProfile, Patient
from lifeline.clinic.models.registration import LegalDocument


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    organization = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.CLINIC)
    user = factory.SubFactory(UserFactory)
    full_name = factory.SelfAttribute("user.full_name")


class CareTeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeamMember

    patient = factory.SubFactory(PatientFactory)
    doctor = factory.SubFactory(UserFactory)


class DoctorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DoctorProfile

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.CLINIC)
    specialty = "Neurologist"


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    patient = factory.SubFactory(PatientFactory)
    started_by = factory.SelfAttribute("patient.user")
    instruments = factory.LazyFunction(lambda: ["vas"])
    answers = factory.LazyFunction(dict)


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    assessment = factory.SubFactory(AssessmentFactory, status="submitted")
    patient = factory.SelfAttribute("assessment.patient")
    instrument = "vas"
    value = 50.0
    band = "moderate"
    measured_at = factory.LazyFunction(timezone.now)


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    patient = factory.SubFactory(PatientFactory)
    ruleset_version = "test"
    inputs_hash = "0" * 64
    suggestions = factory.LazyFunction(
        lambda: [{"rule_id": "T-0", "option": "education"}, {"rule_id": "T-1a"}]
    )


class SuggestionDecisionFactory(factory.django.DjangoModelFactory):
    """A row of the decision log, written directly (the service checks who may decide)."""

    class Meta:
        model = SuggestionDecision

    evaluation = factory.SubFactory(EvaluationFactory)
    rule_id = "T-0"
    option = "education"
    action = "accepted"
    actor = factory.SubFactory(UserFactory)


class LabelDecisionFactory(factory.django.DjangoModelFactory):
    """A clinician's decision on one label, written directly (no permission check)."""

    class Meta:
        model = LabelDecision

    evaluation = factory.SubFactory(EvaluationFactory)
    code = "CPSP_PROBABLE"
    action = "confirmed"
    actor = factory.SubFactory(UserFactory)


def doctor_in(organization: Any, **user_fields: Any) -> Any:
    """An approved doctor of `organization` with a professional profile."""
    user: Any = UserFactory(**user_fields)
    MembershipFactory(user=user, organization=organization, role=Role.DOCTOR)
    DoctorProfile.objects.create(user=user, organization=organization, specialty="Neurologist")
    return user


def care_team(*, organization: Any = None, patient_user: Any = None) -> tuple[Patient, Any]:
    """A patient (with an account) and an approved doctor assigned to them."""
    organization = organization or OrganizationFactory(kind=OrganizationKind.CLINIC)
    doctor = doctor_in(organization)
    patient: Any = PatientFactory(
        organization=organization, **({"user": patient_user} if patient_user else {})
    )
    MembershipFactory(user=patient.user, organization=organization, role=Role.PATIENT)
    CareTeamMember.objects.create(patient=patient, doctor=doctor, assigned_by=doctor)
    return patient, doctor


def legal_documents(version: str = "1.0") -> dict[str, str]:
    """Create the current legal documents; returns the `accepted_versions` to send."""
    for kind in LegalDocumentKind.values:
        LegalDocument.objects.get_or_create(
            kind=kind, version=version, defaults={"title": kind, "body": "text"}
        )
    return dict.fromkeys(LegalDocumentKind.values, version)


# --- a small deterministic engine for tests of the stored flow ----------------------------

FAKE_ITEMS: dict[str, dict[str, Any]] = {
    "vas": {"items": ["vas"], "kind": ("number", 0, 100)},
    "nrs": {"items": ["nrs"], "kind": ("number", 0, 10)},
    "dn4": {"items": [f"dn4-{i}" for i in range(1, 11)], "kind": ("bool",)},
    "csi": {"items": [f"csi-{i}" for i in range(1, 26)], "kind": ("number", 0, 4)},
    "hads": {"items": [f"hads-{i}" for i in range(1, 15)], "kind": ("choice", "abcd")},
    "painad": {"items": [f"painad-{i}" for i in range(1, 6)], "kind": ("number", 0, 2)},
    "ncsr": {"items": [f"ncsr-{i}" for i in range(1, 4)], "kind": ("number", 0, 3)},
}
FAKE_CLINICIAN_ITEMS = {"dn4-8", "dn4-9", "dn4-10"}


def fake_validate_responses(
    instrument: str, answers: dict[str, Any], *, mode: str = "patient", partial: bool = False
) -> dict[str, list[str]]:
    spec = FAKE_ITEMS[instrument]
    errors: dict[str, list[str]] = {}
    for item, value in answers.items():
        if item not in spec["items"]:
            errors[item] = ["Unknown item."]
            continue
        if mode == "patient" and item in FAKE_CLINICIAN_ITEMS:
            errors[item] = ["Clinician-only item."]
            continue
        kind = spec["kind"]
        if kind[0] == "bool" and not isinstance(value, bool):
            errors[item] = ["Must be yes or no."]
        elif kind[0] == "number" and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not kind[1] <= value <= kind[2]
        ):
            errors[item] = ["Out of range."]
        elif kind[0] == "choice" and value not in kind[1]:
            errors[item] = ["Unknown option."]
    if not partial:
        for item in spec["items"]:
            if mode == "patient" and item in FAKE_CLINICIAN_ITEMS:
                continue
            if item not in answers:
                errors.setdefault(item, ["Required."])
    return errors


def fake_score(instrument: str, answers: dict[str, Any]) -> dict[str, Any]:
    total = 0.0
    for value in answers.values():
        if isinstance(value, bool):
            total += int(value)
        elif isinstance(value, str):
            total += "abcd".index(value)
        else:
            total += float(value)
    return {"instrument": instrument, "total": total, "band": "fake", "version": "1"}


def fake_evaluate(
    responses: dict[str, Any], clinical: dict[str, Any], *, previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    scores = {name: fake_score(name, answers) for name, answers in responses.items()}
    red_flags = []
    if clinical.get("suicidal_ideation"):
        red_flags.append({"rule_id": "RF-5", "severity": "emergency"})
    return {
        "scores": scores,
        "labels": [{"code": "SCREENING", "status": "screening", "rule_id": "M-6"}],
        "suggestions": [
            {"rule_id": "T-0", "option": "education", "evidence_tag": "E3"},
            {
                "rule_id": "T-1b",
                "option": "pregabalin",
                "safety": [{"rule_id": "X-GABA-1", "level": "BLOCK"}],
            },
        ],
        "safety": [{"rule_id": "X-GABA-1", "level": "SAFETY_UNCHECKED"}],
        "red_flags": red_flags,
        "follow_up": [{"rule_id": "F-1", "due_in_days": 28}],
        "ruleset_version": "test-1",
        "previous_seen": bool(previous),
    }


@contextmanager
def fake_engine() -> Iterator[None]:
    """Patch the engine functions the care part calls (use when the real engine is absent)."""
    from lifeline.clinic import engine

    saved = {name: getattr(engine, name) for name in ("validate_responses", "score", "evaluate")}
    engine.validate_responses = fake_validate_responses  # type: ignore[assignment]
    engine.score = fake_score  # type: ignore[assignment]
    engine.evaluate = fake_evaluate  # type: ignore[assignment]
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(engine, name, value)
