"""A physician's decision belongs to one suggestion (rule id + option), never to every option
of the rule: T-6 makes three suggestions (support, referral, avoid benzodiazepines)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from lifeline.clinic import engine
from lifeline.clinic.models.assessments import SuggestionDecision
from lifeline.clinic.selectors.assessments import evaluation_suggestions
from lifeline.clinic.tests.factories import EvaluationFactory, SuggestionDecisionFactory, care_team

pytestmark = pytest.mark.django_db

T6_OPTIONS = ["psychological-support", "mental-health-referral", "benzodiazepines"]


def _hads_evaluation(**fields: Any):
    """A stored evaluation with the real engine's output for HADS-A 12 / HADS-D 10."""
    result = engine.evaluate(
        {"hads": {f"hads-{i}": "b" for i in range(1, 15)}, "vas": {"vas": 64}},
        {"self_report_reliable": True},
    )
    patient, doctor = care_team()
    evaluation = EvaluationFactory(
        patient=patient,
        evaluated_by=doctor,
        suggestions=result["suggestions"],
        labels=result["labels"],
        red_flags=result["red_flags"],
        **fields,
    )
    return evaluation, doctor


def test_the_engine_makes_three_t6_suggestions():
    evaluation, _doctor = _hads_evaluation()

    assert [s["option"] for s in evaluation.suggestions if s["rule_id"] == "T-6"] == T6_OPTIONS
    assert [f["rule_id"] for f in evaluation.red_flags] == ["RF-6"]


def test_rejecting_benzodiazepines_on_the_page_leaves_the_referral_undecided(client):
    evaluation, doctor = _hads_evaluation()
    url = reverse("clinic-web:evaluation-review", kwargs={"evaluation_id": evaluation.pk})
    client.force_login(doctor)

    response = client.post(
        url,
        {
            "rule_id": "T-6",
            "option": "benzodiazepines",
            "action": "rejected",
            "reason": "Already on clonazepam for epilepsy",
        },
    )

    assert response.status_code == 302
    assert list(SuggestionDecision.objects.values_list("rule_id", "option", "action")) == [
        ("T-6", "benzodiazepines", "rejected")
    ]
    page = client.get(url)
    decided = {
        (s["rule_id"], s["option"]): s["decision"].action if s["decision"] else None
        for s in page.context["suggestions"]
    }
    assert decided == {
        ("T-0", "self-management-plan"): None,
        ("T-6", "psychological-support"): None,
        ("T-6", "mental-health-referral"): None,
        ("T-6", "benzodiazepines"): "rejected",
    }
    html = page.content.decode()
    assert html.count('class="clinic-decision"') == 1
    assert html.count('id="s-T-6-') == 3  # one anchor per suggestion, none repeated
    assert response.url.endswith("#s-T-6-benzodiazepines")


def test_page_error_is_shown_on_the_suggestion_it_belongs_to(client):
    evaluation, doctor = _hads_evaluation()
    url = reverse("clinic-web:evaluation-review", kwargs={"evaluation_id": evaluation.pk})
    client.force_login(doctor)

    response = client.post(
        url, {"rule_id": "T-6", "option": "mental-health-referral", "action": "rejected"}
    )

    assert response.status_code == 400
    errors = {(s["rule_id"], s["option"]): s["errors"] for s in response.context["suggestions"]}
    assert errors[("T-6", "mental-health-referral")] == ["Give a reason."]
    assert errors[("T-6", "psychological-support")] == []
    assert errors[("T-6", "benzodiazepines")] == []
    assert SuggestionDecision.objects.count() == 0


