"""The sos API: the seed's mobile contract (devices/, sos/) plus lifecycle, helpers, OsmAnd."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.accounts.authentication import JWTAuthentication
from lifeline.audit.services import record_access
from lifeline.core.api.pagination import CreatedCursorPagination, paginate
from lifeline.sos import selectors
from lifeline.sos.api import osmand
from lifeline.sos.api import serializers as s
from lifeline.sos.authentication import DeviceTokenAuthentication, request_device
from lifeline.sos.enums import TriggerSource
from lifeline.sos.exceptions import SosForbidden
from lifeline.sos.models import HelperProfile
from lifeline.sos.permissions import can_admin_event
from lifeline.sos.services.contacts import contact_create, contact_delete
from lifeline.sos.services.devices import (
    device_delete,
    device_record_locations,
    device_register,
    device_report_status,
    device_token_revoke,
    device_token_rotate,
    device_update,
)
from lifeline.sos.services.escalation import event_escalate
from lifeline.sos.services.events import (
    event_accept,
    event_cancel,
    event_decline,
    event_resolve,
    event_trigger,
    event_withdraw,
)
from lifeline.sos.services.helpers import helper_profile_update
from lifeline.sos.services.profiles import wearer_profile_update
from lifeline.sos.throttling import DeviceRateThrottle

if TYPE_CHECKING:
    from lifeline.accounts.models import User
    from lifeline.sos.models import Device

TAGS_DEVICES = ["sos: devices"]
TAGS_SOS = ["sos: events"]
TAGS_HELPERS = ["sos: helpers"]
DEVICE_AUTH = [DeviceTokenAuthentication, JWTAuthentication, SessionAuthentication]


def _user(request: Request) -> User:
    return cast("User", request.user)


def _device(request: Request, device_uid: str) -> Device:
    """The device in the URL: the token's own device, or one within the user's scope."""
    token_device = request_device(request)
    if token_device is not None:
        if token_device.device_uid == device_uid:  # already loaded with its owner
            return token_device
        return selectors.token_device_get_for(device=token_device, device_uid=device_uid)
    return selectors.device_get_for(actor=_user(request), device_uid=device_uid)


# --- devices ------------------------------------------------------------------------------
class DeviceListApi(APIView):
    @extend_schema(tags=TAGS_DEVICES, responses={200: s.SosDeviceOutput(many=True)})
    def get(self, request: Request) -> Response:
        devices = selectors.device_list_for(actor=_user(request)).order_by("-created_at")
        return Response(s.SosDeviceOutput(devices, many=True).data)

    @extend_schema(
        tags=TAGS_DEVICES, request=s.SosDeviceCreateInput, responses={201: s.SosDeviceCreateOutput}
    )
    def post(self, request: Request) -> Response:
        data = s.SosDeviceCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        device = device_register(owner=_user(request), **data.validated_data)
        return Response(s.SosDeviceCreateOutput(device).data, status=status.HTTP_201_CREATED)


class DeviceDetailApi(APIView):
    @extend_schema(tags=TAGS_DEVICES, responses={200: s.SosDeviceOutput})
    def get(self, request: Request, device_uid: str) -> Response:
        device = selectors.device_get_for(actor=_user(request), device_uid=device_uid)
        record_access(actor=request.user, target=device, request=request)
        return Response(s.SosDeviceOutput(device).data)

    @extend_schema(
        tags=TAGS_DEVICES, request=s.SosDeviceUpdateInput, responses={200: s.SosDeviceOutput}
    )
    def patch(self, request: Request, device_uid: str) -> Response:
        device = selectors.device_get_for(actor=_user(request), device_uid=device_uid)
        data = s.SosDeviceUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        device = device_update(device=device, actor=_user(request), **data.validated_data)
        return Response(s.SosDeviceOutput(device).data)

    @extend_schema(
        tags=TAGS_DEVICES, request=s.SosDeviceUpdateInput, responses={200: s.SosDeviceOutput}
    )
    def put(self, request: Request, device_uid: str) -> Response:
        return self.patch(request, device_uid)

    @extend_schema(tags=TAGS_DEVICES, responses={204: None})
    def delete(self, request: Request, device_uid: str) -> Response:
        device = selectors.device_get_for(actor=_user(request), device_uid=device_uid)
        device_delete(device=device, actor=_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeviceStatusApi(APIView):
    authentication_classes = DEVICE_AUTH
    throttle_classes = [DeviceRateThrottle]

    @extend_schema(
        tags=TAGS_DEVICES, request=s.SosDeviceStatusInput, responses={200: s.SosDeviceOutput}
    )
    def patch(self, request: Request, device_uid: str) -> Response:
        device = _device(request, device_uid)
        data = s.SosDeviceStatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        device = device_report_status(device=device, **data.validated_data)
        return Response(s.SosDeviceOutput(device).data)


class DeviceLocationApi(APIView):
    """One location (the seed's object body) or a batch: a JSON array of up to
    `MAX_BATCH` such objects (a watch uploading what it buffered while offline)."""

    authentication_classes = DEVICE_AUTH
    throttle_classes = [DeviceRateThrottle]
    MAX_BATCH = 500

    @extend_schema(
        tags=TAGS_DEVICES,
        request=PolymorphicProxySerializer(
            component_name="SosDeviceLocationBody",
            serializers=[s.SosDeviceLocationInput, s.SosDeviceLocationInput(many=True)],
            resource_type_field_name=None,
            many=False,
        ),
        responses={201: s.SosStatusOutput},
    )
    def post(self, request: Request, device_uid: str) -> Response:
        device = _device(request, device_uid)
        many = isinstance(request.data, list)
        if many and not 1 <= len(request.data) <= self.MAX_BATCH:
            raise ValidationError(
                {"non_field_errors": [_("Send 1 to %(max)d locations.") % {"max": self.MAX_BATCH}]}
            )
        data = s.SosDeviceLocationInput(data=request.data, many=many)
        data.is_valid(raise_exception=True)
        rows = data.validated_data if many else [data.validated_data]
        points = []
        for row in rows:
            values = dict(row)
            values["recorded_at"] = values.pop("timestamp", None)
            points.append(values)
        device_record_locations(device=device, points=points)
        return Response({"status": "location recorded"}, status=status.HTTP_201_CREATED)


class DeviceTokenApi(APIView):
    """The owner rotates (POST: a new token, shown once) or revokes (DELETE) the device token."""

    @extend_schema(tags=TAGS_DEVICES, request=None, responses={201: s.SosDeviceTokenOutput})
    def post(self, request: Request, device_uid: str) -> Response:
        device = selectors.owned_device_get_for(actor=_user(request), device_uid=device_uid)
        token = device_token_rotate(device=device, actor=_user(request))
        return Response(
            {"token": token, "token_hint": device.token_hint, "issued_at": device.token_issued_at},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(tags=TAGS_DEVICES, request=None, responses={204: None})
    def delete(self, request: Request, device_uid: str) -> Response:
        device = selectors.owned_device_get_for(actor=_user(request), device_uid=device_uid)
        device_token_revoke(device=device, actor=_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- SOS ----------------------------------------------------------------------------------
class TriggerApi(APIView):
    authentication_classes = DEVICE_AUTH

    @extend_schema(
        tags=TAGS_SOS,
        request=s.SosTriggerInput,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Retries with the same key return the same event.",
            )
        ],
        responses={201: s.SosTriggerOutput, 200: s.SosTriggerOutput},
    )
    def post(self, request: Request) -> Response:
        data = s.SosTriggerInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("user_uuid", None)
        token_device = request_device(request)
        device_uid = values.pop("device_uid", None)
        if token_device is not None:
            device = _device(request, device_uid or token_device.device_uid)
            source = TriggerSource.DEVICE_TOKEN
        else:
            if not device_uid:
                raise ValidationError({"device_uid": ["This field is required."]})
            device = selectors.device_get_for(actor=_user(request), device_uid=device_uid)
            source = TriggerSource.API
        key = (request.headers.get("Idempotency-Key") or "").strip()[:128] or None
        result = event_trigger(
            device=device, source=source, idempotency_key=key, actor=_user(request), **values
        )
        body = {
            "status": "created" if result.created else "duplicate",
            "event_uid": str(result.event.pk),
        }
        return Response(
            body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )


class EventListApi(APIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(
        tags=TAGS_SOS,
        parameters=[OpenApiParameter("active", bool, description="Open events of the last 24 h.")],
        responses={200: s.SosEventOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        filters = s.SosEventListFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return paginate(
            queryset=selectors.event_list_for(actor=_user(request), **filters.validated_data),
            serializer_class=s.SosEventOutput,
            request=request,
            view=self,
        )


class EventDetailApi(APIView):
    @extend_schema(tags=TAGS_SOS, responses={200: s.SosEventOutput})
    def get(self, request: Request, event_uid: str) -> Response:
        event = selectors.event_get_for(actor=_user(request), event_uid=event_uid)
        record_access(actor=request.user, target=event, request=request)
        return Response(s.SosEventOutput(event).data)


class EventTimelineApi(APIView):
    @extend_schema(tags=TAGS_SOS, responses={200: s.SosTimelineEntryOutput(many=True)})
    def get(self, request: Request, event_uid: str) -> Response:
        event = selectors.event_get_for(actor=_user(request), event_uid=event_uid)
        return Response(
            s.SosTimelineEntryOutput(selectors.timeline_list_for(event=event), many=True).data
        )


class EventRespondApi(APIView):
    @extend_schema(tags=TAGS_SOS, request=s.SosRespondInput, responses={200: s.SosStatusOutput})
    def post(self, request: Request, event_uid: str) -> Response:
        event = selectors.event_get_for(actor=_user(request), event_uid=event_uid)
        data = s.SosRespondInput(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["status"] == "ACCEPTED":
            event_accept(event=event, actor=_user(request))
            return Response({"status": "accepted"})
        event_decline(event=event, actor=_user(request))
        return Response({"status": "declined"})


class _EventActionApi(APIView):
    def _event(self, request: Request, event_uid: str) -> Any:
        return selectors.event_get_for(actor=_user(request), event_uid=event_uid)

    def _done(self, event: Any) -> Response:
        event = selectors.event_get_for(actor=self.request.user, event_uid=event.pk)
        return Response(s.SosEventOutput(event).data)


class EventAcceptApi(_EventActionApi):
    @extend_schema(tags=TAGS_SOS, request=None, responses={200: s.SosEventOutput})
    def post(self, request: Request, event_uid: str) -> Response:
        event = event_accept(event=self._event(request, event_uid), actor=_user(request))
        return self._done(event)


class EventDeclineApi(_EventActionApi):
    @extend_schema(tags=TAGS_SOS, request=None, responses={200: s.SosStatusOutput})
    def post(self, request: Request, event_uid: str) -> Response:
        event_decline(event=self._event(request, event_uid), actor=_user(request))
        return Response({"status": "declined"})


class EventWithdrawApi(_EventActionApi):
    @extend_schema(tags=TAGS_SOS, request=None, responses={200: s.SosEventOutput})
    def post(self, request: Request, event_uid: str) -> Response:
        event = event_withdraw(event=self._event(request, event_uid), actor=_user(request))
        return self._done(event)


class EventCancelApi(_EventActionApi):
    @extend_schema(tags=TAGS_SOS, request=s.SosCancelInput, responses={200: s.SosEventOutput})
    def post(self, request: Request, event_uid: str) -> Response:
        event = self._event(request, event_uid)
        data = s.SosCancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        event = event_cancel(event=event, actor=_user(request), **data.validated_data)
        return self._done(event)


class EventResolveApi(_EventActionApi):
    @extend_schema(tags=TAGS_SOS, request=s.SosResolveInput, responses={200: s.SosEventOutput})
    def post(self, request: Request, event_uid: str) -> Response:
        event = self._event(request, event_uid)
        data = s.SosResolveInput(data=request.data)
        data.is_valid(raise_exception=True)
        event = event_resolve(event=event, actor=_user(request), **data.validated_data)
        return self._done(event)


class EventEscalateApi(_EventActionApi):
    @extend_schema(tags=TAGS_SOS, request=None, responses={200: s.SosEventOutput})
    def post(self, request: Request, event_uid: str) -> Response:
        event = self._event(request, event_uid)
        if not can_admin_event(request.user, event):
            raise SosForbidden()
        event = event_escalate(event_id=event.pk, actor=_user(request))
        return self._done(event)


# --- helpers and contacts -----------------------------------------------------------------
class HelperProfileApi(APIView):
    @extend_schema(tags=TAGS_HELPERS, responses={200: s.SosHelperProfileOutput})
    def get(self, request: Request) -> Response:
        profile = selectors.helper_profile_get_for(actor=_user(request)) or HelperProfile(
            user=_user(request)
        )
        return Response(s.SosHelperProfileOutput(profile).data)

    @extend_schema(
        tags=TAGS_HELPERS,
        request=s.SosHelperProfileInput,
        responses={200: s.SosHelperProfileOutput},
    )
    def patch(self, request: Request) -> Response:
        data = s.SosHelperProfileInput(data=request.data)
        data.is_valid(raise_exception=True)
        profile = helper_profile_update(user=_user(request), **data.validated_data)
        return Response(s.SosHelperProfileOutput(profile).data)


class HelperAlertListApi(APIView):
    @extend_schema(tags=TAGS_HELPERS, responses={200: s.SosAlertOutput(many=True)})
    def get(self, request: Request) -> Response:
        alerts = selectors.alert_list_for(actor=_user(request))[:100]
        return Response(s.SosAlertOutput(alerts, many=True).data)


class ContactListApi(APIView):
    @extend_schema(tags=TAGS_HELPERS, responses={200: s.SosContactOutput(many=True)})
    def get(self, request: Request) -> Response:
        return Response(
            s.SosContactOutput(selectors.contact_list_for(actor=request.user), many=True).data
        )

    @extend_schema(
        tags=TAGS_HELPERS, request=s.SosContactInput, responses={201: s.SosContactOutput}
    )
    def post(self, request: Request) -> Response:
        data = s.SosContactInput(data=request.data)
        data.is_valid(raise_exception=True)
        contact = contact_create(owner=_user(request), **data.validated_data)
        return Response(s.SosContactOutput(contact).data, status=status.HTTP_201_CREATED)


class ContactDetailApi(APIView):
    @extend_schema(tags=TAGS_HELPERS, responses={204: None})
    def delete(self, request: Request, contact_id: int) -> Response:
        contact = selectors.contact_get_for(actor=request.user, contact_id=contact_id)
        contact_delete(contact=contact, actor=_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WearerProfileApi(APIView):
    """The caller's own wearer profile (birth date, emergency notes): health data, every read
    is audited. There is no way to name another person's profile."""

    @extend_schema(tags=TAGS_HELPERS, responses={200: s.SosWearerProfileOutput})
    def get(self, request: Request) -> Response:
        profile = selectors.wearer_profile_get_for(actor=_user(request))
        if profile is None:  # nothing stored yet: the empty profile, nothing to audit
            return Response({"birth_date": None, "emergency_notes": "", "updated_at": None})
        record_access(actor=request.user, target=profile, request=request)
        return Response(s.SosWearerProfileOutput(profile).data)

    @extend_schema(
        tags=TAGS_HELPERS,
        request=s.SosWearerProfileInput,
        responses={200: s.SosWearerProfileOutput},
    )
    def put(self, request: Request) -> Response:
        data = s.SosWearerProfileInput(data=request.data)
        data.is_valid(raise_exception=True)
        profile = wearer_profile_update(user=_user(request), **data.validated_data)
        return Response(s.SosWearerProfileOutput(profile).data)


# --- OsmAnd -------------------------------------------------------------------------------
class OsmAndApi(APIView):
    """OsmAnd / Traccar Client ingestion: query/form parameters or the JSON body form.

    The device is found by a device token: `Authorization: Device <token>`, `token=`, or the
    OsmAnd `id` itself set to the token (Traccar Client lets the user type any identifier, so
    real tracker apps work unmodified). `alarm=sos` triggers an SOS (never throttled).
    """

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def get_throttles(self) -> list[Any]:
        if osmand.has_alarm(self.request):
            return []
        return [DeviceRateThrottle()]

    @extend_schema(
        tags=TAGS_DEVICES,
        request=None,
        parameters=[
            OpenApiParameter("id", str, required=True, description="Device token or device_uid."),
            OpenApiParameter("lat", float),
            OpenApiParameter("lon", float),
            OpenApiParameter("timestamp", str, description="Unix seconds or ISO 8601."),
            OpenApiParameter("speed", float),
            OpenApiParameter("bearing", float),
            OpenApiParameter("altitude", float),
            OpenApiParameter("accuracy", float),
            OpenApiParameter("batt", float),
            OpenApiParameter("alarm", str, description="`sos` triggers an SOS."),
        ],
        responses={
            200: OpenApiResponse(description="Recorded (empty body)."),
            404: OpenApiResponse(description="No device with this token or device_uid."),
        },
    )
    def get(self, request: Request) -> Response:
        return self._ingest(request)

    @extend_schema(
        tags=TAGS_DEVICES,
        request={"application/json": dict, "application/x-www-form-urlencoded": dict},
        responses={200: OpenApiResponse(description="Recorded (empty body).")},
    )
    def post(self, request: Request) -> Response:
        return self._ingest(request)

    def _ingest(self, request: Request) -> Response:
        report = osmand.parse(request)
        osmand.ingest(report, request=request)
        return Response(status=status.HTTP_200_OK)
