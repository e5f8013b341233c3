"""Joining the clinic: a doctor invites a patient by e-mail, the patient accepts the
invitation (anonymous), a doctor registers themselves (anonymous; personal data →
professional profile → legal documents → e-mail code in accounts)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lifeline.accounts.services.registration import Names
from lifeline.clinic.exceptions import ClinicForbidden
from lifeline.clinic.selectors import registration as registration_selectors
from lifeline.clinic.services import registration
from lifeline.clinic.web import forms
from lifeline.clinic.web.common import (
    domain_error_lines,
    error_lines,
    flash_errors,
    lang,
    user_of,
)
from lifeline.core.api.throttling import AuthRateThrottle
from lifeline.core.exceptions import DomainError


@login_required
@require_http_methods(["POST"])
def invitation_new(request: HttpRequest) -> HttpResponse:
    form = forms.InvitationNewForm(request.POST)
    if not form.is_valid():
        flash_errors(request, error_lines(form.errors))
        return redirect("clinic-web:home")
    try:
        registration.invitation_create(
            actor=user_of(request),
            patient_email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"][:200],
            request=request,
        )
    except ClinicForbidden as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        flash_errors(request, domain_error_lines(exc))
    else:
        messages.success(request, _("The invitation was sent."))
    return redirect("clinic-web:home")


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = registration.invitation_get_by_token(token)
    except DomainError:
        return render(request, "clinic/care_invitation_invalid.html", status=410)
    documents = sorted(registration.legal_current().values(), key=lambda d: d.kind)
    errors: list[str] = []
    if request.method == "POST":
        form = forms.InvitationAcceptForm(request.POST, documents=documents)
        if not form.is_valid():
            errors = error_lines(form.errors)
        else:
            try:
                registration.invitation_accept(
                    token=token,
                    password=form.cleaned_data["password"],
                    names=Names(full_name=form.cleaned_data["full_name"]),
                    accepted_versions=form.accepted_versions(),
                    actor=request.user,
                    language=lang(),
                    request=request,
                )
            except DomainError as exc:
                errors = domain_error_lines(exc)
            else:
                messages.success(request, _("Registration complete. Sign in to continue."))
                if request.user.is_authenticated:
                    return redirect("clinic-web:home")
                return redirect("web:login")
    return render(
        request,
        "clinic/care_invitation.html",
        {"invitation": invitation, "documents": documents, "errors": errors},
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def doctor_register(request: HttpRequest) -> HttpResponse:
    """Personal data → professional profile → legal documents → e-mail code (accounts)."""
    documents = sorted(registration.legal_current().values(), key=lambda d: d.kind)
    values = {field: request.POST.get(field, "").strip() for field in forms.DOCTOR_FIELDS}
    errors: list[str] = []
    if request.method == "POST":
        form = forms.DoctorRegisterForm(request.POST, documents=documents)
        if not AuthRateThrottle().allow_request(request, None):  # type: ignore[arg-type]
            errors.append(_("Too many attempts. Wait a minute and try again."))
        elif not form.is_valid():
            errors = error_lines(form.errors)
        else:
            data = form.cleaned_data
            try:
                registration.doctor_register(
                    email=data["email"],
                    password=data["password"],
                    names=Names(
                        first_name=data["first_name"],
                        middle_name=data["middle_name"],
                        last_name=data["last_name"],
                    ),
                    profile={key: data[key] for key in forms.DOCTOR_PROFILE_FIELDS},
                    organization_id=data["organization"] or None,
                    accepted_versions=form.accepted_versions(),
                    language=lang(),
                    request=request,
                )
            except DomainError as exc:
                errors = domain_error_lines(exc)
            else:
                messages.success(request, _("Check your e-mail for the verification code."))
                return redirect(
                    reverse("web:verify-email") + "?" + urlencode({"email": data["email"]})
                )
    return render(
        request,
        "clinic/care_doctor_register.html",
        {
            "values": values,
            "errors": errors,
            "clinics": registration_selectors.registration_clinic_list_for(actor=request.user),
            "documents": documents,
        },
        status=400 if errors else 200,
    )
