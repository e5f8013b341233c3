"""What every clinic page shares: the current user and language, 404/403 from domain errors,
error lists for templates."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import get_language

from lifeline.accounts.models import User
from lifeline.core.exceptions import DomainError, NotFound

INSTRUMENT_NAMES = {
    "vas": "VAS",
    "nrs": "NRS",
    "dn4": "DN4",
    "csi": "CSI",
    "hads": "HADS",
    "painad": "PAINAD",
    "ncsr": "NCS-R",
}


def user_of(request: HttpRequest) -> User:
    return cast("User", request.user)


def lang() -> str:
    """The current interface language, "ru" or "en"."""
    code = (get_language() or "ru")[:2]
    return code if code in ("ru", "en") else "ru"


def label(value: Any) -> str:
    """A bilingual engine label {"en":…, "ru":…} in the current language."""
    if isinstance(value, dict):
        return str(value.get(lang()) or value.get("en") or "")
    return str(value or "")


def domain_errors_to_http(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """NotFound → 404 and 403-type refusals → 403, as the API does."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            if exc.http_status == 403:
                raise PermissionDenied from exc
            raise

    return wrapper


def error_dict(form: forms.BaseForm) -> dict[str, list[str]]:
    """A form's errors as {field: [message, …]} ("__all__" for the form as a whole)."""
    return {field: [str(m) for m in errors] for field, errors in form.errors.items()}


def error_lines(errors: Mapping[str, Any] | None) -> list[str]:
    """Every message of an error mapping, in order (pages that show one list)."""
    return [str(m) for ms in (errors or {}).values() for m in ms]


def domain_error_lines(exc: DomainError) -> list[str]:
    """A refusal's field messages, or its detail when it names no field."""
    return error_lines(exc.errors) or [str(exc.detail)]


def flash_errors(request: HttpRequest, lines: list[str]) -> None:
    for line in lines:
        messages.error(request, line)
