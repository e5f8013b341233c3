"""The doctor's review of an evaluation: screening labels (confirm / reject), red flags,
suggestions with their safety notes (accept / modify / reject), follow-up, and the decision
log. The page is audited; only the care team decides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods

from lifeline.accounts.models import User
from lifeline.audit import services as audit
from lifeline.clinic import permissions
from lifeline.clinic.engine.rules import get_ruleset
from lifeline.clinic.enums import DecisionAction, LabelAction
from lifeline.clinic.models import Evaluation
from lifeline.clinic.selectors import assessments as assessments_selectors
from lifeline.clinic.services import assessments as assessment_services
from lifeline.clinic.services import labels as label_services
from lifeline.clinic.source_grades import source_grade_label
from lifeline.clinic.web import forms
from lifeline.clinic.web.common import error_lines, label, user_of
from lifeline.core.exceptions import DomainError, NotFound

LABEL_STATUS_TEXT: dict[str, Any] = {
    "screening": gettext_lazy("screening result"),
    "clinician_confirmed": gettext_lazy("confirmed by the clinician"),
    "clinician_rejected": gettext_lazy("rejected by the clinician"),
}


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_review(request: HttpRequest, evaluation_id: Any) -> HttpResponse:
    user = user_of(request)
    try:
        evaluation = assessments_selectors.evaluation_get_for(
            actor=user, evaluation_id=evaluation_id
        )
    except NotFound as exc:
        raise Http404 from exc
    if request.method != "POST":
        return _evaluation_page(request, user, evaluation)
    if not permissions.can_act_clinically(user, evaluation.patient):
        raise PermissionDenied
    if "label_code" in request.POST:
        return _label_decision_post(request, user, evaluation)
    return _decision_post(request, user, evaluation)


def _anchor(key: tuple[str, str]) -> str:
    """The page anchor of one suggestion (rule id + option: T-6 has three)."""
    rule_id, option = key
    return f"{rule_id}-{option}" if option else rule_id


def _review_url(evaluation: Evaluation, fragment: str) -> str:
    return (
        reverse("clinic-web:evaluation-review", kwargs={"evaluation_id": evaluation.pk}) + fragment
    )


def _decision_post(request: HttpRequest, user: User, evaluation: Evaluation) -> HttpResponse:
    key = (request.POST.get("rule_id", ""), request.POST.get("option", ""))
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        return _evaluation_page(
            request, user, evaluation, form_errors={_anchor(key): error_lines(form.errors)}
        )
    data = form.cleaned_data
    try:
        decision = assessment_services.decision_record(
            actor=user,
            evaluation=evaluation,
            rule_id=data["rule_id"],
            action=data["action"],
            reason=data["reason"],
            modification=data["modification"],
            option=data["option"],
            request=request,
        )
    except DomainError as exc:
        return _evaluation_page(
            request, user, evaluation, form_errors={_anchor(key): error_lines(exc.errors)}
        )
    messages.success(request, _("Decision recorded."))
    return redirect(
        _review_url(evaluation, f"#s-{_anchor(assessments_selectors.suggestion_key(decision))}")
    )


def _label_decision_post(request: HttpRequest, user: User, evaluation: Evaluation) -> HttpResponse:
    code = request.POST.get("label_code", "")
    form = forms.LabelDecisionForm(request.POST)
    if not form.is_valid():
        return _evaluation_page(
            request, user, evaluation, label_errors={code: error_lines(form.errors)}
        )
    try:
        label_services.label_decision_record(
            actor=user,
            evaluation=evaluation,
            code=form.cleaned_data["label_code"],
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except DomainError as exc:
        errors = {code: error_lines(exc.errors)}
        return _evaluation_page(request, user, evaluation, label_errors=errors)
    messages.success(request, _("Decision recorded."))
    return redirect(_review_url(evaluation, f"#l-{code}"))


# The engine's safety levels (engine/safety.py) as a clinician reads them.
SAFETY_LEVEL_TEXT = {
    "BLOCK": gettext_lazy("Contraindicated"),
    "WARN": gettext_lazy("Caution"),
    "INFO": pgettext_lazy("safety level", "Note"),
    "SAFETY_UNCHECKED": gettext_lazy("Not checked: data missing"),
}


def _safety_view(entries: list[Any]) -> list[dict[str, Any]]:
    """Safety findings with their level in words; the same finding once (the evaluation's
    list repeats a general check, X-GEN-2, for every option it applies to)."""
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for entry in entries or []:
        if not isinstance(entry, dict):
            continue
        level = str(entry.get("level", ""))
        row = {
            "rule_id": entry.get("rule_id") or entry.get("x_rule_id", ""),
            "level": level,
            "level_text": str(SAFETY_LEVEL_TEXT.get(level, level)),
            "message": label(entry.get("message") or entry.get("title")),
        }
        rows.setdefault((row["rule_id"], level, row["message"]), row)
    return list(rows.values())


def _citations_view(evaluation: Evaluation, keys: list[Any]) -> list[dict[str, str]]:
    """A suggestion's sources as references ("NICE NG193: Chronic pain …"), not their keys."""
    try:
        known = get_ruleset(evaluation.ruleset_version).CITATIONS
    except LookupError:  # a version this build does not carry: keys are stable across sets
        known = get_ruleset().CITATIONS
    return [{"key": str(key), "text": str(known.get(key, key))} for key in keys]


