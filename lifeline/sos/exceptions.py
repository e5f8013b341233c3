"""Refusals of the sos module, each with a stable code."""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

from lifeline.core.exceptions import Conflict, DomainError, InvalidInput


class SosForbidden(DomainError):
    code = "sos.forbidden"
    title = _("Not allowed")
    http_status = 403


class OwnEventAccept(SosForbidden):
    code = "sos.own_event"
    title = _("You cannot respond to your own SOS")


class EventClosed(Conflict):
    code = "sos.event_closed"
    title = _("This SOS is already closed")


class AlreadyAccepted(Conflict):
    code = "sos.already_accepted"
    title = _("Another helper has already accepted this SOS")


class NotAccepted(Conflict):
    code = "sos.not_accepted"
    title = _("You have not accepted this SOS")


class ReasonRequired(InvalidInput):
    code = "sos.reason_required"
    title = _("A reason is required to cancel after the cancel window")


class DeviceUidUnusable(InvalidInput):
    """A well-formed device id that cannot be registered (it is someone's device: the
    caller's own or another account's). Never says which, nor that it is registered: reading
    another account's device is 404, so registering one must not confirm it exists. Its field
    message is the one a malformed id gets (api.serializers.SosDeviceCreateInput)."""

    code = "sos.device_uid_unusable"
    title = _("This device id cannot be registered")


class NotAHelper(SosForbidden):
    code = "sos.not_a_helper"
    title = _("You do not hold the volunteer helper role")


class HelperApprovalPending(NotAHelper):
    """Not a helper yet: the request to volunteer in the default SOS service (made by this
    or an earlier opt-in) waits for one of its SOS administrators to approve it."""

    code = "sos.helper_pending"
    title = _("Your request to volunteer awaits approval by the SOS service")
