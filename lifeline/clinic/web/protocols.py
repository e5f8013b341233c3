"""Protocol template pages (F-1): the list, and one template's form — create, edit,
deactivate / activate, or copy a global template for the clinic (global ones open
read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lifeline.accounts.models import User
from lifeline.clinic.models import ProtocolTemplate
from lifeline.clinic.selectors import protocols as protocols_selectors
from lifeline.clinic.services import protocols as protocol_services
from lifeline.clinic.web import forms
from lifeline.clinic.web.catalogue import require_clinician
from lifeline.clinic.web.common import domain_errors_to_http, error_lines, lang, user_of

PROTOCOL_FORM_ROWS = 3  # empty step rows offered below the existing ones


def _step_errors(errors: dict[str, list[str]]) -> list[str]:
    """Field errors as lines a person can read ("Step 2: …")."""
    lines = []
    for key, messages_ in errors.items():
        label = key
        if key.startswith("steps[") and "]" in key:
            index = key[len("steps[") : key.index("]")]
            label = _("Step %(n)s") % {"n": int(index) + 1} if index.isdigit() else key
        elif key in ("name_en", "name_ru"):
            label = _("Name")
        elif key == "steps":
            label = _("Steps")
        lines += [f"{label}: {m}" for m in messages_]
    return lines


@login_required
@domain_errors_to_http
def protocol_list(request: HttpRequest) -> HttpResponse:
    require_clinician(request)
    user = user_of(request)
    editor_orgs = protocols_selectors.protocol_editor_organization_ids(user)
    templates = list(
        protocols_selectors.protocol_list_for(actor=user, include_inactive=bool(editor_orgs))
    )
    rows = [
        {
            "template": t,
            "name": t.name(lang()),
            "is_global": t.organization_id is None,
            "editable": t.organization_id in editor_orgs,
        }
        for t in templates
    ]
    return render(
        request,
        "clinic/documents_protocol_list.html",
        {"rows": rows, "editor": bool(editor_orgs)},
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_to_http
def protocol_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Create (no code) or edit a clinic's template; POST `action` = save / deactivate /
    activate / copy. Global templates open read-only with a Copy button."""
    require_clinician(request)
    user = user_of(request)
    template = protocols_selectors.protocol_get_for(actor=user, code=code) if code else None
    editor_orgs = protocols_selectors.protocol_editor_organization_ids(user)
    editable = template is None or template.organization_id in editor_orgs
    if template is None and not editor_orgs:
        raise PermissionDenied
    errors: list[str] = []
    form_steps: list[dict[str, Any]] | None = None
    if request.method == "POST":
        form = forms.ProtocolForm(request.POST)
        if not form.is_valid():
            errors = error_lines(form.errors)
        else:
            action = form.cleaned_data["action"] or "save"
            form_steps = form.steps()
            try:
                if template is not None and action in ("copy", "deactivate", "activate"):
                    return _protocol_action(request, user, template, action)
                template = _protocol_save(request, user, template, form, form_steps)
            except protocol_services.ProtocolInvalid as exc:
                errors = _step_errors(exc.errors or {})
            else:
                messages.success(request, _("The protocol was saved."))
                return redirect("clinic-web:protocol-edit", code=template.code)
    steps = form_steps if form_steps is not None else (template.steps if template else [])
    rows = [{"day": s.get("day", ""), "instruments": s.get("instruments", [])} for s in steps] + [
        {"day": "", "instruments": []} for _n in range(PROTOCOL_FORM_ROWS)
    ]
    return render(
        request,
        "clinic/documents_protocol_form.html",
        {
            "template": template,
            "editable": editable,
            "is_global": template is not None and template.organization_id is None,
            "can_copy": bool(editor_orgs),
            "form": request.POST if request.method == "POST" else None,
            "errors": errors,
            "rows": rows,
            "instruments": protocol_services.schedulable_instruments(),
            "schedules_in_use": protocols_selectors.protocol_schedules_in_use(template)
            if template
            else 0,
        },
        status=400 if errors else 200,
    )


def _protocol_action(
    request: HttpRequest, user: User, template: ProtocolTemplate, action: str
) -> HttpResponse:
    if action == "copy":
        copy = protocol_services.protocol_copy(actor=user, template=template, request=request)
        messages.success(request, _("A copy was made; you can edit it now."))
        return redirect("clinic-web:protocol-edit", code=copy.code)
    protocol_services.protocol_set_active(
        actor=user, template=template, active=action == "activate", request=request
    )
    messages.success(request, _("The protocol was saved."))
    return redirect("clinic-web:protocol-list")


def _protocol_save(
    request: HttpRequest,
    user: User,
    template: ProtocolTemplate | None,
    form: forms.ProtocolForm,
    steps: list[dict[str, Any]],
) -> ProtocolTemplate:
    fields: dict[str, Any] = {
        "name_en": form.cleaned_data["name_en"],
        "name_ru": form.cleaned_data["name_ru"],
        "steps": steps,
    }
    if template is None:
        return protocol_services.protocol_create(actor=user, request=request, **fields)
    return protocol_services.protocol_update(
        actor=user, template=template, request=request, **fields
    )
