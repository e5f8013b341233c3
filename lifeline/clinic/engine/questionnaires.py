"""Instruments as data: the FHIR R4 Questionnaire files and the item metadata derived from them.

The files under `lifeline/clinic/instruments/<instrument>/<version>/<lang>.json` are the single
source of truth for rendering, validation, scoring (per-option `ordinalValue`) and export.

Licensed wording (spec §E): HADS (and DN4/CSI where the deployer's licence requires) ships
with short neutral labels only. A deployment that holds a licence points the setting
`CLINIC_LICENSED_STRINGS_PATH` at a JSON file of this shape::

    {"hads": {"ru": {"title": "...", "copyright": "...",
                     "items": {"hads-1": "<licensed item text>", ...},
                     "options": {"hads-1": {"a": "<licensed option text>", ...}, ...}},
              "en": {...}},
     "dn4": {...}}

Every key is optional. `get_questionnaire` applies it and sets the root extension
`licensed-text-installed` to true for that instrument and language.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from lifeline.clinic.engine import codes
from lifeline.clinic.engine.exceptions import UnknownInstrument

INSTRUMENTS_DIR = Path(__file__).resolve().parent.parent / "instruments"
LANGUAGES = ("ru", "en")
# Display order of the instruments.
INSTRUMENT_ORDER = ("vas", "nrs", "dn4", "csi", "hads", "painad", "ncsr")
# Instruments whose validated wording needs a licence (spec §E).
LICENSED_INSTRUMENTS = frozenset({"dn4", "csi", "hads"})
# Instruments that only a clinician completes (observational scales).
CLINICIAN_ONLY_INSTRUMENTS = frozenset({"painad", "ncsr"})
ANSWERABLE_TYPES = frozenset({"choice", "integer", "decimal", "boolean", "string", "date"})


@dataclass(frozen=True)
class ItemMeta:
    """What validation and scoring need to know about one answerable item."""

    link_id: str
    type: str
    required: bool
    clinician_only: bool
    read_only: bool = False
    min_value: float | None = None
    max_value: float | None = None
    # answer value -> score (`ordinalValue`); in printed order.
    options: dict[str, float] = field(default_factory=dict)
    subscale: str | None = None
    stroke_confounded: bool = False
    scored: bool = True
    enabled_by: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "link_id": self.link_id,
            "type": self.type,
            "required": self.required,
            "clinician_only": self.clinician_only,
            "read_only": self.read_only,
            "min": self.min_value,
            "max": self.max_value,
            "options": [{"code": c, "score": s} for c, s in self.options.items()],
            "subscale": self.subscale,
            "stroke_confounded": self.stroke_confounded,
            "scored": self.scored,
        }


def _ext(element: dict[str, Any], url: str) -> Any:
    for ext in element.get("extension", []):
        if ext.get("url") == url:
            for key, value in ext.items():
                if key.startswith("value"):
                    return value
    return None


@lru_cache(maxsize=32)
def versions(instrument: str) -> tuple[str, ...]:
    """Available versions of `instrument`, oldest first."""
    base = INSTRUMENTS_DIR / instrument
    if instrument not in INSTRUMENT_ORDER or not base.is_dir():
        raise UnknownInstrument(instrument)
    found = [p.name for p in base.iterdir() if p.is_dir()]
    return tuple(sorted(found, key=lambda v: tuple(int(x) for x in v.split(".") if x.isdigit())))


def current_version(instrument: str) -> str:
    return versions(instrument)[-1]


@lru_cache(maxsize=64)
def _load(instrument: str, version: str, lang: str) -> dict[str, Any]:
    if lang not in LANGUAGES or version not in versions(instrument):
        raise UnknownInstrument(instrument)
    path = INSTRUMENTS_DIR / instrument / version / f"{lang}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _licensed_strings_path() -> str | None:
    try:
        from django.conf import settings

        return getattr(settings, "CLINIC_LICENSED_STRINGS_PATH", None) or None
    except Exception:  # pragma: no cover - engine used without Django settings
        return None


@lru_cache(maxsize=4)
def _read_licensed(path: str, mtime: float) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return data


def licensed_strings() -> dict[str, Any]:
    """The deployment's licensed strings file (empty when none is configured)."""
    path = _licensed_strings_path()
    if not path:
        return {}
    p = Path(path)
    if not p.is_file():
        return {}
    return _read_licensed(str(p), p.stat().st_mtime)


