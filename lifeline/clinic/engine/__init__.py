"""The clinical engine: instruments (FHIR Questionnaires), scoring and the rule set.

Pure functions over plain data; no database access. See docs/modules/clinic-engine.md.

Public API (used by the other clinic parts):

- ``evaluate(responses, clinical, *, previous=None) -> dict`` (spec §C.9 output record)
- ``score(instrument, answers) -> dict`` (spec §A)
- ``validate_responses(instrument, answers, *, mode="patient", partial=False)`` -> per-item errors
- ``get_questionnaire(instrument, lang="ru", version=None) -> dict`` (FHIR R4 Questionnaire)
- ``RULESET_VERSION``
"""

from __future__ import annotations

from lifeline.clinic.engine.evaluate import evaluate, snapshot_inputs
from lifeline.clinic.engine.questionnaires import (
    get_questionnaire,
    items,
    licensed_text_installed,
    list_instruments,
)
from lifeline.clinic.engine.rules import RULESET_VERSION
from lifeline.clinic.engine.scoring import score
from lifeline.clinic.engine.validation import ensure_valid, validate_responses

__all__ = [
    "RULESET_VERSION",
    "ensure_valid",
    "evaluate",
    "get_questionnaire",
    "items",
    "licensed_text_installed",
    "list_instruments",
    "score",
    "snapshot_inputs",
    "validate_responses",
]
