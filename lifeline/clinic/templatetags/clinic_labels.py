"""Template filters that show clinical codes as words in the reader's language.

Score bands (`moderate`, `DN4_INT_POS`), body regions (`shoulder_left`), change flags
(`worsening`, `anxiety_crossed_8`) and HADS subscales are stored as codes; a page shows
their translated label, never the code (`{% load clinic_labels %}`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from lifeline.clinic import catalogue_data
from lifeline.clinic.selectors.analytics import hads_subscale
from lifeline.clinic.services.clinical import BODY_REGION_LABELS
from lifeline.clinic.services.conclusions import INSTRUMENT_NAMES, display_band

register = template.Library()

CHANGE_FLAG_NAMES: dict[str, Any] = {
    "worsening": _("worsening"),
    "substantial_improvement": _("substantial improvement"),
    "important_improvement": _("clinically important improvement"),
    "moderate_improvement": _("moderate improvement"),
    "minimal_improvement": _("minimal improvement"),
    "beyond_mdc": _("change beyond the measurement error"),
    "within_error": _("change within the measurement error"),
    "band_changed": _("severity level changed"),
    "anxiety_important_change": _("important change in anxiety"),
    "depression_important_change": _("important change in depression"),
    "anxiety_crossed_8": _("anxiety crossed 8 points"),
    "anxiety_crossed_11": _("anxiety crossed 11 points"),
    "depression_crossed_8": _("depression crossed 8 points"),
    "depression_crossed_11": _("depression crossed 11 points"),
    "status_changed_reexamine": _("screening result changed: re-examine"),
}
SUBSCALE_KEYS = {"anxiety": "hads_a", "depression": "hads_d"}


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return number_format(value)


@register.filter
def band_label(code: Any) -> str:
    """`moderate` → "умеренная"; an unknown code is shown as it is stored."""
    return display_band(str(code or ""))


@register.filter
def body_regions(codes: Iterable[str] | None) -> str:
    """["shoulder_left", "hand_left"] → "Плечо, левое; Кисть, левая"."""
    return "; ".join(str(BODY_REGION_LABELS.get(code, code)) for code in codes or [])


# The mechanism groups of the cohort (`selectors.analytics.mechanism_of`).
MECHANISM_NAMES: dict[str, Any] = {
    "CPSP": _("Central post-stroke pain"),
    "NEUROPATHIC_SCREEN": _("Neuropathic screening positive"),
    "NOCICEPTIVE": _("Nociceptive pain"),
    "NOCIPLASTIC": _("Nociplastic pain"),
    "MIXED": _("Mixed pain"),
    "UNCLASSIFIED": _("Unclassified: clinical assessment needed"),
    "NO_PAIN": _("No current pain"),
    "NOT_EVALUATED": _("Not evaluated"),
    "UNCONFIRMED": _("No mechanism confirmed by the clinician"),
}


@register.filter
def mechanism_label(code: Any) -> str:
    """`CPSP` → "Центральная постинсультная боль"; an unknown code is shown as stored."""
    return str(MECHANISM_NAMES.get(str(code), code))


@register.filter
def change_flag(code: Any) -> str:
    return str(CHANGE_FLAG_NAMES.get(str(code), code))


@register.filter
def catalogue_text(value: Any) -> str:
    """A seeded dose or titration of the drug catalogue ("10 mg nocte") in the reader's
    language ("10 мг на ночь"); text a person typed is shown as typed."""
    return catalogue_data.catalogue_text(value)


@register.filter
def scores_brief(scores: Iterable[Any]) -> str:
    """An assessment's scores in one line: "HADS-A 12, HADS-D 9, VAS 40" (numbers in the
    locale's format); HADS, whose total is its two subscales, never shows an empty value."""
    parts = []
    for score in scores:
        code = str(score.instrument)
        if code == "hads":
            halves = [
                f"{short} {_number(value)}"
                for which, short in (("anxiety", "HADS-A"), ("depression", "HADS-D"))
                if (value := hads_subscale(score.subscores, which)[0]) is not None
            ]
            if halves:
                parts += halves
                continue
        name = code.upper()
        parts.append(f"{name} {_number(score.value)}" if score.value is not None else name)
    return ", ".join(parts)


@register.filter
def subscores(values: Mapping[str, Any] | None) -> str:
    """HADS subscales: {"hads_a": {"score": 12, "band": "abnormal"}, …} → "HADS anxiety 12
    (abnormal …), HADS depression 9 (borderline …)"; other shapes: name and number."""
    parts = []
    for key, entry in (values or {}).items():
        key = SUBSCALE_KEYS.get(key, key)
        name = str(INSTRUMENT_NAMES.get(key, key))
        if isinstance(entry, Mapping):
            score = entry.get("score", entry.get("total"))
            band = display_band(str(entry.get("band") or ""))
        else:
            score, band = entry, ""
        text = f"{name} {_number(score)}" if score is not None else name
        parts.append(f"{text} ({band})" if band else text)
    return ", ".join(parts)
