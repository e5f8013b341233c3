"""Refusals raised by the clinic services (stable codes, rendered as problem+json)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from lifeline.core.exceptions import Conflict, DomainError, InvalidInput


class ClinicForbidden(DomainError):
    """The actor sees the object but may not perform this operation on it."""

    code = "clinic.forbidden"
    title = gettext_noop("You may not perform this operation")
    http_status = 403


class PatientArchived(Conflict):
    code = "clinic.patient_archived"
    title = gettext_noop("The patient record is archived")


class AssessmentNotDraft(Conflict):
    code = "clinic.assessment_submitted"
    title = gettext_noop("The assessment was already submitted")


class InvitationNotUsable(Conflict):
    code = "clinic.invitation_not_usable"
    title = gettext_noop("The invitation link is invalid, expired or already used")


class InvitationAccountExists(Conflict):
    code = "clinic.invitation_account_exists"
    title = gettext_noop("An account with this e-mail exists: sign in and open the link again")


class AlreadyAssigned(Conflict):
    code = "clinic.already_assigned"
    title = gettext_noop("The doctor is already on the patient's care team")


class InvalidAnswers(InvalidInput):
    code = "clinic.invalid_answers"
    title = gettext_noop("Some answers are invalid")


class InvalidClinicalInputs(InvalidInput):
    code = "clinic.invalid_clinical_inputs"
    title = gettext_noop("Some clinical inputs are invalid")


class LegalAcceptanceRequired(InvalidInput):
    code = "clinic.legal_acceptance_required"
    title = gettext_noop("The current user agreement and personal-data policy must be accepted")


class ConclusionNotDraft(Conflict):
    code = "clinic.conclusion_not_draft"
    title = gettext_noop("The conclusion is issued; amend it to change it")


class ConclusionNotIssued(Conflict):
    code = "clinic.conclusion_not_issued"
    title = gettext_noop("The conclusion is a draft")


class ConclusionInvalid(InvalidInput):
    code = "clinic.conclusion_invalid"
    title = gettext_noop("The conclusion is invalid")


class ArticleInvalid(InvalidInput):
    code = "clinic.article_invalid"
    title = gettext_noop("The article is invalid")
