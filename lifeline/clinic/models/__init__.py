"""Clinic models, one module per entity. This package re-exports the models only (for
Django's registry); import from the submodule: `lifeline.clinic.models.patients` etc."""

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

__all__ = [
    "Article",
    "Assessment",
    "AssessmentSchedule",
    "CareTeamMember",
    "CatalogueItem",
    "Conclusion",
    "ConclusionItem",
    "ConclusionVersion",
    "DoctorNote",
    "DoctorProfile",
    "Evaluation",
    "FollowUpTask",
    "LabelDecision",
    "LegalAcceptance",
    "LegalDocument",
    "Patient",
    "PatientInvitation",
    "ProtocolTemplate",
    "ScheduledAssessment",
    "Score",
    "SuggestionDecision",
]
