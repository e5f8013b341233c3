"""Clinic web pages: documents part (conclusion builder and history, catalogue with private
notes, articles, patient dynamics and comparison, doctor dashboard, cohort analytics).

Same selectors and services as the API: out of scope → 404, refused → 403, invalid → the
form again with its errors (status 400).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lifeline.accounts.models import User
from lifeline.audit import services as audit
from lifeline.clinic.api.analytics import dynamics_chart_svg
from lifeline.clinic.api.conclusions import conclusion_pdf_response
from lifeline.clinic.enums import ArticleStatus, CatalogueKind, ConclusionStatus
from lifeline.clinic.exceptions import (
    ArticleInvalid,
    ConclusionInvalid,
    ConclusionNotDraft,
    ConclusionNotIssued,
)
from lifeline.clinic.models.assessments import Evaluation
from lifeline.clinic.permissions import can_manage_articles, is_clinician
from lifeline.clinic.selectors.analytics import (
    assessment_comparison,
    cohort_summary,
    doctor_dashboard,
    dynamics_default_instrument,
    patient_dynamics,
)
from lifeline.clinic.selectors.assessments import (
    evaluation_confirmed_labels,
    evaluation_get_for_action,
    evaluation_latest_for,
    evaluation_suggestions,
)
from lifeline.clinic.selectors.catalogue import (
    article_get_for,
    article_list_for,
    catalogue_item_get_for,
    catalogue_item_list_for,
)
from lifeline.clinic.selectors.conclusions import conclusion_get_for, conclusion_list_for
from lifeline.clinic.selectors.patients import (
    patient_get_for_action,
    patient_get_for_documents,
    patients_actionable_by,
)
from lifeline.clinic.selectors.protocols import (
    follow_up_task_list_for,
    protocol_editor_organization_ids,
    protocol_get_for,
    protocol_list_for,
    protocol_schedules_in_use,
)
from lifeline.clinic.services import protocols as protocol_services
from lifeline.clinic.services.catalogue import (
    article_create,
    article_delete,
    article_set_published,
    article_update,
    catalogue_note_set,
)
from lifeline.clinic.services.conclusions import (
    ConclusionItemInput,
    bilingual,
    conclusion_amend,
    conclusion_create,
    conclusion_document,
    conclusion_issue,
    conclusion_update,
    display_label,
)
from lifeline.core.exceptions import DomainError, NotFound

INSTRUMENTS = ("nrs", "vas", "dn4", "csi", "hads", "painad", "ncsr")


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _lang() -> str:
    code = (get_language() or "ru")[:2]
    return code if code in ("ru", "en") else "ru"


def _domain_errors_to_http(
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


def _require_clinician(request: HttpRequest) -> None:
    if not is_clinician(_user(request)):
        raise PermissionDenied


# --- conclusions -------------------------------------------------------------------------
@login_required
@_domain_errors_to_http
def conclusion_list(request: HttpRequest, patient_id: Any) -> HttpResponse:
    user = _user(request)
    patient = patient_get_for_documents(actor=user, patient_id=patient_id)
    audit.record_access(
        actor=user, target=patient, request=request, action="clinic.conclusions_viewed"
    )
    page = Paginator(conclusion_list_for(actor=user, patient=patient), 10).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "clinic/documents_conclusion_list.html",
        {
            "patient": patient,
            "page": page,
            "can_write": patients_actionable_by(user).filter(pk=patient.pk).exists(),
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
    catalogue = list(catalogue_item_list_for(actor=actor))
    rows: list[dict[str, Any]] = []
    for suggestion in evaluation_suggestions(evaluation):
        rule_id, option = suggestion["key"]
        title = bilingual(suggestion.get("title"), language) or (option or rule_id)
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


def _picked_items(request: HttpRequest) -> list[ConclusionItemInput]:
    items = []
    for key in request.POST.getlist("pick"):
        rule_id, _sep, rest = key.partition("|")
        _option, _sep, code = rest.partition("|")
        items.append(
            ConclusionItemInput(
                catalogue_code=code,
                rule_id=rule_id,
                title=request.POST.get(f"title-{key}", "") if not code else "",
                scheme=request.POST.get(f"scheme-{key}", ""),
            )
        )
    extra_title = request.POST.get("extra_title", "").strip()
    if extra_title:
        items.append(
            ConclusionItemInput(title=extra_title, scheme=request.POST.get("extra_scheme", ""))
        )
    return items


@login_required
@require_http_methods(["GET", "POST"])
@_domain_errors_to_http
def conclusion_new(request: HttpRequest, patient_id: Any) -> HttpResponse:
    """The builder: pick options from the latest (or a given) evaluation, edit each scheme,
    add free text → a draft, then review and issue."""
    user = _user(request)
    patient = patient_get_for_action(actor=user, patient_id=patient_id)
    evaluation_id = request.POST.get("evaluation_id") or request.GET.get("evaluation")
    evaluation = (
        evaluation_get_for_action(actor=user, evaluation_id=evaluation_id)
        if evaluation_id
        else evaluation_latest_for(patient=patient)
    )
    language = _lang()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            conclusion = conclusion_create(
                actor=user,
                patient=patient,
                evaluation=evaluation,
                items=_picked_items(request),
                free_text=request.POST.get("free_text", ""),
                language=language,
                request=request,
            )
        except ConclusionInvalid as exc:
            errors = exc.errors or {}
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
            "errors": [m for ms in errors.values() for m in ms],
            # Only the labels the clinician confirmed, as the conclusion keeps them.
            "labels": [
                display_label(label, language)
                for label in (evaluation_confirmed_labels(evaluation) if evaluation else [])
            ],
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@_domain_errors_to_http
def conclusion_detail(request: HttpRequest, conclusion_id: Any) -> HttpResponse:
    user = _user(request)
    conclusion = conclusion_get_for(actor=user, conclusion_id=conclusion_id)
    can_write = patients_actionable_by(user).filter(pk=conclusion.patient_id).exists()
    errors: list[str] = []
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        action = request.POST.get("action", "save")
        try:
            if action == "issue":
                conclusion_issue(actor=user, conclusion=conclusion, request=request)
                messages.success(request, _("The conclusion was issued."))
            elif action == "amend":
                conclusion_amend(actor=user, conclusion=conclusion, request=request)
                messages.success(request, _("A new draft version was opened."))
            else:
                items = [
                    ConclusionItemInput(
                        catalogue_code=request.POST.get(f"code-{index}", ""),
                        rule_id=request.POST.get(f"rule-{index}", ""),
                        title=request.POST.get(f"title-{index}", ""),
                        scheme=request.POST.get(f"scheme-{index}", ""),
                    )
                    for index in range(int(request.POST.get("item_count", "0") or 0))
                    if request.POST.get(f"keep-{index}")
                ]
                conclusion_update(
                    actor=user,
                    conclusion=conclusion,
                    items=items,
                    free_text=request.POST.get("free_text", ""),
                    request=request,
                )
                messages.success(request, _("Draft saved."))
        except (
            ConclusionInvalid,
            ConclusionNotDraft,
            ConclusionNotIssued,
        ) as exc:
            errors = [m for ms in (exc.errors or {}).values() for m in ms] or [str(exc.detail)]
        else:
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
            "items": list(conclusion.items.all()),
            "versions": list(conclusion.versions.all()),
            "document": conclusion_document(
                conclusion, issued_on=timezone.localdate(conclusion.issued_at or timezone.now())
            ),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@_domain_errors_to_http
def conclusion_pdf(request: HttpRequest, conclusion_id: Any, number: int) -> HttpResponseBase:
    return conclusion_pdf_response(
        actor=_user(request), conclusion_id=conclusion_id, number=number, request=request
    )


# --- catalogue ---------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
@_domain_errors_to_http
def catalogue(request: HttpRequest) -> HttpResponse:
    _require_clinician(request)
    user = _user(request)
    if request.method == "POST":
        item = catalogue_item_get_for(actor=user, code=request.POST.get("code", ""))
        catalogue_note_set(doctor=user, item=item, text=request.POST.get("text", ""))
        messages.success(request, _("Your note was saved."))
        return redirect(reverse("clinic-web:catalogue") + f"#item-{item.code}")
    kind = request.GET.get("kind", "")
    kind = kind if kind in CatalogueKind.values else ""
    query = request.GET.get("q", "")[:100]
    return render(
        request,
        "clinic/documents_catalogue.html",
        {
            "items": catalogue_item_list_for(actor=user, kind=kind, query=query),
            "kind": kind,
            "q": query,
            "kinds": CatalogueKind.choices,
            "language": _lang(),
        },
    )


# --- articles ----------------------------------------------------------------------------
@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    editor = can_manage_articles(user)
    page = Paginator(article_list_for(actor=user, include_drafts=editor), 10).get_page(
        request.GET.get("page")
    )
    return render(request, "clinic/documents_article_list.html", {"page": page, "editor": editor})


@login_required
@_domain_errors_to_http
def article_detail(request: HttpRequest, article_id: Any) -> HttpResponse:
    article = article_get_for(actor=_user(request), article_id=article_id)
    return render(
        request,
        "clinic/documents_article.html",
        {"article": article, "editor": can_manage_articles(_user(request))},
    )


@login_required
@require_http_methods(["GET", "POST"])
@_domain_errors_to_http
def article_edit(request: HttpRequest, article_id: Any | None = None) -> HttpResponse:
    user = _user(request)
    if not can_manage_articles(user):
        raise PermissionDenied
    article = article_get_for(actor=user, article_id=article_id) if article_id else None
    errors: list[str] = []
    if request.method == "POST":
        fields = {name: request.POST.get(name, "") for name in ("title", "summary", "body")}
        fields["language"] = request.POST.get("language", "ru")
        if fields["language"] not in ("ru", "en"):
            fields["language"] = "ru"
        try:
            if request.POST.get("action") == "delete" and article is not None:
                article_delete(actor=user, article=article)
                messages.success(request, _("The article was deleted."))
                return redirect("clinic-web:article-list")
            if article is None:
                article = article_create(actor=user, **fields)
            else:
                article = article_update(actor=user, article=article, **fields)
            publish = request.POST.get("publish")
            if publish in ("1", "0"):
                article_set_published(actor=user, article=article, published=publish == "1")
        except ArticleInvalid as exc:
            errors = [m for ms in (exc.errors or {}).values() for m in ms]
        else:
            messages.success(request, _("The article was saved."))
            return redirect("clinic-web:article-detail", article_id=article.pk)
    return render(
        request,
        "clinic/documents_article_form.html",
        {
            "article": article,
            "form": request.POST if request.method == "POST" else None,
            "errors": errors,
            "published": article is not None and article.status == ArticleStatus.PUBLISHED,
        },
        status=400 if errors else 200,
    )


# --- analytics ---------------------------------------------------------------------------
@login_required
@_domain_errors_to_http
def dynamics(request: HttpRequest, patient_id: Any) -> HttpResponse:
    user = _user(request)
    patient = patient_get_for_documents(actor=user, patient_id=patient_id)
    instrument = request.GET.get("instrument", "")
    if instrument not in INSTRUMENTS:
        instrument = dynamics_default_instrument(patient=patient, instruments=INSTRUMENTS)
    data = patient_dynamics(patient=patient, instrument=instrument)
    comparison = None
    first, second = request.GET.get("first"), request.GET.get("second")
    if first and second:
        comparison = assessment_comparison(patient=patient, first_id=first, second_id=second)
    audit.record_access(
        actor=user, target=patient, request=request, action="clinic.patient_dynamics_viewed"
    )
    return render(
        request,
        "clinic/documents_dynamics.html",
        {
            "patient": patient,
            "instrument": instrument,
            "instruments": INSTRUMENTS,
            "dynamics": data,
            # The SVG is generated by matplotlib from numbers and our own labels; the only
            # user text in it (treatment titles) is escaped by matplotlib's SVG writer.
            "chart": mark_safe(_strip_xml_header(dynamics_chart_svg(data))),  # noqa: S308
            "comparison": comparison,
            "points": list(reversed(data.points)),
        },
    )


def _strip_xml_header(svg: str) -> str:
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


@login_required
@_domain_errors_to_http
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_clinician(request)
    user = _user(request)
    return render(
        request,
        "clinic/documents_dashboard.html",
        {
            "data": doctor_dashboard(actor=user),
            "tasks": list(follow_up_task_list_for(actor=user)[:50]),
        },
    )


@require_POST
@login_required
@_domain_errors_to_http
def follow_up_task_done(request: HttpRequest, task_id: int) -> HttpResponse:
    user = _user(request)
    _require_clinician(request)
    task = follow_up_task_list_for(actor=user).filter(pk=task_id).first()
    if task is None:
        raise Http404
    protocol_services.follow_up_task_done(actor=user, task=task)
    return redirect("clinic-web:dashboard")


@login_required
@_domain_errors_to_http
def cohort(request: HttpRequest) -> HttpResponse:
    _require_clinician(request)
    return render(
        request,
        "clinic/documents_cohort.html",
        {"summary": cohort_summary(actor=_user(request))},
    )


@login_required
@_domain_errors_to_http
def cohort_export(request: HttpRequest) -> HttpResponse:
    from lifeline.clinic import exports

    _require_clinician(request)
    user = _user(request)
    summary = cohort_summary(actor=user)
    audit.record(
        actor=user,
        action="clinic.cohort_exported",
        request=request,
        metadata={"patients": summary["patient_count"]},
    )
    response = HttpResponse(
        exports.cohort_workbook(summary), content_type=exports.XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="cohort.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- protocol templates (F-1) ------------------------------------------------------------
PROTOCOL_FORM_ROWS = 3  # empty step rows offered below the existing ones


def _protocol_steps_from_post(post: Any) -> list[dict[str, Any]]:
    """Rows `day_<i>` + checkboxes `instruments_<i>`; fully empty rows are skipped."""
    steps: list[dict[str, Any]] = []
    rows = min(int(post.get("rows", "0") or 0) if str(post.get("rows", "")).isdigit() else 0, 60)
    for i in range(rows):
        raw_day = post.get(f"day_{i}", "").strip()
        instruments = post.getlist(f"instruments_{i}")
        if not raw_day and not instruments:
            continue
        try:
            day: Any = int(raw_day)
        except ValueError:
            day = raw_day  # the service reports it against the step
        steps.append({"day": day, "instruments": instruments})
    return steps


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
@_domain_errors_to_http
def protocol_list(request: HttpRequest) -> HttpResponse:
    _require_clinician(request)
    user = _user(request)
    editor_orgs = protocol_editor_organization_ids(user)
    templates = list(protocol_list_for(actor=user, include_inactive=bool(editor_orgs)))
    rows = [
        {
            "template": t,
            "name": t.name(_lang()),
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
@_domain_errors_to_http
def protocol_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Create (no code) or edit a clinic's template; POST `action` = save / deactivate /
    activate / copy. Global templates open read-only with a Copy button."""
    from lifeline.clinic.services import protocols as protocol_services

    _require_clinician(request)
    user = _user(request)
    template = protocol_get_for(actor=user, code=code) if code else None
    editor_orgs = protocol_editor_organization_ids(user)
    editable = template is None or template.organization_id in editor_orgs
    if template is None and not editor_orgs:
        raise PermissionDenied
    errors: list[str] = []
    form_steps: list[dict[str, Any]] | None = None
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if template is not None and action == "copy":
                copy = protocol_services.protocol_copy(
                    actor=user, template=template, request=request
                )
                messages.success(request, _("A copy was made; you can edit it now."))
                return redirect("clinic-web:protocol-edit", code=copy.code)
            if template is not None and action in ("deactivate", "activate"):
                protocol_services.protocol_set_active(
                    actor=user, template=template, active=action == "activate", request=request
                )
                messages.success(request, _("The protocol was saved."))
                return redirect("clinic-web:protocol-list")
            form_steps = _protocol_steps_from_post(request.POST)
            fields: dict[str, Any] = {
                "name_en": request.POST.get("name_en", ""),
                "name_ru": request.POST.get("name_ru", ""),
                "steps": form_steps,
            }
            if template is None:
                template = protocol_services.protocol_create(actor=user, request=request, **fields)
            else:
                template = protocol_services.protocol_update(
                    actor=user, template=template, request=request, **fields
                )
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
            "schedules_in_use": protocol_schedules_in_use(template) if template else 0,
        },
        status=400 if errors else 200,
    )
