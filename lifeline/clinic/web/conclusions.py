"""Conclusion pages: a patient's conclusions, the builder (options of an evaluation →
a draft), a draft's review (save / issue / amend) and an issued version's PDF.

Same selectors and services as the API: out of scope → 404, refused → 403, invalid → the
form again with its errors (status 400)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lifeline.accounts.models import User
from lifeline.audit import services as audit
from lifeline.clinic import exceptions
from lifeline.clinic.enums import ConclusionStatus
from lifeline.clinic.models import Evaluation
from lifeline.clinic.presentation import conclusion_pdf_response
from lifeline.clinic.selectors import assessments as assessments_selectors
from lifeline.clinic.selectors import catalogue as catalogue_selectors
from lifeline.clinic.selectors import conclusions as conclusions_selectors
from lifeline.clinic.selectors import patients as patients_selectors
from lifeline.clinic.services import conclusions as conclusions_services
from lifeline.clinic.web import forms
from lifeline.clinic.web.common import domain_errors_to_http, error_lines, lang, user_of


@login_required
@domain_errors_to_http
def conclusion_list(request: HttpRequest, patient_id: Any) -> HttpResponse:
    user = user_of(request)
    patient = patients_selectors.patient_get_for_documents(actor=user, patient_id=patient_id)
    audit.record_access(
        actor=user, target=patient, request=request, action="clinic.conclusions_viewed"
    )
    page = Paginator(
        conclusions_selectors.conclusion_list_for(actor=user, patient=patient), 10
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "clinic/documents_conclusion_list.html",
        {
            "patient": patient,
            "page": page,
            "can_write": patients_selectors.patient_is_actionable_for(
                actor=user, patient_id=patient.pk
            ),
        },
    )


def _builder_rows(
    actor: User, evaluation: Evaluation | None, language: str
) -> list[dict[str, Any]]:
    """One row per (suggestion, catalogue option); nothing is preselected.

    A suggestion is a rule id and an option, and several suggestions of one rule (T-6) offer
    the same catalogue items, so a row's key (its field names) is "rule|option|code": a
    browser posts every row's fields, and a shared name would lose what the doctor typed.
    Each row carries its suggestion's current decision (`evaluation_suggestions`).
    """
    if evaluation is None:
        return []
    catalogue = list(catalogue_selectors.catalogue_item_list_for(actor=actor))
    rows: list[dict[str, Any]] = []
    for suggestion in assessments_selectors.evaluation_suggestions(evaluation):
        rule_id, option = suggestion["key"]
        title = conclusions_services.bilingual(suggestion.get("title"), language) or (
            option or rule_id
        )
        matches = [item for item in catalogue if item.code == option] or [
            item for item in catalogue if rule_id in (item.rule_ids or [])
        ]
        common = {
            "rule_id": rule_id,
            "option": option,
            "suggestion": title,
            "decision": suggestion["decision"],
        }
        if not matches:
            rows.append(
                {**common, "key": f"{rule_id}|{option}|", "title": title, "code": "", "scheme": ""}
            )
        for item in matches:
            rows.append(
                {
                    **common,
                    "key": f"{rule_id}|{option}|{item.code}",
                    "title": item.name(language),
                    "code": item.code,
                    "scheme": item.default_scheme(language),
                }
            )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_to_http
def conclusion_new(request: HttpRequest, patient_id: Any) -> HttpResponse:
    """The builder: pick options from the latest (or a given) evaluation, edit each scheme,
    add free text → a draft, then review and issue."""
    user = user_of(request)
    patient = patients_selectors.patient_get_for_action(actor=user, patient_id=patient_id)
    evaluation_id = request.POST.get("evaluation_id") or request.GET.get("evaluation")
    evaluation = (
        assessments_selectors.evaluation_get_for_action(actor=user, evaluation_id=evaluation_id)
        if evaluation_id
        else assessments_selectors.evaluation_latest_for(patient=patient)
    )
    language = lang()
    errors: list[str] = []
    if request.method == "POST":
        form = forms.ConclusionBuilderForm(request.POST)
        if not form.is_valid():
            errors = error_lines(form.errors)
        else:
            try:
                conclusion = conclusions_services.conclusion_create(
                    actor=user,
                    patient=patient,
                    evaluation=evaluation,
                    items=form.items(),
                    free_text=form.cleaned_data["free_text"],
                    language=language,
                    request=request,
                )
            except exceptions.ConclusionInvalid as exc:
                errors = error_lines(exc.errors)
            else:
                messages.success(request, _("Draft saved. Check it and issue the PDF."))
                return redirect("clinic-web:conclusion-detail", conclusion_id=conclusion.pk)
    audit.record_access(
        actor=user, target=patient, request=request, action="clinic.conclusion_builder_viewed"
    )
    return render(
        request,
        "clinic/documents_conclusion_builder.html",
        {
            "patient": patient,
            "evaluation": evaluation,
            "rows": _builder_rows(user, evaluation, language),
            "picked": set(request.POST.getlist("pick")),
            "form": request.POST,
            "errors": errors,
            # Only the labels the clinician confirmed, as the conclusion keeps them.
            "labels": [
                conclusions_services.display_label(label, language)
                for label in (
                    assessments_selectors.evaluation_confirmed_labels(evaluation)
                    if evaluation
                    else []
                )
            ],
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_to_http
def conclusion_detail(request: HttpRequest, conclusion_id: Any) -> HttpResponse:
    user = user_of(request)
    conclusion = conclusions_selectors.conclusion_get_for(actor=user, conclusion_id=conclusion_id)
    can_write = patients_selectors.patient_is_actionable_for(
        actor=user, patient_id=conclusion.patient_id
    )
    errors: list[str] = []
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        form = forms.ConclusionEditForm(request.POST)
        if not form.is_valid():
            errors = error_lines(form.errors)
        else:
            errors = _conclusion_change(request, user, conclusion, form)
            if not errors:
                return redirect("clinic-web:conclusion-detail", conclusion_id=conclusion.pk)
    audit.record_access(actor=user, target=conclusion, request=request)
    return render(
        request,
        "clinic/documents_conclusion_detail.html",
        {
            "conclusion": conclusion,
            "patient": conclusion.patient,
            "is_draft": conclusion.status == ConclusionStatus.DRAFT,
            "can_write": can_write,
            "items": conclusions_selectors.conclusion_item_list_for(
                actor=user, conclusion=conclusion
            ),
            "versions": conclusions_selectors.conclusion_version_list_for(
                actor=user, conclusion=conclusion
            ),
            "document": conclusions_services.conclusion_document(
                conclusion, issued_on=timezone.localdate(conclusion.issued_at or timezone.now())
            ),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _conclusion_change(
    request: HttpRequest, user: User, conclusion: Any, form: forms.ConclusionEditForm
) -> list[str]:
    """Issue, amend or save the draft; the refusal's messages (empty when done)."""
    action = form.cleaned_data["action"] or "save"
    try:
        if action == "issue":
            conclusions_services.conclusion_issue(
                actor=user, conclusion=conclusion, request=request
            )
            messages.success(request, _("The conclusion was issued."))
        elif action == "amend":
            conclusions_services.conclusion_amend(
                actor=user, conclusion=conclusion, request=request
            )
            messages.success(request, _("A new draft version was opened."))
        else:
            conclusions_services.conclusion_update(
                actor=user,
                conclusion=conclusion,
                items=form.items(),
                free_text=form.cleaned_data["free_text"],
                request=request,
            )
            messages.success(request, _("Draft saved."))
    except (
        exceptions.ConclusionInvalid,
        exceptions.ConclusionNotDraft,
        exceptions.ConclusionNotIssued,
    ) as exc:
        return error_lines(exc.errors) or [str(exc.detail)]
    return []


@login_required
@domain_errors_to_http
def conclusion_pdf(request: HttpRequest, conclusion_id: Any, number: int) -> HttpResponseBase:
    return conclusion_pdf_response(
        actor=user_of(request), conclusion_id=conclusion_id, number=number, request=request
    )
