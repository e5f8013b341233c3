"""One question per screen: the answerable items of an assessment, in order.

Built from the engine's FHIR Questionnaires (the single source of truth): groups give the
instruction repeated on each of their screens (HADS "over the past week"), calculated items
are skipped, clinician-only items appear only in clinician mode, and items with `enableWhen`
appear only when the enabling answer is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lifeline.clinic import engine

EXT = "http://hl7.org/fhir/StructureDefinition/"
ANSWERABLE = ("choice", "boolean", "decimal", "integer")


@dataclass
class Screen:
    instrument: str
    instrument_title: str
    link_id: str
    type: str
    text: str
    prefix: str = ""
    instruction: str = ""
    required: bool = False
    clinician_only: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)
    min_value: float | None = None
    max_value: float | None = None
    anchor_low: str = ""
    anchor_high: str = ""
    control: str = ""

    @property
    def is_vas(self) -> bool:
        return self.control == "slider" or self.link_id == "vas"


def _ext(element: dict[str, Any], suffix: str) -> Any:
    for ext in element.get("extension", []) or []:
        if str(ext.get("url", "")).endswith(suffix):
            for key, value in ext.items():
                if key.startswith("value"):
                    return value
    return None


def _enabled(item: dict[str, Any], answers: dict[str, Any]) -> bool:
    conditions = item.get("enableWhen") or []
    if not conditions:
        return True
    for cond in conditions:
        given = answers.get(cond.get("question"))
        expected = next((v for k, v in cond.items() if k.startswith("answer")), None)
        if isinstance(expected, dict):
            expected = expected.get("code")
        if cond.get("operator", "=") == "=" and given != expected:
            return False
    return True


def screens_for(instrument: str, *, lang: str, mode: str, answers: dict[str, Any]) -> list[Screen]:
    questionnaire = engine.get_questionnaire(instrument, lang=lang)
    metas = engine.items(instrument)
    title = questionnaire.get("title") or questionnaire.get("name") or instrument.upper()
    out: list[Screen] = []

    def walk(items: list[dict[str, Any]], instruction: str) -> None:
        for item in items:
            kind = item.get("type")
            if kind == "group":
                walk(item.get("item", []), item.get("text") or instruction)
                continue
            meta = metas.get(item.get("linkId", ""))
            if kind not in ANSWERABLE or meta is None or meta.read_only:
                continue
            if _ext(item, "sdc-questionnaire-calculatedExpression") is not None:
                continue
            if meta.clinician_only and mode != "clinician":
                continue
            if _enabled(item, answers):
                control = _ext(item, "questionnaire-itemControl") or {}
                codes = control.get("coding", [{}]) if isinstance(control, dict) else [{}]
                out.append(
                    Screen(
                        instrument=instrument,
                        instrument_title=str(title),
                        link_id=item["linkId"],
                        type=kind,
                        text=item.get("text", ""),
                        prefix=item.get("prefix", ""),
                        instruction=instruction,
                        required=bool(meta.required),
                        clinician_only=bool(meta.clinician_only),
                        options=[
                            (
                                str(o["valueCoding"]["code"]),
                                str(o["valueCoding"].get("display", o["valueCoding"]["code"])),
                            )
                            for o in item.get("answerOption", [])
                            if "valueCoding" in o
                        ],
                        min_value=meta.min_value,
                        max_value=meta.max_value,
                        anchor_low=str(_ext(item, "anchor-low") or ""),
                        anchor_high=str(_ext(item, "anchor-high") or ""),
                        control=str(codes[0].get("code", "")) if codes else "",
                    )
                )
            walk(item.get("item", []), instruction)

    walk(questionnaire.get("item", []), "")
    return out


def assessment_screens(assessment: Any, *, lang: str) -> list[Screen]:
    out: list[Screen] = []
    for instrument in assessment.instruments:
        out.extend(
            screens_for(
                instrument,
                lang=lang,
                mode=assessment.mode,
                answers=assessment.answers.get(instrument, {}),
            )
        )
    return out


def parse_answer(screen: Screen, raw: str) -> Any:
    """The stored value of a submitted form field (None when empty or malformed)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if screen.type == "choice":
        return raw
    if screen.type == "boolean":
        return {"true": True, "false": False}.get(raw)
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        return raw  # the engine refuses it with a per-item message
    if screen.type == "integer" or number.is_integer():
        return int(number)
    return number


def licensed_text_installed(instrument: str) -> bool:
    for entry in engine.list_instruments():
        if entry.get("id") == instrument:
            return bool(entry.get("licensed_text_installed", True))
    return True
