"""Device-token authentication: a watch reports without a user's login.

`Authorization: Device <token>` (or, for the OsmAnd endpoint only, `?token=`). The request's
user is the device owner and `request.auth` is the `Device`; views that accept it allow
access to that one device only.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from lifeline.sos.models import Device

KEYWORD = "Device"


class DeviceTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Device] | None:
        header = authentication.get_authorization_header(request).decode("latin1")
        parts = header.split()
        if not parts or parts[0] != KEYWORD:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid device token header."))
        return self.authenticate_token(parts[1])

    def authenticate_token(self, token: str) -> tuple[Any, Device]:
        from lifeline.sos.selectors import device_get_by_token

        device = device_get_by_token(token)
        if device is None or not device.owner.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid device token."))
        return device.owner, device

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


def request_device(request: Request) -> Device | None:
    """The device authenticated by its token, or None for a user's login."""
    return request.auth if isinstance(request.auth, Device) else None


class DeviceTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "lifeline.sos.authentication.DeviceTokenAuthentication"
    name = "deviceToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Device <token>`: a device credential issued by token rotate.",
        }
