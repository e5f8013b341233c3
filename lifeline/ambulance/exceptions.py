"""Refusals of the ambulance services, each with a stable code (problem details)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from lifeline.core.exceptions import Conflict, InvalidInput


class CarInActiveTeam(Conflict):
    code = "ambulance.car_in_active_team"
    title = gettext_noop("The car belongs to an active team")


class TeamCompositionInvalid(InvalidInput):
    code = "ambulance.team_invalid"
    title = gettext_noop("The team is not valid")


class TeamHasCallInProgress(Conflict):
    code = "ambulance.team_busy"
    title = gettext_noop("The team has a call in progress")


class TeamNotAvailable(Conflict):
    code = "ambulance.team_not_available"
    title = gettext_noop("The team cannot take a call")


class CallStateConflict(Conflict):
    code = "ambulance.call_state_conflict"
    title = gettext_noop("The call is not in a state that allows this")


class StationRequired(InvalidInput):
    code = "ambulance.station_required"
    title = gettext_noop("Choose the ambulance station")


class StaffOnCall(Conflict):
    code = "ambulance.staff_on_call"
    title = gettext_noop("The person's team has a call in progress")


class StaffInActiveTeam(Conflict):
    code = "ambulance.staff_in_team"
    title = gettext_noop("The person is in an active team")


class StaffInactive(Conflict):
    code = "ambulance.staff_inactive"
    title = gettext_noop("The account is deactivated")


class StaffSelf(Conflict):
    code = "ambulance.staff_self"
    title = gettext_noop("You cannot deactivate or change the role of your own account")
