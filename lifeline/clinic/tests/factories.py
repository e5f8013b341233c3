"""Test factories of the clinic, one per model, and helpers that build a care team (used by
the clinic's tests, chat tests, web tests, browser journeys and benchmarks; never by
production code)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)
from lifeline.clinic.enums import ArticleStatus, CatalogueKind, LegalDocumentKind
from lifeline.clinic.models.assessments import (
    Assessment,
    Evaluation,
    LabelDecision,
    Score,
    SuggestionDecision,
)
from lifeline.clinic.models.catalogue import Article, CatalogueItem, DoctorNote
from lifeline.clinic.models.conclusions import Conclusion, ConclusionItem, ConclusionVersion
from lifeline.clinic.models.patients import CareTeamMember, DoctorProfile, Patient
from lifeline.clinic.models.protocols import (
    AssessmentSchedule,
    FollowUpTask,
    ProtocolTemplate,
    ScheduledAssessment,
)
from lifeline.clinic.models.registration import LegalAcceptance, LegalDocument, PatientInvitation


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


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    summary = "Short summary"
    body = "Body text"
    language = "en"
    author = factory.SubFactory(UserFactory)

    class Params:
        published = factory.Trait(
            status=ArticleStatus.PUBLISHED, published_at=factory.LazyFunction(timezone.now)
        )


class ConclusionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conclusion

    patient = factory.SubFactory(PatientFactory)
    organization = factory.SelfAttribute("patient.organization")
    doctor = factory.SubFactory(UserFactory)
    language = "en"


class ConclusionVersionFactory(factory.django.DjangoModelFactory):
    """An issued version (no PDF): what makes a conclusion visible to its patient."""

    class Meta:
        model = ConclusionVersion

    conclusion = factory.SubFactory(ConclusionFactory)
    number = factory.Sequence(lambda n: n + 1)
    issued_by = factory.SelfAttribute("conclusion.doctor")


class AssessmentScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentSchedule

    patient = factory.SubFactory(PatientFactory)
    template = factory.LazyFunction(lambda: ProtocolTemplate.objects.get(code="f1-default"))
    start_date = factory.LazyFunction(timezone.localdate)


class ScheduledAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduledAssessment

    patient = factory.SubFactory(PatientFactory)
    schedule = factory.SubFactory(
        AssessmentScheduleFactory, patient=factory.SelfAttribute("..patient")
    )
    instruments = factory.LazyFunction(lambda: ["nrs"])
    due_at = factory.LazyFunction(timezone.now)


class CatalogueItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatalogueItem

    code = factory.Sequence(lambda n: f"test-item-{n}")
    kind = CatalogueKind.DRUG
    name_en = factory.Sequence(lambda n: f"Test drug {n}")
    name_ru = factory.Sequence(lambda n: f"Тестовый препарат {n}")


class DoctorNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DoctorNote

    item = factory.SubFactory(CatalogueItemFactory)
    doctor = factory.SubFactory(UserFactory)
    text = "A private note"


class ConclusionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConclusionItem

    conclusion = factory.SubFactory(ConclusionFactory)
    position = factory.Sequence(lambda n: n)
    title = "Pain education"


class ProtocolTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtocolTemplate

    code = factory.Sequence(lambda n: f"test-protocol-{n}")
    name_en = factory.Sequence(lambda n: f"Protocol {n}")
    name_ru = factory.Sequence(lambda n: f"Протокол {n}")
    steps = factory.LazyFunction(lambda: [{"day": 0, "instruments": ["nrs"]}])


class FollowUpTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpTask

    patient = factory.SubFactory(PatientFactory)


class LegalDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalDocument

    kind = LegalDocumentKind.USER_AGREEMENT
    version = factory.Sequence(lambda n: f"test-{n}")
    title = "User agreement"
    body = "Text"


class LegalAcceptanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalAcceptance

    user = factory.SubFactory(UserFactory)
    document = factory.SubFactory(LegalDocumentFactory)


class PatientInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatientInvitation

    organization = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.CLINIC)
    invited_by = factory.SubFactory(UserFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
