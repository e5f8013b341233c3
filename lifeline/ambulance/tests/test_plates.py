import pytest
from django.core.exceptions import ValidationError

from lifeline.ambulance.plates import normalize_plate


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("А123ВС", "А123ВС"),
        ("а123вс77", "А123ВС77"),
        ("А 123 ВС 777", "А123ВС777"),
        ("A123BC78", "А123ВС78"),  # Latin look-alikes typed on an English layout
        ("х001хх-99", "Х001ХХ99"),
    ],
)
def test_valid_plates_are_normalized(raw: str, expected: str) -> None:
    assert normalize_plate(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "Б123ВС", "А123ВЖ", "А12ВС", "А1234ВС", "А123ВС7", "А123ВС7777", "123АВС", "А123ВС00"],
)
def test_invalid_plates_are_refused(raw: str) -> None:
    with pytest.raises(ValidationError):
        normalize_plate(raw)