def licensed_text_installed(instrument: str, lang: str) -> bool:
    """True when the validated wording is shown (always for instruments needing no licence)."""
    if instrument not in LICENSED_INSTRUMENTS:
        return True
    return bool(licensed_strings().get(instrument, {}).get(lang))


def _walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        out.append(item)
        out.extend(_walk(item.get("item", [])))
    return out


def get_questionnaire(
    instrument: str, lang: str = "ru", version: str | None = None
) -> dict[str, Any]:
    """The FHIR R4 Questionnaire of `instrument` (a fresh copy) with licensed strings applied."""
    version = version or current_version(instrument)
    q = copy.deepcopy(_load(instrument, version, lang))
    strings = licensed_strings().get(instrument, {}).get(lang)
    if instrument in LICENSED_INSTRUMENTS:
        for ext in q.get("extension", []):
            if ext.get("url") == codes.EXT_LICENSED_TEXT:
                ext["valueBoolean"] = bool(strings)
    if strings:
        if strings.get("title"):
            q["title"] = strings["title"]
        if strings.get("copyright"):
            q["copyright"] = strings["copyright"]
        item_texts = strings.get("items", {})
        option_texts = strings.get("options", {})
        for item in _walk(q.get("item", [])):
            link_id = item["linkId"]
            if link_id in item_texts:
                item["text"] = item_texts[link_id]
            for option in item.get("answerOption", []):
                coding = option.get("valueCoding", {})
                text = option_texts.get(link_id, {}).get(coding.get("code"))
                if text:
                    coding["display"] = text
    return q


@lru_cache(maxsize=64)
def _items(instrument: str, version: str) -> dict[str, ItemMeta]:
    q = _load(instrument, version, "en")
    metas: dict[str, ItemMeta] = {}
    instrument_clinician_only = instrument in CLINICIAN_ONLY_INSTRUMENTS

    def visit(items: list[dict[str, Any]], clinician_only: bool, parent: str | None) -> None:
        for item in items:
            item_clin = clinician_only or bool(_ext(item, codes.EXT_CLINICIAN_ONLY))
            kind = item.get("type", "")
            if kind in ANSWERABLE_TYPES:
                options: dict[str, float] = {}
                for option in item.get("answerOption", []):
                    code = option["valueCoding"]["code"]
                    options[code] = float(_ext(option, codes.EXT_ORDINAL))
                min_v = _ext(item, codes.EXT_MIN)
                max_v = _ext(item, codes.EXT_MAX)
                scored = _ext(item, codes.EXT_SCORED)
                enabled_by = None
                if item.get("enableWhen"):
                    enabled_by = item["enableWhen"][0]["question"]
                metas[item["linkId"]] = ItemMeta(
                    link_id=item["linkId"],
                    type=kind,
                    required=bool(item.get("required", False)),
                    clinician_only=item_clin,
                    read_only=bool(item.get("readOnly", False)),
                    min_value=None if min_v is None else float(min_v),
                    max_value=None if max_v is None else float(max_v),
                    options=options,
                    subscale=_ext(item, codes.EXT_SUBSCALE),
                    stroke_confounded=bool(_ext(item, codes.EXT_STROKE_CONFOUNDED)),
                    scored=(scored is not False) and not item.get("readOnly", False),
                    enabled_by=enabled_by,
                )
            visit(item.get("item", []), item_clin, item["linkId"])

    visit(q.get("item", []), instrument_clinician_only, None)
    return metas


def items(instrument: str, version: str | None = None) -> dict[str, ItemMeta]:
    """Answerable (and calculated, `read_only`) items of `instrument`, keyed by linkId."""
    return _items(instrument, version or current_version(instrument))


def list_instruments(lang: str = "ru") -> list[dict[str, Any]]:
    """One summary per instrument: id, current version, title, languages, licence state."""
    out = []
    for instrument in INSTRUMENT_ORDER:
        version = current_version(instrument)
        q = _load(instrument, version, lang if lang in LANGUAGES else "ru")
        metas = items(instrument, version)
        out.append(
            {
                "id": instrument,
                "version": version,
                "versions": list(versions(instrument)),
                "name": q["name"],
                "title": q["title"],
                "url": q["url"],
                "languages": list(LANGUAGES),
                "item_count": sum(1 for m in metas.values() if not m.read_only),
                "clinician_only": instrument in CLINICIAN_ONLY_INSTRUMENTS,
                "has_clinician_items": any(m.clinician_only for m in metas.values()),
                "licensed_text_required": instrument in LICENSED_INSTRUMENTS,
                "licensed_text_installed": licensed_text_installed(instrument, lang),
            }
        )
    return out
