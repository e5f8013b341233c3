"""Numbers a person reads go through the locale: distances on the SOS timeline."""

from __future__ import annotations

import pytest
from django.utils import translation

from lifeline.web.templatetags.web_tags import distance


@pytest.mark.parametrize(
    ("metres", "language", "shown"),
    [
        (800, "ru", "800 м"),
        (20000, "ru", "20 км"),
        (1500, "ru", "1,5 км"),
        (20000, "en", "20 km"),
        (1500, "en", "1.5 km"),
        (999.6, "en", "1 km"),
        ("", "ru", ""),
        (None, "ru", ""),
    ],
)
def test_distance_is_in_the_readers_units_and_decimal_mark(
    metres: object, language: str, shown: str
) -> None:
    with translation.override(language):
        assert distance(metres) == shown
