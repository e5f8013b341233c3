"""The evaluation page in words, not codes (issue 14 item 8, found by the browser pass): the
safety level read "SAFETY_UNCHECKED" / "BLOCK", a suggestion's sources read "nice_ng193,
local", and the general X-GEN-2 check was listed once per option it applies to."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from lifeline.clinic import engine
from lifeline.clinic.tests.factories import EvaluationFactory, care_team

pytestmark = pytest.mark.django_db

UNCHECKED = {
    "rule_id": "X-GEN-2",
    "level": "SAFETY_UNCHECKED",
    "message": {
        "en": "Safety cannot be checked: no data on pregnancy or breastfeeding",
        "ru": "Невозможно проверить безопасность: нет данных о беременности",
    },
}
BLOCKED = {
    "rule_id": "X-TCA-1",
    "level": "BLOCK",
    "message": {"en": "Recent myocardial infarction", "ru": "Недавний инфаркт миокарда"},
}


def _page(client: Any, language: str) -> str:
    result = engine.evaluate(
        {"hads": {f"hads-{i}": "b" for i in range(1, 15)}, "vas": {"vas": 64}},
        {"self_report_reliable": True},
    )
    suggestions = result["suggestions"]
    suggestions[0]["safety"] = [UNCHECKED, BLOCKED]
    patient, doctor = care_team()
    evaluation = EvaluationFactory(
        patient=patient,
        evaluated_by=doctor,
        suggestions=suggestions,
        labels=result["labels"],
        red_flags=result["red_flags"],
        safety=[UNCHECKED, UNCHECKED, BLOCKED, UNCHECKED],
        ruleset_version=result["ruleset_version"],
    )
    client.force_login(doctor)
    client.cookies["django_language"] = language
    response = client.get(
        reverse("clinic-web:evaluation-review", kwargs={"evaluation_id": evaluation.pk})
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "unchecked", "blocked", "nice"),
    [
        (
            "ru",
            "Не проверено: нет данных",
            "Противопоказано",
            "NICE NG193: Chronic pain (primary and secondary) in over 16s, 2021.",
        ),
        (
            "en",
            "Not checked: data missing",
            "Contraindicated",
            "NICE NG193: Chronic pain (primary and secondary) in over 16s, 2021.",
        ),
    ],
)
def test_safety_levels_and_sources_are_words(
    client: Any, language: str, unchecked: str, blocked: str, nice: str
) -> None:
    page = _page(client, language)

    assert "SAFETY_UNCHECKED</span>" not in page
    assert ">BLOCK</span>" not in page
    assert f'clinic-level--safety_unchecked">{unchecked}</span>' in page
    assert f'clinic-level--block">{blocked}</span>' in page
    assert f'<li data-citation="nice_ng193" lang="en">{nice}</li>' in page
    assert "nice_ng193, local" not in page
    safety_card = page[page.index('<span class="tag clinic-level') :]
    safety_card = safety_card[: safety_card.index("</ul>")]
    assert safety_card.count("X-GEN-2") == 1
    assert safety_card.count("X-TCA-1") == 1


def _rule_set_source_grades() -> set[str]:
    from lifeline.clinic.engine.rules import get_ruleset

    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "source_grade" and isinstance(item, str):
                    found.add(item)
                else:
                    walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    rule_set = get_ruleset()
    for name in dir(rule_set):
        if not name.startswith("_"):
            walk(getattr(rule_set, name))
    return found


def test_every_evidence_note_of_the_rule_set_is_translated() -> None:
    """A Russian page showed the rule set's English evidence notes ("Canadian 2019: positioning
    Level B/C; …"); a note added to the rule set without a translation fails here."""
    from django.utils import translation

    from lifeline.clinic.source_grades import source_grade_label, source_grades

    notes = _rule_set_source_grades()
    assert len(notes) == 29
    assert notes <= set(source_grades())
    with translation.override("ru"):
        untranslated = {
            n for n in notes if not any("а" <= c.lower() <= "я" for c in source_grade_label(n))
        }
        assert source_grade_label(
            "Canadian 2019: positioning Level B/C; overhead pulleys Level A against"
        ) == (
            "Канадские рекомендации 2019: позиционирование — уровень B/C; "
            "блоковые тренажёры над головой — уровень A против"
        )
    # Three notes are only names and years, alike in both languages.
    assert untranslated == {
        "NICE NG193 2021",
        "NeuPSIG 2015/2025; NICE CG173",
        "NeuPSIG 2025; AHA/ASA 2016",
    }
    with translation.override("en"):
        assert source_grade_label("Consensus") == "Consensus"
    assert source_grade_label("not a note") == "not a note"


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_page_shows_the_evidence_notes_in_the_readers_language(
    client: Any, language: str
) -> None:
    from django.utils import translation

    from lifeline.clinic.source_grades import source_grade_label

    page = _page(client, language)
    result = engine.evaluate(
        {"hads": {f"hads-{i}": "b" for i in range(1, 15)}, "vas": {"vas": 64}},
        {"self_report_reliable": True},
    )
    grade = result["suggestions"][0]["source_grade"]
    with translation.override(language):
        shown = source_grade_label(grade)
    assert f" · {shown}</p>" in page
    if language == "ru" and shown != grade:
        assert f" · {grade}</p>" not in page
