"""The rule set (spec §C) as versioned data. One module per version; thresholds included.

Changing any threshold or rule text means a new module and a new `RULESET_VERSION` (spec C.0.6).
"""

from __future__ import annotations

from types import ModuleType

from lifeline.clinic.engine.rules import v2026_2

_VERSIONS: dict[str, ModuleType] = {v2026_2.VERSION: v2026_2}
RULESET_VERSION: str = v2026_2.VERSION


def get_ruleset(version: str | None = None) -> ModuleType:
    """The rule-set data module of `version` (default: the current one)."""
    try:
        return _VERSIONS[version or RULESET_VERSION]
    except KeyError:
        raise LookupError(f"Unknown rule-set version {version!r}") from None


def available_versions() -> list[str]:
    return sorted(_VERSIONS)
