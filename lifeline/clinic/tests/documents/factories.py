"""Factories of the documents part's tests."""

from __future__ import annotations

import factory
from django.utils import timezone

from lifeline.accounts.tests.factories import UserFactory
from lifeline.clinic.enums import ArticleStatus
from lifeline.clinic.models.catalogue import Article
from lifeline.clinic.models.conclusions import Conclusion, ConclusionVersion
from lifeline.clinic.models.protocols import (
    AssessmentSchedule,
    ProtocolTemplate,
    ScheduledAssessment,
)
from lifeline.clinic.testing import PatientFactory


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
