"""The API's JSON parser: DRF's, with a bound on how deeply a body may nest.

Python's `json` module parses nested arrays and objects recursively: a 1.9 KB body of ~950
brackets raised `RecursionError` — not a `ValueError`, so DRF answered 500 — on every JSON
endpoint, anonymous login included. Legitimate bodies nest a few levels, so a body deeper
than `MAX_DEPTH` is refused with 400 `json_too_deep`: `RecursionError` from the parser is
caught (CPython's JSON scanner unwinds cleanly), and what did parse is measured iteratively,
so the serializers and validators behind the parser never walk a deep structure either.

The measurement costs nothing for ordinary bodies: a body with no more than `MAX_DEPTH`
opening brackets cannot nest deeper, and only larger ones are walked (one step per array or
object, never per scalar).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

MAX_DEPTH = 64


class JSONTooDeep(ParseError):
    default_detail = _("The JSON body nests too deeply.")
    default_code = "json_too_deep"


def nesting_exceeds(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether the lists and dicts of parsed JSON `value` nest deeper than `limit` levels."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser, refusing bodies that nest deeper than `MAX_DEPTH` (400 `json_too_deep`)."""

    max_depth = MAX_DEPTH

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]
        too_deep = JSONTooDeep(
            _("The JSON body nests deeper than %(limit)d levels.") % {"limit": self.max_depth}
        )
        try:
            text = stream.read().decode(encoding)
            parse_constant = json.strict_constant if self.strict else None
            data = json.loads(text, parse_constant=parse_constant)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        except RecursionError:
            raise too_deep from None
        if (
            isinstance(data, dict | list)
            and text.count("[") + text.count("{") > self.max_depth
            and nesting_exceeds(data, self.max_depth)
        ):
            raise too_deep
        return data
