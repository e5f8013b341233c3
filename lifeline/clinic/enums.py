"""Choices of the clinic models (statuses and kinds), imported by `models/`, `api/` and `web/`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Not stated")


class StrokeType(models.TextChoices):
    ISCHEMIC = "ischemic", _("Ischemic")
    HEMORRHAGIC = "hemorrhagic", _("Hemorrhagic")
    UNKNOWN = "unknown", _("Unknown")


class LesionSide(models.TextChoices):
    LEFT = "left", _("Left hemisphere")
    RIGHT = "right", _("Right hemisphere")
    BILATERAL = "bilateral", _("Bilateral")
    UNKNOWN = "unknown", _("Unknown")


class PainDuration(models.TextChoices):
    """Computed from the pain onset date: acute < 1 month, subacute 1–3, chronic > 3."""

    ACUTE = "acute", _("Acute (less than 1 month)")
    SUBACUTE = "subacute", _("Subacute (1–3 months)")
    CHRONIC = "chronic", _("Chronic (more than 3 months)")


class LegalDocumentKind(models.TextChoices):
    USER_AGREEMENT = "user_agreement", _("User agreement")
    PERSONAL_DATA_POLICY = "personal_data_policy", _("Personal data policy")


class AssessmentMode(models.TextChoices):
    """Who drives the session: the patient (one question per screen) or a clinician."""

    PATIENT = "patient", _("Patient mode")
    CLINICIAN = "clinician", _("Clinician mode")


class Respondent(models.TextChoices):
    PATIENT = "patient", _("Patient")
    CAREGIVER = "caregiver", _("Caregiver (proxy)")
    CLINICIAN = "clinician", _("Clinician")


class Administration(models.TextChoices):
    """How the questionnaire was administered (spec §A.0 `mode`)."""

    SELF_TABLET = "self-tablet", _("Self-completed on a tablet")
    SELF_PHONE = "self-phone", _("Self-completed on a phone")
    INTERVIEW_IN_PERSON = "interview-in-person", _("Interview in person")
    INTERVIEW_PHONE = "interview-phone", _("Interview by phone")
    PAPER_TRANSCRIBED = "paper-transcribed", _("Paper, transcribed")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("assessment status", "In progress")
    SUBMITTED = "submitted", _("Submitted")


class DecisionAction(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    MODIFIED = "modified", _("Modified")
    REJECTED = "rejected", _("Rejected")


class LabelAction(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class CatalogueKind(models.TextChoices):
    DRUG = "drug", _("Drug")
    THERAPY = "therapy", _("Non-drug therapy")


class ConclusionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ScheduledAssessmentStatus(models.TextChoices):
    # Contexts: Django merges every catalogue into one, and these generic words are translated
    # for other nouns elsewhere ("Due" is a freelance deadline, «Срок»).
    PENDING = "pending", pgettext_lazy("scheduled assessment status", "Due")
    COMPLETED = "completed", pgettext_lazy("scheduled assessment status", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("scheduled assessment status", "Cancelled")


class FollowUpTaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
