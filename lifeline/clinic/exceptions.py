"""Refusals raised by the clinic services (stable codes, rendered as problem+json)."""

from __future__ import annotations

from lifeline.core.exceptions import Conflict, DomainError, InvalidInput


class ClinicForbidden(DomainError):
    """The actor sees the object but may not perform this operation on it."""

    code = "clinic.forbidden"
    title = "You may not perform this operation"
    http_status = 403


class PatientArchived(Conflict):
    code = "clinic.patient_archived"
    title = "The patient record is archived"


class AssessmentNotDraft(Conflict):
    code = "clinic.assessment_submitted"
    title = "The assessment was already submitted"


class InvitationNotUsable(Conflict):
    code = "clinic.invitation_not_usable"
    title = "The invitation link is invalid, expired or already used"


class InvitationAccountExists(Conflict):
    code = "clinic.invitation_account_exists"
    title = "An account with this e-mail exists: sign in and open the link again"


class AlreadyAssigned(Conflict):
    code = "clinic.already_assigned"
    title = "The doctor is already on the patient's care team"


class InvalidAnswers(InvalidInput):
    code = "clinic.invalid_answers"
    title = "Some answers are invalid"


class InvalidClinicalInputs(InvalidInput):
    code = "clinic.invalid_clinical_inputs"
    title = "Some clinical inputs are invalid"


class LegalAcceptanceRequired(InvalidInput):
    code = "clinic.legal_acceptance_required"
    title = "The current user agreement and personal-data policy must be accepted"
