"""The ambulance API (`/api/v1/ambulance/`): calls, intake, teams, cars.

Error codes: `ambulance.call_state_conflict` (409: the call is no longer in a state that
allows the step), `throttled` (429: a team's position reports over
`AMBULANCE_POSITION_THROTTLE_RATE`), `ambulance.team_not_available` (409: busy, off shift,
car out of service, another station), `ambulance.team_busy` (409: dissolving or off shift
with a call in progress), `ambulance.car_in_active_team` (409), `ambulance.team_invalid`
(400, with the field), `ambulance.station_required` (400: choose among several stations),
`invalid` (400).
Objects outside the caller's station (or, for crew, team) are 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.access.enums import Role
from lifeline.accounts.models import User
from lifeline.ambulance import permissions, reports, selectors
from lifeline.ambulance.api import serializers as s
from lifeline.ambulance.authentication import HasIntakeKey, IntakeKeyAuthentication
from lifeline.ambulance.enums import CallSource
from lifeline.ambulance.exceptions import StationRequired
from lifeline.ambulance.models import Call, IntakeKey
from lifeline.ambulance.services import calls, cars, teams
from lifeline.ambulance.throttling import team_position_throttle
from lifeline.audit.services import record, record_access
from lifeline.core.api.pagination import TableLimitOffsetPagination, paginate
from lifeline.core.selectors import get_or_not_found

if TYPE_CHECKING:
    from lifeline.access.models import Organization

TAGS_CALLS = ["ambulance: calls"]
TAGS_TEAMS = ["ambulance: teams"]
TAGS_CARS = ["ambulance: cars"]
TAGS_REPORTS = ["ambulance: reports"]
STATION_ROLES = (Role.DISPATCHER, Role.CREW, Role.AMBULANCE_ADMIN)


def _user(request: Request) -> User:
    return cast("User", request.user)


class HasStationRole(BasePermission):
    """Coarse check: some role in some ambulance station (the selectors scope the rest)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return permissions.stations_of(request.user, STATION_ROLES).exists()


def _station(request: Request, station_id: Any, roles: tuple[str, ...]) -> Organization:
    """The station the write is for: the given one, or the only one the user has `roles` in."""
    stations: QuerySet[Organization] = permissions.stations_of(request.user, roles)
    if station_id is not None:
        return get_or_not_found(stations, pk=station_id)
    found = list(stations[:2])
    if not found:
        raise PermissionDenied()
    if len(found) > 1:
        raise StationRequired(errors={"station": [str(StationRequired.title)]})
    return found[0]


# --- calls --------------------------------------------------------------------------------
class CallListApi(APIView):
    permission_classes = (IsAuthenticated, HasStationRole)
    pagination_class = TableLimitOffsetPagination

    @extend_schema(
        tags=TAGS_CALLS,
        parameters=[s.CallListQuery],
        responses={200: s.CallListItemOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        """The queue (criticality, then oldest first) or, with `?status=`, calls in one status.
        Crew members see their own team's calls only."""
        query = s.CallListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        wanted = query.validated_data["status"]
        queryset = selectors.call_list_for(actor=_user(request), status=wanted)
        record(
            actor=request.user,
            action="ambulance.call_list_viewed",
            target_type="ambulance.call",
            request=request,
            metadata={"status": wanted},
        )
        return paginate(
            queryset=queryset, serializer_class=s.CallListItemOutput, request=request, view=self
        )

    @extend_schema(tags=TAGS_CALLS, request=s.CallCreateInput, responses={201: s.CallOutput})
    def post(self, request: Request) -> Response:
        """A dispatcher files a call (always NEW, never assigned on creation)."""
        data = s.CallCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        station = _station(request, data.validated_data.get("station"), (Role.DISPATCHER,))
        call = calls.call_create(actor=request.user, organization=station, intake=data.intake())
        return Response(s.CallOutput(call).data, status=status.HTTP_201_CREATED)


class IntakeCallApi(APIView):
    authentication_classes = (IntakeKeyAuthentication,)
    permission_classes = (HasIntakeKey,)

    @extend_schema(
        tags=TAGS_CALLS,
        request=s.IntakeCallInput,
        responses={201: s.IntakeCallOutput, 200: s.IntakeCallOutput},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                location=OpenApiParameter.HEADER,
                required=False,
                description="A retry with the same key returns the first call (200).",
            )
        ],
    )
    def post(self, request: Request) -> Response:
        """Telephony files a call for the key's station (header `X-Api-Key`)."""
        key = cast(IntakeKey, request.auth)
        data = s.IntakeCallInput(data=request.data)
        data.is_valid(raise_exception=True)
        idempotency_key = request.headers.get("Idempotency-Key", "")[:100]
        before = (
            Call.objects.filter(
                organization=key.organization, idempotency_key=idempotency_key
            ).exists()
            if idempotency_key
            else False
        )
        call = calls.call_create(
            actor=None,
            organization=key.organization,
            intake=data.intake(),
            source=CallSource.INTAKE,
            idempotency_key=idempotency_key,
        )
        code = status.HTTP_200_OK if before else status.HTTP_201_CREATED
        return Response(s.IntakeCallOutput(call).data, status=code)


class CallDetailApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS_CALLS, responses={200: s.CallOutput})
    def get(self, request: Request, call_id: str) -> Response:
        call = selectors.call_get_for(actor=_user(request), call_id=call_id)
        record_access(actor=request.user, target=call, request=request)
        return Response(s.CallOutput(call).data)


class CallSuggestionsApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS_CALLS, responses={200: s.CallSuggestionOutput(many=True)})
    def get(self, request: Request, call_id: str) -> Response:
        """Free teams ranked by estimated time of arrival (great-circle distance)."""
        call = selectors.call_get_for(actor=_user(request), call_id=call_id)
        if not permissions.can_dispatch_call(request.user, call):
            raise PermissionDenied()
        return Response(
            s.CallSuggestionOutput(selectors.call_suggestions(call=call), many=True).data
        )


def _dispatchable(request: Request, call_id: str) -> Call:
    call = selectors.call_get_for(actor=_user(request), call_id=call_id)
    if not permissions.can_dispatch_call(request.user, call):
        raise PermissionDenied()
    return call


def _crew_call(request: Request, call_id: str) -> Call:
    call = selectors.call_get_for(actor=_user(request), call_id=call_id)
    if not permissions.can_advance_call(request.user, call):
        raise PermissionDenied()
    return call


class CallAssignApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS_CALLS, request=s.CallAssignInput, responses={200: s.CallOutput})
    def post(self, request: Request, call_id: str) -> Response:
        call = _dispatchable(request, call_id)
        data = s.CallAssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        team = selectors.team_get_for(actor=_user(request), team_id=data.validated_data["team"])
        call = calls.call_assign(
            actor=request.user, call=call, team=team, reason=data.validated_data["reason"]
        )
        return Response(s.CallOutput(call).data)


class CallRejectApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS_CALLS, request=s.CallRejectInput, responses={200: s.CallOutput})
    def post(self, request: Request, call_id: str) -> Response:
        call = _dispatchable(request, call_id)
        data = s.CallRejectInput(data=request.data)
        data.is_valid(raise_exception=True)
        original = None
        if data.validated_data["duplicate_of"] is not None:
            original = selectors.call_get_for(
                actor=_user(request), call_id=data.validated_data["duplicate_of"]
            )
        call = calls.call_reject(
            actor=request.user,
            call=call,
            reason=data.validated_data["reason"],
            note=data.validated_data["note"],
            duplicate_of=original,
        )
        return Response(s.CallOutput(call).data)


class CallCancelApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS_CALLS, request=s.CallCancelInput, responses={200: s.CallOutput})
    def post(self, request: Request, call_id: str) -> Response:
        call = _dispatchable(request, call_id)
        data = s.CallCancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        call = calls.call_cancel(actor=request.user, call=call, note=data.validated_data["note"])
        return Response(s.CallOutput(call).data)


class CallAdvanceApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS_CALLS, request=s.CallAdvanceInput, responses={200: s.CallOutput})
    def post(self, request: Request, call_id: str) -> Response:
        """A member of the assigned team moves the call one step forward."""
        call = _crew_call(request, call_id)
        data = s.CallAdvanceInput(data=request.data)
        data.is_valid(raise_exception=True)
        call = calls.call_advance(
            actor=request.user, call=call, status=data.validated_data["status"]
        )
        return Response(s.CallOutput(call).data)


class CallAtPatientApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS_CALLS, request=None, responses={200: s.CallOutput})
    def post(self, request: Request, call_id: str) -> Response:
        """A member of the assigned team records reaching the patient (NEMSIS eTimes.07)."""
        call = _crew_call(request, call_id)
        call = calls.call_mark_at_patient(actor=request.user, call=call)
        return Response(s.CallOutput(call).data)


class CallTroubleApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS_CALLS, request=s.CallTroubleInput, responses={200: s.CallOutput})
    def post(self, request: Request, call_id: str) -> Response:
        """The crew cannot continue: the call goes back to the head of the queue."""
        call = _crew_call(request, call_id)
        data = s.CallTroubleInput(data=request.data)
        data.is_valid(raise_exception=True)
        call = calls.call_report_trouble(
            actor=request.user,
            call=call,
            kind=data.validated_data["kind"],
            note=data.validated_data["note"],
        )
        return Response(s.CallOutput(call).data)


# --- teams --------------------------------------------------------------------------------
class TeamListApi(APIView):
    permission_classes = (IsAuthenticated, HasStationRole)
    pagination_class = TableLimitOffsetPagination

    @extend_schema(tags=TAGS_TEAMS, responses={200: s.TeamOutput(many=True)})
    def get(self, request: Request) -> Response:
        """Active teams of the station (crew: their own team) with busy flag and position."""
        return paginate(
            queryset=selectors.team_list_for(actor=_user(request)),
            serializer_class=s.TeamOutput,
            request=request,
            view=self,
        )

    @extend_schema(tags=TAGS_TEAMS, request=s.TeamCreateInput, responses={201: s.TeamOutput})
    def post(self, request: Request) -> Response:
        data = s.TeamCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        station = _station(request, v.get("station"), (Role.AMBULANCE_ADMIN,))
        car = get_or_not_found(
            selectors.car_list_for(actor=_user(request)).filter(organization=station), pk=v["car"]
        )
        team = teams.team_create(
            actor=request.user,
            organization=station,
            name=v["name"],
            car=car,
            member_ids=v["members"],
            lead_id=v["lead"],
            on_shift=v["on_shift"],
        )
        team = selectors.team_get_for(actor=_user(request), team_id=team.pk)
        return Response(s.TeamOutput(team).data, status=status.HTTP_201_CREATED)


def _managed_team(request: Request, team_id: str) -> Any:
    team = selectors.team_get_for(actor=_user(request), team_id=team_id)
    if not permissions.can_manage_fleet(request.user, team.organization):
        raise PermissionDenied()
    return team


class TeamDetailApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS_TEAMS, responses={200: s.TeamOutput})
    def get(self, request: Request, team_id: str) -> Response:
        return Response(
            s.TeamOutput(selectors.team_get_for(actor=_user(request), team_id=team_id)).data
        )


class TeamShiftApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS_TEAMS, request=s.TeamShiftInput, responses={200: s.TeamOutput})
    def post(self, request: Request, team_id: str) -> Response:
        team = _managed_team(request, team_id)
        data = s.TeamShiftInput(data=request.data)
        data.is_valid(raise_exception=True)
        teams.team_set_shift(
            actor=request.user, team=team, on_shift=data.validated_data["on_shift"]
        )
        return Response(
            s.TeamOutput(selectors.team_get_for(actor=_user(request), team_id=team_id)).data
        )


class TeamDissolveApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS_TEAMS, request=None, responses={204: None})
    def post(self, request: Request, team_id: str) -> Response:
        """Dissolve the team (refused while it has a call in progress)."""
        teams.team_dissolve(actor=request.user, team=_managed_team(request, team_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeamPositionApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS_TEAMS, request=s.PositionInput, responses={204: None})
    def post(self, request: Request, team_id: str) -> Response:
        """The crew's phone reports the team's position."""
        team = selectors.team_reporting_position(actor=_user(request), team_id=team_id)
        if team is None:  # not its crew: 404 outside the caller's scope, else 403
            team = selectors.team_brief_get_for(actor=_user(request), team_id=team_id)
            if not permissions.can_update_team_position(request.user, team):
                raise PermissionDenied()
        team_position_throttle(request, team_id=team.pk)
        data = s.PositionInput(data=request.data)
        data.is_valid(raise_exception=True)
        teams.team_update_position(
            actor=request.user,
            team=team,
            lat=data.validated_data["lat"],
            lon=data.validated_data["lon"],
            recorded_at=data.validated_data.get("timestamp"),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- cars ---------------------------------------------------------------------------------
class CarListApi(APIView):
    permission_classes = (IsAuthenticated, HasStationRole)
    pagination_class = TableLimitOffsetPagination

    @extend_schema(tags=TAGS_CARS, responses={200: s.CarOutput(many=True)})
    def get(self, request: Request) -> Response:
        return paginate(
            queryset=selectors.car_list_for(actor=_user(request)),
            serializer_class=s.CarOutput,
            request=request,
            view=self,
        )

    @extend_schema(tags=TAGS_CARS, request=s.CarCreateInput, responses={201: s.CarOutput})
    def post(self, request: Request) -> Response:
        data = s.CarCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        station = _station(request, v.get("station"), (Role.AMBULANCE_ADMIN,))
        car = cars.car_create(
            actor=request.user,
            organization=station,
            plate=v["plate"],
            model=v["model"],
            equipment_class=v["equipment_class"],
        )
        return Response(
            s.CarOutput(selectors.car_get_for(actor=_user(request), car_id=car.pk)).data,
            status=status.HTTP_201_CREATED,
        )


def _managed_car(request: Request, car_id: str) -> Any:
    car = selectors.car_get_for(actor=_user(request), car_id=car_id)
    if not permissions.is_station_admin(request.user, car.organization_id):
        raise PermissionDenied()
    return car


class CarDetailApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS_CARS, responses={200: s.CarOutput})
    def get(self, request: Request, car_id: str) -> Response:
        return Response(
            s.CarOutput(selectors.car_get_for(actor=_user(request), car_id=car_id)).data
        )

    @extend_schema(tags=TAGS_CARS, request=s.CarUpdateInput, responses={200: s.CarOutput})
    def patch(self, request: Request, car_id: str) -> Response:
        car = _managed_car(request, car_id)
        data = s.CarUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        cars.car_update(actor=request.user, car=car, **data.validated_data)
        return Response(
            s.CarOutput(selectors.car_get_for(actor=_user(request), car_id=car_id)).data
        )

    @extend_schema(tags=TAGS_CARS, responses={204: None})
    def delete(self, request: Request, car_id: str) -> Response:
        """Soft delete; refused while the car serves an active team."""
        cars.car_delete(actor=request.user, car=_managed_car(request, car_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CarServiceableApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS_CARS, request=s.CarServiceableInput, responses={200: s.CarOutput})
    def post(self, request: Request, car_id: str) -> Response:
        car = _managed_car(request, car_id)
        data = s.CarServiceableInput(data=request.data)
        data.is_valid(raise_exception=True)
        cars.car_set_serviceable(actor=request.user, car=car, **data.validated_data)
        return Response(
            s.CarOutput(selectors.car_get_for(actor=_user(request), car_id=car_id)).data
        )


# --- reports (station administrators) -----------------------------------------------------
class _AnyAccept(BaseContentNegotiation):
    """The CSV download answers whatever `Accept` says."""

    def select_parser(self, request, parsers):  # type: ignore[no-untyped-def]
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):  # type: ignore[no-untyped-def]
        return (renderers[0], renderers[0].media_type)


def _report_calls(request: Request) -> tuple[QuerySet[Call], dict[str, Any]]:
    query = s.ReportQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    v = query.validated_data
    station = _station(request, v.get("station"), (Role.AMBULANCE_ADMIN,))
    team_id = None
    if v.get("team") is not None:
        team_id = selectors.team_of_station(station_id=station.pk, team_id=v["team"]).pk
    calls_qs = reports.calls_in_period(
        organization_id=station.pk, start=v["start"], end=v["end"], team_id=team_id
    )
    return calls_qs, {**v, "station": station}


_NO_SUCH_STATION_OR_TEAM = OpenApiResponse(
    description="The station or team is not one the caller administers."
)


class ReportIntervalsApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(
        tags=TAGS_REPORTS,
        parameters=[s.ReportQuery],
        responses={200: s.IntervalReportOutput, 404: _NO_SUCH_STATION_OR_TEAM},
    )
    def get(self, request: Request) -> Response:
        """Outcomes and response intervals (p50/p90 per criticality) for a period (default:
        the last 30 days), optionally of one team."""
        calls_qs, v = _report_calls(request)
        record(
            actor=request.user,
            action="ambulance.report_viewed",
            organization=v["station"],
            request=request,
            metadata={"start": v["start"], "end": v["end"]},
        )
        data = {
            "start": v["start"],
            "end": v["end"],
            "outcomes": reports.outcomes(calls=calls_qs),
            "intervals": reports.intervals(calls=calls_qs),
            "team_load": reports.team_load(calls=calls_qs),
        }
        return Response(s.IntervalReportOutput(data).data)


class ReportCallsCsvApi(APIView):
    permission_classes = (IsAuthenticated,)
    content_negotiation_class = _AnyAccept

    @extend_schema(
        tags=TAGS_REPORTS,
        parameters=[s.ReportQuery],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, 404: _NO_SUCH_STATION_OR_TEAM},
    )
    def get(self, request: Request) -> HttpResponse:
        """The calls of a period as CSV (`;`, UTF-8 with BOM: opens in Russian Excel)."""
        calls_qs, v = _report_calls(request)
        record(
            actor=request.user,
            action="ambulance.calls_exported",
            organization=v["station"],
            request=request,
            metadata={"start": v["start"], "end": v["end"]},
        )
        response = HttpResponse(
            reports.calls_csv(calls=calls_qs), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="calls-{v["start"].isoformat()}-{v["end"].isoformat()}.csv"'
        )
        return response


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportCallsXlsxApi(APIView):
    permission_classes = (IsAuthenticated,)
    content_negotiation_class = _AnyAccept

    @extend_schema(
        tags=TAGS_REPORTS,
        parameters=[s.ReportQuery],
        responses={(200, XLSX_TYPE): OpenApiTypes.BINARY, 404: _NO_SUCH_STATION_OR_TEAM},
    )
    def get(self, request: Request) -> HttpResponse:
        """The period as an Excel workbook: sheets `calls` (the CSV's columns), `intervals`
        (p50/p90 per criticality against the target), `outcomes` and `teams` (load)."""
        calls_qs, v = _report_calls(request)
        record(
            actor=request.user,
            action="ambulance.calls_exported",
            organization=v["station"],
            request=request,
            metadata={"start": v["start"], "end": v["end"], "format": "xlsx"},
        )
        response = HttpResponse(reports.calls_xlsx(calls=calls_qs), content_type=XLSX_TYPE)
        response["Content-Disposition"] = (
            f'attachment; filename="calls-{v["start"].isoformat()}-{v["end"].isoformat()}.xlsx"'
        )
        return response
