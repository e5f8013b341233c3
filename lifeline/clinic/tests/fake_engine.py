"""A small fake of the engine functions the clinic services call, for tests that check the
services and not the clinical rules (`fake_engine()`, used by the clinic conftest)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

FAKE_ITEMS: dict[str, dict[str, Any]] = {
    "vas": {"items": ["vas"], "kind": ("number", 0, 100)},
    "nrs": {"items": ["nrs"], "kind": ("number", 0, 10)},
    "dn4": {"items": [f"dn4-{i}" for i in range(1, 11)], "kind": ("bool",)},
    "csi": {"items": [f"csi-{i}" for i in range(1, 26)], "kind": ("number", 0, 4)},
    "hads": {"items": [f"hads-{i}" for i in range(1, 15)], "kind": ("choice", "abcd")},
    "painad": {"items": [f"painad-{i}" for i in range(1, 6)], "kind": ("number", 0, 2)},
    "ncsr": {"items": [f"ncsr-{i}" for i in range(1, 4)], "kind": ("number", 0, 3)},
}


FAKE_CLINICIAN_ITEMS = {"dn4-8", "dn4-9", "dn4-10"}


def fake_validate_responses(
    instrument: str, answers: dict[str, Any], *, mode: str = "patient", partial: bool = False
) -> dict[str, list[str]]:
    spec = FAKE_ITEMS[instrument]
    errors: dict[str, list[str]] = {}
    for item, value in answers.items():
        if item not in spec["items"]:
            errors[item] = ["Unknown item."]
            continue
        if mode == "patient" and item in FAKE_CLINICIAN_ITEMS:
            errors[item] = ["Clinician-only item."]
            continue
        kind = spec["kind"]
        if kind[0] == "bool" and not isinstance(value, bool):
            errors[item] = ["Must be yes or no."]
        elif kind[0] == "number" and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not kind[1] <= value <= kind[2]
        ):
            errors[item] = ["Out of range."]
        elif kind[0] == "choice" and value not in kind[1]:
            errors[item] = ["Unknown option."]
    if not partial:
        for item in spec["items"]:
            if mode == "patient" and item in FAKE_CLINICIAN_ITEMS:
                continue
            if item not in answers:
                errors.setdefault(item, ["Required."])
    return errors


def fake_score(instrument: str, answers: dict[str, Any]) -> dict[str, Any]:
    total = 0.0
    for value in answers.values():
        if isinstance(value, bool):
            total += int(value)
        elif isinstance(value, str):
            total += "abcd".index(value)
        else:
            total += float(value)
    return {"instrument": instrument, "total": total, "band": "fake", "version": "1"}


def fake_evaluate(
    responses: dict[str, Any], clinical: dict[str, Any], *, previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    scores = {name: fake_score(name, answers) for name, answers in responses.items()}
    red_flags = []
    if clinical.get("suicidal_ideation"):
        red_flags.append({"rule_id": "RF-5", "severity": "emergency"})
    return {
        "scores": scores,
        "labels": [{"code": "SCREENING", "status": "screening", "rule_id": "M-6"}],
        "suggestions": [
            {"rule_id": "T-0", "option": "education", "evidence_tag": "E3"},
            {
                "rule_id": "T-1b",
                "option": "pregabalin",
                "safety": [{"rule_id": "X-GABA-1", "level": "BLOCK"}],
            },
        ],
        "safety": [{"rule_id": "X-GABA-1", "level": "SAFETY_UNCHECKED"}],
        "red_flags": red_flags,
        "follow_up": [{"rule_id": "F-1", "due_in_days": 28}],
        "ruleset_version": "test-1",
        "previous_seen": bool(previous),
    }


@contextmanager
def fake_engine() -> Iterator[None]:
    """Patch the engine functions the care part calls (use when the real engine is absent)."""
    from lifeline.clinic import engine

    saved = {name: getattr(engine, name) for name in ("validate_responses", "score", "evaluate")}
    engine.validate_responses = fake_validate_responses  # type: ignore[assignment]
    engine.score = fake_score  # type: ignore[assignment]
    engine.evaluate = fake_evaluate  # type: ignore[assignment]
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(engine, name, value)
