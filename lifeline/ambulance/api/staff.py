"""The station's people in the API (`/api/v1/ambulance/staff/`): station administrators only.

`staff/` GET lists a station's people (`?station=` for administrators of several), POST opens
an account and answers its one-time `initial_password` — the only time it is ever shown;
`staff/{id}/` GET/PATCH reads and edits one, `staff/{id}/deactivate/` POST closes it.
No response carries a password hash. Anonymous 401; a user who administers no station 403;
a person of another station 404. Error codes: `invalid` (400, with the field),
`ambulance.staff_on_call`, `ambulance.staff_in_team`, `ambulance.staff_inactive`,
`ambulance.staff_self`, `access.last_admin` (409).
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.access.enums import Role
from lifeline.accounts.phone_numbers import normalize_phone
from lifeline.ambulance import permissions, selectors
from lifeline.ambulance.api.views import _station
from lifeline.ambulance.selectors import STAFF_ROLES, StaffMember
from lifeline.ambulance.services import staff
from lifeline.core.api.pagination import TableLimitOffsetPagination, paginate

TAGS_STAFF = ["ambulance: staff"]
ROLE_CHOICES = [(r.value, r.label) for r in STAFF_ROLES]


class IsStationAdmin(BasePermission):
    """Coarse check: an administrator of some station (the selectors scope the rest)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return permissions.stations_of(request.user, (Role.AMBULANCE_ADMIN,)).exists()


# --- shapes -------------------------------------------------------------------------------
class AmbulanceStaffTeamOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()


class AmbulanceStaffOutput(serializers.Serializer[StaffMember]):
    """A person of the station. Never a password or its hash."""

    id = serializers.UUIDField(source="user.pk")
    station = serializers.UUIDField(source="station.pk")
    first_name = serializers.CharField(source="user.first_name")
    middle_name = serializers.CharField(source="user.middle_name")
    last_name = serializers.CharField(source="user.last_name")
    display_name = serializers.CharField(source="user.display_name")
    email = serializers.EmailField(source="user.email", allow_null=True)
    phone_number = serializers.CharField(source="user.phone_number", allow_null=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLE_CHOICES))
    is_active = serializers.BooleanField()
    must_change_password = serializers.BooleanField(source="user.must_change_password")
    team = AmbulanceStaffTeamOutput(allow_null=True)
    last_login = serializers.DateTimeField(source="user.last_login", allow_null=True)
    date_joined = serializers.DateTimeField(source="user.date_joined")


class AmbulanceStaffCreatedOutput(AmbulanceStaffOutput):
    initial_password = serializers.SerializerMethodField(
        help_text="The one-time password to hand over; shown only in this response."
    )

    def get_initial_password(self, obj: Any) -> str:
        return str(self.context.get("initial_password", ""))


def _phone(value: str) -> str | None:
    if not value:
        return None
    normalized = normalize_phone(value)
    if normalized is None:
        raise serializers.ValidationError(_("Enter a valid phone number."))
    return normalized


class _StaffFields(serializers.Serializer[Any]):
    first_name = serializers.CharField(max_length=150)
    middle_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True, allow_null=True)
    phone_number = serializers.CharField(
        max_length=32, required=False, allow_blank=True, allow_null=True
    )

    def validate_phone_number(self, value: str | None) -> str | None:
        return _phone(value or "")

    def validate_email(self, value: str | None) -> str | None:
        return value or None


class AmbulanceStaffCreateInput(_StaffFields):
    station = serializers.UUIDField(required=False, help_text="For admins of several stations.")
    role = serializers.ChoiceField(choices=ROLE_CHOICES)
    language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES], required=False
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("email") and not attrs.get("phone_number"):
            raise serializers.ValidationError(
                {"email": [_("Give an e-mail address or a phone number to sign in with.")]}
            )
        return attrs


class AmbulanceStaffUpdateInput(_StaffFields):
    first_name = serializers.CharField(max_length=150, required=False)
    last_name = serializers.CharField(max_length=150, required=False)
    role = serializers.ChoiceField(choices=ROLE_CHOICES, required=False)


# --- views --------------------------------------------------------------------------------
def _person(request: Request, user_id: Any) -> StaffMember:
    return selectors.staff_get_for(actor=request.user, user_id=user_id)


class StaffListApi(APIView):
    permission_classes = (IsAuthenticated, IsStationAdmin)
    pagination_class = TableLimitOffsetPagination

    @extend_schema(
        tags=TAGS_STAFF,
        parameters=[OpenApiParameter("station", str, description="For admins of several.")],
        responses={200: AmbulanceStaffOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        station = _station(request, request.query_params.get("station"), (Role.AMBULANCE_ADMIN,))
        people = selectors.staff_list_for(actor=request.user, station=station)
        return paginate(
            queryset=cast(Any, people),
            serializer_class=AmbulanceStaffOutput,
            request=request,
            view=self,
        )

    @extend_schema(
        tags=TAGS_STAFF,
        request=AmbulanceStaffCreateInput,
        responses={201: AmbulanceStaffCreatedOutput},
    )
    def post(self, request: Request) -> Response:
        data = AmbulanceStaffCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        station = _station(request, v.get("station"), (Role.AMBULANCE_ADMIN,))
        user, password = staff.staff_create(
            actor=request.user,
            station=station,
            role=v["role"],
            first_name=v["first_name"],
            middle_name=v.get("middle_name", ""),
            last_name=v["last_name"],
            email=v.get("email"),
            phone_number=v.get("phone_number"),
            language=v.get("language", ""),
            request=request._request,
        )
        person = _person(request, user.pk)
        body = AmbulanceStaffCreatedOutput(person, context={"initial_password": password}).data
        return Response(body, status=status.HTTP_201_CREATED)


class StaffDetailApi(APIView):
    permission_classes = (IsAuthenticated, IsStationAdmin)

    @extend_schema(tags=TAGS_STAFF, responses={200: AmbulanceStaffOutput})
    def get(self, request: Request, user_id: str) -> Response:
        return Response(AmbulanceStaffOutput(_person(request, user_id)).data)

    @extend_schema(
        tags=TAGS_STAFF, request=AmbulanceStaffUpdateInput, responses={200: AmbulanceStaffOutput}
    )
    def patch(self, request: Request, user_id: str) -> Response:
        person = _person(request, user_id)
        data = AmbulanceStaffUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        role = v.pop("role", None)
        staff.staff_update(
            actor=request.user,
            station=person.station,
            user=person.user,
            data=v,
            role=role,
            request=request._request,
        )
        return Response(AmbulanceStaffOutput(_person(request, user_id)).data)


class StaffDeactivateApi(APIView):
    permission_classes = (IsAuthenticated, IsStationAdmin)

    @extend_schema(tags=TAGS_STAFF, request=None, responses={200: AmbulanceStaffOutput})
    def post(self, request: Request, user_id: str) -> Response:
        """Take every role at the station, dissolve the person's team, close the account
        (kept, never deleted) when they have no role elsewhere."""
        person = _person(request, user_id)
        staff.staff_deactivate(
            actor=request.user, station=person.station, user=person.user, request=request._request
        )
        return Response(AmbulanceStaffOutput(_person(request, user_id)).data)