def test_api_decision_shows_only_on_its_option(client_for):
    evaluation, doctor = _hads_evaluation()
    client = client_for(doctor)
    decisions_url = reverse("clinic:evaluation-decisions", kwargs={"evaluation_id": evaluation.pk})

    created = client.post(
        decisions_url,
        {"rule_id": "T-6", "option": "mental-health-referral", "action": "accepted"},
        format="json",
    )

    assert created.status_code == 201
    assert (created.json()["rule_id"], created.json()["option"]) == (
        "T-6",
        "mental-health-referral",
    )
    detail = client.get(
        reverse("clinic:evaluation-detail", kwargs={"evaluation_id": evaluation.pk})
    )
    assert detail.status_code == 200
    status = [
        (s["rule_id"], s["option"], s["decision"]["action"] if s["decision"] else None)
        for s in detail.json()["suggestion_status"]
    ]
    assert status == [
        ("T-0", "self-management-plan", None),
        ("T-6", "psychological-support", None),
        ("T-6", "mental-health-referral", "accepted"),
        ("T-6", "benzodiazepines", None),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rule_id": "T-6", "action": "accepted"}, "option"),  # three T-6 options: which one?
        ({"rule_id": "T-6", "option": "pregabalin", "action": "accepted"}, "option"),
        ({"rule_id": "T-9", "action": "accepted"}, "rule_id"),
    ],
)
def test_api_decision_must_name_one_suggestion(client_for, body, field):
    evaluation, doctor = _hads_evaluation()

    response = client_for(doctor).post(
        reverse("clinic:evaluation-decisions", kwargs={"evaluation_id": evaluation.pk}),
        body,
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert SuggestionDecision.objects.count() == 0


def test_api_decision_without_option_on_a_single_suggestion_rule_names_it(client_for):
    evaluation, doctor = _hads_evaluation()

    response = client_for(doctor).post(
        reverse("clinic:evaluation-decisions", kwargs={"evaluation_id": evaluation.pk}),
        {"rule_id": "T-0", "action": "accepted"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["option"] == "self-management-plan"


def test_safety_block_is_checked_on_the_chosen_option(client_for):
    patient, doctor = care_team()
    evaluation = EvaluationFactory(
        patient=patient,
        suggestions=[
            {"rule_id": "T-1b", "option": "gabapentin", "safety": []},
            {
                "rule_id": "T-1b",
                "option": "pregabalin",
                "safety": [{"rule_id": "X-GABA-1", "level": "BLOCK"}],
            },
        ],
    )
    url = reverse("clinic:evaluation-decisions", kwargs={"evaluation_id": evaluation.pk})
    client = client_for(doctor)

    blocked = client.post(
        url, {"rule_id": "T-1b", "option": "pregabalin", "action": "accepted"}, format="json"
    )
    allowed = client.post(
        url, {"rule_id": "T-1b", "option": "gabapentin", "action": "accepted"}, format="json"
    )

    assert blocked.status_code == 400
    assert list(blocked.json()["errors"]) == ["reason"]
    assert allowed.status_code == 201
    assert list(SuggestionDecision.objects.values_list("option", flat=True)) == ["gabapentin"]


def test_latest_decision_per_suggestion_is_current():
    evaluation, doctor = _hads_evaluation()
    SuggestionDecisionFactory(
        evaluation=evaluation, actor=doctor, rule_id="T-6", option="psychological-support"
    )
    SuggestionDecisionFactory(
        evaluation=evaluation,
        actor=doctor,
        rule_id="T-6",
        option="benzodiazepines",
        action="rejected",
        reason="Needed for seizures",
    )
    SuggestionDecisionFactory(
        evaluation=evaluation,
        actor=doctor,
        rule_id="T-6",
        option="psychological-support",
        action="modified",
        reason="Group sessions",
        modification="Group CBT",
    )

    rows = evaluation_suggestions(evaluation)

    assert [(s["option"], s["decision"] and s["decision"].action) for s in rows] == [
        ("self-management-plan", None),
        ("psychological-support", "modified"),
        ("mental-health-referral", None),
        ("benzodiazepines", "rejected"),
    ]
    assert [d.action for d in rows[1]["history"]] == ["accepted", "modified"]


def test_migration_names_the_option_of_old_decisions_when_the_rule_has_one_suggestion():
    evaluation, doctor = _hads_evaluation()
    single = SuggestionDecisionFactory(
        evaluation=evaluation, actor=doctor, rule_id="T-0", option=""
    )
    ambiguous = SuggestionDecisionFactory(
        evaluation=evaluation, actor=doctor, rule_id="T-6", option=""
    )
    named = SuggestionDecisionFactory(
        evaluation=evaluation, actor=doctor, rule_id="T-6", option="benzodiazepines"
    )
    migration = importlib.import_module("lifeline.clinic.migrations.0007_decision_options")

    migration.name_decision_options(apps, None)

    assert list(
        SuggestionDecision.objects.filter(pk__in=[single.pk, ambiguous.pk, named.pk])
        .order_by("pk")
        .values_list("option", flat=True)
    ) == ["self-management-plan", "", "benzodiazepines"]
