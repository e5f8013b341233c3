"""Intake API keys: `X-Api-Key: amb_…` authenticates a station's telephony, never a person.

`request.user` stays anonymous and `request.auth` is the `IntakeKey`; only the intake
endpoint accepts it, and it files calls for the key's station only.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from lifeline.ambulance.models import IntakeKey
from lifeline.ambulance.services.intake import intake_key_authenticate

HEADER = "HTTP_X_API_KEY"


class IntakeKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, IntakeKey] | None:
        raw = request.META.get(HEADER, "")
        if not raw:
            return None
        key = intake_key_authenticate(raw_key=raw.strip())
        if key is None:
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
        return AnonymousUser(), key

    def authenticate_header(self, request: Request) -> str:
        return "X-Api-Key"


class HasIntakeKey(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, IntakeKey):
            return True
        raise exceptions.NotAuthenticated(_("An intake API key is required."))


class IntakeKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "lifeline.ambulance.authentication.IntakeKeyAuthentication"
    name = "ambulanceIntakeKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Api-Key",
            "description": "A station's intake key (`amb_…`), issued by its administrator.",
        }
