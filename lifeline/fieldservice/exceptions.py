"""Refusals of the fieldservice module, each with a stable code."""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

from lifeline.core.exceptions import Conflict, DomainError, InvalidInput


class FieldServiceForbidden(DomainError):
    code = "fieldservice.forbidden"
    title = _("Not allowed")
    http_status = 403


class TransitionNotAllowed(Conflict):
    """The status move is not in the table for the caller's role; `extra["allowed"]` lists
    the statuses the caller may move this request to."""

    code = "fieldservice.transition_not_allowed"
    title = _("This status change is not allowed")


class MasterRequired(InvalidInput):
    code = "fieldservice.master_required"
    title = _("Assign a master first")


class ReferenceInUse(Conflict):
    code = "fieldservice.reference_in_use"
    title = _("This entry is in use and cannot be deleted")


class DuplicateReference(Conflict):
    code = "fieldservice.duplicate_reference"
    title = _("An entry with this name already exists")


class CompanyRequired(InvalidInput):
    code = "fieldservice.company_required"
    title = _("Choose the service company")


class CityNotGranted(InvalidInput):
    code = "fieldservice.city_not_granted"
    title = _("This city is not one of yours")


class NotAMaster(InvalidInput):
    code = "fieldservice.not_a_master"
    title = _("This person is not an active master of the company in this city")


class CallbackAlreadyTaken(Conflict):
    code = "fieldservice.callback_taken"
    title = _("Another operator has already taken this callback")


class MangoSignatureInvalid(DomainError):
    code = "fieldservice.mango_signature_invalid"
    title = _("Webhook signature is invalid")
    http_status = 403


class MangoPayloadInvalid(InvalidInput):
    code = "fieldservice.mango_payload_invalid"
    title = _("Webhook payload is malformed")


class TelephonyNotConfigured(Conflict):
    code = "fieldservice.telephony_not_configured"
    title = _("Telephony is not configured")


class TelephonyUnavailable(DomainError):
    code = "fieldservice.telephony_unavailable"
    title = _("The telephony provider did not answer")
    http_status = 503


class AccountExists(Conflict):
    code = "fieldservice.account_exists"
    title = _("An account with this e-mail or phone already exists")


class StaffSelfChange(DomainError):
    code = "fieldservice.staff_self_change"
    title = _("You cannot change your own role or status")
    http_status = 403