def _labels_view(evaluation: Evaluation, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    return [
        {
            "code": item.get("code", ""),
            "title": label(item.get("title")) or item.get("code", ""),
            "status": item["status"],
            "status_text": LABEL_STATUS_TEXT.get(item["status"], item["status"]),
            "rule_id": item.get("rule_id", ""),
            "provisional": item.get("provisional", False),
            "reason": item.get("reason") or "",
            "history": [
                {
                    **d,
                    "created_at": parse_datetime(d["created_at"]),
                    "action": LabelAction(d["action"]).label,
                }
                for d in item["history"]
            ],
            "errors": errors.get(str(item.get("code", "")), []),
        }
        for item in assessments_selectors.evaluation_labels(evaluation)
    ]


def _suggestions_view(
    evaluation: Evaluation, form_errors: dict[str, list[str]]
) -> tuple[list[dict[str, Any]], dict[tuple[str, str], str]]:
    """The suggestion rows, and each suggestion's title by key (for the decision log)."""
    suggestions = []
    titles: dict[tuple[str, str], str] = {}
    for suggestion in assessments_selectors.evaluation_suggestions(evaluation):
        titles[suggestion["key"]] = label(suggestion.get("title")) or suggestion.get("option", "")
        suggestions.append(
            {
                "rule_id": str(suggestion.get("rule_id", "")),
                "anchor": _anchor(suggestion["key"]),
                "title": titles[suggestion["key"]],
                "text": label(suggestion.get("text")),
                "line": suggestion.get("line", ""),
                "evidence_tag": suggestion.get("evidence_tag", ""),
                "source_grade": source_grade_label(suggestion.get("source_grade", "")),
                "citations": _citations_view(evaluation, suggestion.get("citation_ids", [])),
                "safety": _safety_view(suggestion.get("safety", [])),
                "displayed": suggestion.get("displayed", True),
                "reason_if_collapsed": label(suggestion.get("reason_if_collapsed")),
                "decision": suggestion["decision"],
                "errors": form_errors.get(_anchor(suggestion["key"]), []),
                "option": suggestion.get("option", ""),
            }
        )
    return suggestions, titles


def _evaluation_page(
    request: HttpRequest,
    user: User,
    evaluation: Evaluation,
    *,
    form_errors: dict[str, list[str]] | None = None,
    label_errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    audit.record_access(actor=user, target=evaluation, request=request)
    suggestions, titles = _suggestions_view(evaluation, form_errors or {})
    red_flags = [
        {
            "rule_id": flag.get("rule_id", ""),
            "severity": flag.get("severity", ""),
            "message": label(flag.get("message") or flag.get("title")),
        }
        for flag in evaluation.red_flags
        if isinstance(flag, dict)
    ]
    follow_up = [
        {"rule_id": task.get("rule_id", ""), "message": label(task.get("message"))}
        for task in evaluation.follow_up
        if isinstance(task, dict)
    ]
    return render(
        request,
        "clinic/care_evaluation.html",
        {
            "evaluation": evaluation,
            "patient": evaluation.patient,
            "labels": _labels_view(evaluation, label_errors or {}),
            "red_flags": red_flags,
            "emergency": any(f["severity"] == "emergency" for f in red_flags),
            "suggestions": suggestions,
            "safety": _safety_view(evaluation.safety),
            "follow_up": follow_up,
            # The log names the suggestion each decision is on (rule id + option).
            "history": [
                {
                    "decision": d,
                    "title": titles.get(assessments_selectors.suggestion_key(d), d.option),
                }
                for d in assessments_selectors.decision_list_for(actor=user, evaluation=evaluation)
            ],
            "can_act": permissions.can_act_clinically(user, evaluation.patient),
            "actions": DecisionAction.choices,
            "label_actions": LabelAction.choices,
        },
        status=400 if form_errors or label_errors else 200,
    )
