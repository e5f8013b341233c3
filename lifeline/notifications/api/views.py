"""The caller's own inbox, preferences and push devices. Anyone else's ids are 404."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.core.api.pagination import CreatedCursorPagination, paginate
from lifeline.notifications import selectors, services
from lifeline.notifications.api.serializers import (
    DeviceOutput,
    DeviceRegisterInput,
    NotificationListFilterInput,
    NotificationOutput,
    PreferencesOutput,
    PreferencesUpdateInput,
    ReadAllOutput,
    UnreadCountOutput,
    VapidPublicKeyOutput,
)
from lifeline.notifications.exceptions import WebPushNotConfigured

if TYPE_CHECKING:
    from lifeline.accounts.models import User

TAGS = ["notifications"]


def _user(request: Request) -> User:
    """The signed-in caller (every view here requires authentication)."""
    return cast("User", request.user)


class NotificationListApi(APIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter("unread", bool, description="Only unread notifications."),
            OpenApiParameter("archived", bool, description="Archived notifications instead."),
        ],
        responses={200: NotificationOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        filters = NotificationListFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return paginate(
            queryset=selectors.notification_list_for(
                actor=_user(request), **filters.validated_data
            ),
            serializer_class=NotificationOutput,
            request=request,
            view=self,
        )


class NotificationUnreadCountApi(APIView):
    @extend_schema(tags=TAGS, responses={200: UnreadCountOutput})
    def get(self, request: Request) -> Response:
        return Response({"unread_count": selectors.unread_count_for(actor=_user(request))})


class NotificationReadApi(APIView):
    @extend_schema(tags=TAGS, request=None, responses={200: NotificationOutput})
    def post(self, request: Request, notification_id: UUID) -> Response:
        notification = selectors.notification_get_for(
            actor=_user(request), notification_id=notification_id
        )
        notification = services.notification_mark_read(notification=notification)
        return Response(NotificationOutput(notification).data)


class NotificationReadAllApi(APIView):
    @extend_schema(tags=TAGS, request=None, responses={200: ReadAllOutput})
    def post(self, request: Request) -> Response:
        updated = services.notification_mark_all_read(user=_user(request))
        return Response(
            {"updated": updated, "unread_count": selectors.unread_count_for(actor=_user(request))}
        )


class NotificationArchiveApi(APIView):
    @extend_schema(tags=TAGS, request=None, responses={200: NotificationOutput})
    def post(self, request: Request, notification_id: UUID) -> Response:
        notification = selectors.notification_get_for(
            actor=_user(request), notification_id=notification_id
        )
        notification = services.notification_archive(notification=notification)
        return Response(NotificationOutput(notification).data)


def _preferences_body(request: Request) -> dict[str, Any]:
    body = {
        "topics": selectors.preference_matrix_for(actor=_user(request)),
        "quiet_hours": selectors.quiet_hours_for(actor=_user(request)),
    }
    return PreferencesOutput(body).data


class PreferencesApi(APIView):
    """The topic × channel matrix with defaults, and quiet hours. PUT and PATCH both merge."""

    @extend_schema(tags=TAGS, responses={200: PreferencesOutput})
    def get(self, request: Request) -> Response:
        return Response(_preferences_body(request))

    @extend_schema(tags=TAGS, request=PreferencesUpdateInput, responses={200: PreferencesOutput})
    def put(self, request: Request) -> Response:
        serializer = PreferencesUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.preferences_update(
            user=_user(request),
            changes=[services.PreferenceChange(**item) for item in data.get("preferences", [])],
            quiet_hours=data.get("quiet_hours"),
        )
        return Response(_preferences_body(request))

    @extend_schema(tags=TAGS, request=PreferencesUpdateInput, responses={200: PreferencesOutput})
    def patch(self, request: Request) -> Response:
        return self.put(request)


class DeviceListApi(APIView):
    """GET lists the caller's push devices; POST registers an FCM token or a subscription."""

    pagination_class = CreatedCursorPagination

    @extend_schema(tags=TAGS, responses={200: DeviceOutput(many=True)})
    def get(self, request: Request) -> Response:
        return paginate(
            queryset=selectors.device_list_for(actor=_user(request)),
            serializer_class=DeviceOutput,
            request=request,
            view=self,
        )

    @extend_schema(
        tags=TAGS, request=DeviceRegisterInput, responses={200: DeviceOutput, 201: DeviceOutput}
    )
    def post(self, request: Request) -> Response:
        serializer = DeviceRegisterInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        subscription = data.get("subscription") or {"endpoint": "", "keys": {}}
        device, created = services.device_register(
            user=_user(request),
            kind=data["kind"],
            token=data.get("token", ""),
            endpoint=subscription["endpoint"],
            p256dh=subscription["keys"].get("p256dh", ""),
            auth=subscription["keys"].get("auth", ""),
            user_agent=request.headers.get("User-Agent", ""),
        )
        return Response(
            DeviceOutput(device).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class DeviceDeleteApi(APIView):
    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request: Request, device_id: UUID) -> Response:
        device = selectors.device_get_for(actor=_user(request), device_id=device_id)
        services.device_delete(device=device)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebPushVapidPublicKeyApi(APIView):
    """The applicationServerKey for `pushManager.subscribe()`; 404 when Web Push is off."""

    @extend_schema(
        tags=TAGS,
        responses={
            200: VapidPublicKeyOutput,
            404: OpenApiResponse(description="webpush_not_configured"),
        },
    )
    def get(self, request: Request) -> Response:
        public_key = selectors.webpush_public_key()
        if not public_key:
            raise WebPushNotConfigured()
        return Response({"public_key": public_key})
