"""Helpers shared by the clinic's REST modules (OpenAPI tag, typed access to the request)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.conf import settings
from rest_framework.request import Request

from lifeline.accounts.models import User
from lifeline.clinic.exceptions import ClinicForbidden
from lifeline.clinic.permissions import is_clinician

if TYPE_CHECKING:
    from django.http import HttpRequest

TAGS = ["clinic"]


def request_user(request: Request) -> User:
    return cast("User", request.user)


def django_request(request: Request) -> HttpRequest:
    return cast("HttpRequest", request._request)


def require_clinician(request: Request) -> None:
    if not is_clinician(request_user(request)):
        raise ClinicForbidden()


LANGUAGE_CHOICES = [code for code, _name in settings.LANGUAGES]
