"""Errors raised by the clinical engine (rendered as RFC 9457 problems by the API)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from lifeline.core.exceptions import InvalidInput, NotFound


class UnknownInstrument(NotFound):
    code = "clinic.unknown_instrument"
    title = gettext_noop("Unknown instrument")

    def __init__(self, instrument: str) -> None:
        super().__init__(f"Unknown instrument, version or language: {instrument!r}.")
        self.instrument = instrument


class InvalidResponses(InvalidInput):
    """Per-item validation errors: `errors` maps "<instrument>.<item>" (or a field) to messages."""

    code = "clinic.invalid_responses"
    title = gettext_noop("Invalid questionnaire responses")
