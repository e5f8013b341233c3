"""The station's people (station administrators): list, new account, edit, deactivate.

A new account's one-time password is kept in the session for the next page only (shown once,
like an intake key). Someone who administers no station gets 403; a person of another
station 404 (`selectors.staff_get_for`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lifeline.access.enums import Role
from lifeline.accounts.phone_numbers import normalize_phone
from lifeline.ambulance import selectors
from lifeline.ambulance.selectors import STAFF_ROLES, StaffMember
from lifeline.ambulance.services import staff
from lifeline.ambulance.web.views import (
    _admin_station,
    _form_errors,
    _run,
    _stations,
    _user,
    web_view,
)

NEW_PASSWORD_KEY = "ambulance_new_staff_password"
ROLE_CHOICES = [(r.value, r.label) for r in STAFF_ROLES]


class StaffForm(forms.Form):
    last_name = forms.CharField(label=gettext_lazy("Surname"), max_length=150)
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    middle_name = forms.CharField(label=gettext_lazy("Patronymic"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    phone_number = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=ROLE_CHOICES)

    def clean_phone_number(self) -> str | None:
        raw = self.cleaned_data.get("phone_number", "").strip()
        if not raw:
            return None
        normalized = normalize_phone(raw)
        if normalized is None:
            raise forms.ValidationError(_("Enter a valid phone number."))
        return normalized

    def clean_email(self) -> str | None:
        return self.cleaned_data.get("email") or None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("email") and not data.get("phone_number"):
            self.add_error("email", _("Give an e-mail address or a phone number to sign in with."))
        return data


class NewStaffForm(StaffForm):
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=settings.LANGUAGES, initial="ru"
    )


def _person(request: HttpRequest, user_id: str) -> StaffMember:
    """A person of a station the user administers (403 for a non-administrator, else 404)."""
    if not _stations(request, (Role.AMBULANCE_ADMIN,)):
        raise PermissionDenied
    return selectors.staff_get_for(actor=request.user, user_id=user_id)


def _staff_url(station: Any) -> str:
    return f"{reverse('ambulance-web:staff')}?station={station.pk}"


@web_view
def staff_list(request: HttpRequest) -> HttpResponse:
    station = _admin_station(request)
    return render(
        request,
        "ambulance/staff.html",
        {
            "station": station,
            "people": selectors.staff_list_for(actor=request.user, station=station),
            "form": NewStaffForm(),
            "new_password": request.session.pop(NEW_PASSWORD_KEY, None),
        },
    )


@web_view
@require_POST
def staff_add(request: HttpRequest) -> HttpResponse:
    station = _admin_station(request)
    form = NewStaffForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_staff_url(station))
    created: list[tuple[Any, str]] = []
    if _run(
        request,
        lambda: created.append(
            staff.staff_create(
                actor=_user(request), station=station, request=request, **form.cleaned_data
            )
        ),
    ):
        user, password = created[0]
        request.session[NEW_PASSWORD_KEY] = {
            "name": user.display_name,
            "login": str(user.email or user.phone_number),
            "password": password,
        }
    return redirect(_staff_url(station))


@web_view
def staff_edit(request: HttpRequest, user_id: str) -> HttpResponse:
    person = _person(request, user_id)
    user = person.user
    initial = {
        "last_name": user.last_name,
        "first_name": user.first_name,
        "middle_name": user.middle_name,
        "email": user.email or "",
        "phone_number": str(user.phone_number or ""),
        "role": person.roles[0] if person.roles else "",
    }
    form = StaffForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            role = data.pop("role")
            if _run(
                request,
                lambda: staff.staff_update(
                    actor=_user(request),
                    station=person.station,
                    user=user,
                    data=data,
                    # Unchanged: keep every role (a person may hold several here).
                    role=role if person.is_active and role != initial["role"] else None,
                    request=request,
                ),
                _("The changes are saved."),
            ):
                return redirect(_staff_url(person.station))
        else:
            _form_errors(request, form)
    return render(
        request,
        "ambulance/staff_edit.html",
        {"person": person, "station": person.station, "form": form},
    )


@web_view
@require_POST
def staff_deactivate(request: HttpRequest, user_id: str) -> HttpResponse:
    person = _person(request, user_id)
    _run(
        request,
        lambda: staff.staff_deactivate(
            actor=_user(request), station=person.station, user=person.user, request=request
        ),
        _("%(name)s is deactivated.") % {"name": person.user.display_name},
    )
    return redirect(_staff_url(person.station))
