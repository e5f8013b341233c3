"""Server-side validation of questionnaire answers against the instrument definitions.

Answer values (one per item id):

- choice items: the option code (`"yes"`/`"no"` for DN4; `"a"`…`"d"` for HADS, in printed
  order; CSI, PAINAD and NCS-R take the integer answer, e.g. `3` or `"3"`). DN4 also accepts
  `true`/`false`.
- integer / decimal items (`nrs`, `vas`, CSI part B years): a number within the bounds.
- boolean items (CSI part B): `true`/`false`.
- `null` means "not answered".
"""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _

from lifeline.clinic.engine.exceptions import InvalidResponses
from lifeline.clinic.engine.questionnaires import ItemMeta, items

MODES = ("patient", "clinician")
NON_ITEM = "non_field_errors"


def normalize_answer(meta: ItemMeta, value: Any) -> tuple[bool, Any]:
    """(ok, canonical value). The canonical value of a choice item is its option code."""
    kind = meta.type
    if kind == "choice":
        if isinstance(value, bool):
            if set(meta.options) == {"yes", "no"}:
                return True, "yes" if value else "no"
            return False, None
        if isinstance(value, int):
            value = str(value)
        if isinstance(value, str) and value in meta.options:
            return True, value
        return False, None
    if kind == "boolean":
        return (True, value) if isinstance(value, bool) else (False, None)
    if kind in ("integer", "decimal"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False, None
        if isinstance(value, float) and not math.isfinite(value):
            return False, None
        if kind == "integer":
            if isinstance(value, float):
                if not value.is_integer():
                    return False, None
                value = int(value)
        else:
            value = float(value)
        return True, value
    if kind in ("string", "date"):
        return (True, value) if isinstance(value, str) else (False, None)
    return False, None  # pragma: no cover - no other answerable types are defined


def _type_message(meta: ItemMeta) -> str:
    if meta.type == "choice":
        return _("Choose one of the options: %(options)s.") % {"options": ", ".join(meta.options)}
    if meta.type == "integer":
        return _("Enter a whole number.")
    if meta.type == "decimal":
        return _("Enter a number.")
    if meta.type == "boolean":
        return _("Answer yes or no.")
    return _("Invalid answer.")


def validate_responses(
    instrument: str,
    answers: dict[str, Any],
    *,
    mode: str = "patient",
    partial: bool = False,
    version: str | None = None,
) -> dict[str, list[str]]:
    """Per-item errors (empty when valid). Raises UnknownInstrument for an unknown instrument.

    `partial=True` skips the required-items check (autosave, or an evaluation with missing
    items that the scoring rules handle). In `patient` mode clinician-only items are refused
    and are not required.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    metas = items(instrument, version)
    errors: dict[str, list[str]] = {}
    if not isinstance(answers, dict):
        return {NON_ITEM: [_("Answers must be an object of item ids and values.")]}

    given: dict[str, Any] = {}
    for link_id, value in answers.items():
        meta = metas.get(link_id) if isinstance(link_id, str) else None
        if meta is None:
            errors[str(link_id)] = [_("This item does not belong to the instrument.")]
            continue
        if meta.read_only:
            errors[link_id] = [_("This item is calculated and cannot be answered.")]
            continue
        if value is None:
            continue
        if meta.clinician_only and mode == "patient":
            errors[link_id] = [_("Only a clinician can answer this item.")]
            continue
        ok, canonical = normalize_answer(meta, value)
        if not ok:
            errors[link_id] = [_type_message(meta)]
            continue
        if meta.type in ("integer", "decimal"):
            if meta.min_value is not None and canonical < meta.min_value:
                errors[link_id] = [
                    _("The value must be at least %(min)s.") % {"min": _num(meta.min_value)}
                ]
                continue
            if meta.max_value is not None and canonical > meta.max_value:
                errors[link_id] = [
                    _("The value must be at most %(max)s.") % {"max": _num(meta.max_value)}
                ]
                continue
        given[link_id] = canonical

    for link_id, meta in metas.items():
        if meta.enabled_by and link_id in given and given.get(meta.enabled_by) is not True:
            errors.setdefault(link_id, []).append(
                _("Answer this only when the previous question is answered yes.")
            )

    if not partial:
        for link_id, meta in metas.items():
            if not meta.required or meta.read_only or link_id in errors:
                continue
            if meta.clinician_only and mode == "patient":
                continue
            if answers.get(link_id) is None:
                errors[link_id] = [_("This item is required.")]
    return errors


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def clean_answers(instrument: str, answers: dict[str, Any]) -> dict[str, Any]:
    """Canonical values of the valid, answered items (invalid or unknown ones are dropped)."""
    metas = items(instrument)
    out: dict[str, Any] = {}
    for link_id, value in (answers or {}).items():
        meta = metas.get(link_id)
        if meta is None or meta.read_only or value is None:
            continue
        ok, canonical = normalize_answer(meta, value)
        if ok:
            out[link_id] = canonical
    return out


def validate_all(
    responses: dict[str, Any], *, mode: str = "clinician", partial: bool = True
) -> dict[str, list[str]]:
    """Errors over several instruments, keyed "<instrument>.<item id>" (or "<instrument>")."""
    from lifeline.clinic.engine.questionnaires import INSTRUMENT_ORDER

    errors: dict[str, list[str]] = {}
    if not isinstance(responses, dict):
        return {"responses": [_("Responses must be an object keyed by instrument.")]}
    for instrument, answers in responses.items():
        if instrument not in INSTRUMENT_ORDER:
            errors[str(instrument)] = [_("Unknown instrument.")]
            continue
        for link_id, messages in validate_responses(
            instrument, answers, mode=mode, partial=partial
        ).items():
            key = instrument if link_id == NON_ITEM else f"{instrument}.{link_id}"
            errors[key] = messages
    return errors


def ensure_valid(
    instrument: str, answers: dict[str, Any], *, mode: str = "patient", partial: bool = False
) -> dict[str, Any]:
    """Raise InvalidResponses (400 with per-item errors) or return the canonical answers."""
    errors = validate_responses(instrument, answers, mode=mode, partial=partial)
    if errors:
        raise InvalidResponses(errors=errors)
    return clean_answers(instrument, answers)
