from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from lifeline.core.dates import (
    check_plausible,
    device_timestamp,
    historical_date,
    planned_date,
    plausible_datetime,
)
from lifeline.core.exceptions import InvalidInput

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
TWO_MINUTES = timedelta(minutes=2)


def _refusal(validator, value):
    with pytest.raises(ValidationError) as excinfo:
        validator(value)
    return excinfo.value.code, excinfo.value.messages


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "value",
    [
        NOW - timedelta(days=365),
        NOW - timedelta(days=180),
        NOW,
        NOW + TWO_MINUTES,
        None,
    ],
)
def test_device_timestamps_within_a_year_and_the_skew_pass(value):
    device_timestamp(future=TWO_MINUTES)(value)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("value", "code"),
    [
        (datetime(1, 1, 1, tzinfo=UTC), "too_early"),
        (NOW - timedelta(days=365, seconds=1), "too_early"),
        (NOW + TWO_MINUTES + timedelta(seconds=1), "in_future"),
        (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), "in_future"),
    ],
)
def test_implausible_device_timestamps_are_refused(value, code):
    assert _refusal(device_timestamp(future=TWO_MINUTES), value)[0] == code


@time_machine.travel(NOW, tick=False)
def test_the_refusal_names_the_earliest_time_accepted():
    code, messages = _refusal(device_timestamp(future=TWO_MINUTES), datetime(1, 1, 1, tzinfo=UTC))

    assert messages == ["This time is too far in the past (earliest 06/15/2025 noon)."]


@time_machine.travel(NOW, tick=False)
def test_bounds_given_as_callables_are_read_at_each_validation():
    skew = {"value": timedelta(0)}
    validator = plausible_datetime(past=None, future=lambda: skew["value"])

    with pytest.raises(ValidationError):
        validator(NOW + timedelta(seconds=30))
    skew["value"] = timedelta(minutes=1)
    validator(NOW + timedelta(seconds=30))
    validator(datetime(1, 1, 1, tzinfo=UTC))  # no lower bound


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("value", "message"),
    [
        (date(1, 1, 1), "Enter a date on or after 01/01/1900."),
        (date(1899, 12, 31), "Enter a date on or after 01/01/1900."),
        (date(2026, 6, 16), "The date cannot be in the future."),
        (date(9999, 12, 31), "The date cannot be in the future."),
    ],
)
def test_historical_dates_run_from_1900_to_today(value, message):
    assert _refusal(historical_date, value)[1] == [message]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("value", [date(1900, 1, 1), date(1958, 4, 12), date(2026, 6, 15), None])
def test_plausible_historical_dates_pass(value):
    historical_date(value)


@time_machine.travel(NOW, tick=False)
def test_planned_dates_stay_within_five_years_either_way():
    planned_date(date(2031, 6, 14))
    planned_date(date(2021, 6, 16))

    assert _refusal(planned_date, date(9999, 1, 1))[0] == "too_late"
    assert _refusal(planned_date, date(1, 1, 1))[0] == "too_early"


@time_machine.travel(NOW, tick=False)
def test_check_plausible_reports_every_field_and_ignores_absent_ones():
    with pytest.raises(InvalidInput) as excinfo:
        check_plausible(
            {"date_of_birth": date(1, 1, 1), "stroke_date": date(9999, 1, 1), "other": 1},
            {
                "date_of_birth": historical_date,
                "stroke_date": historical_date,
                "x": historical_date,
            },
        )

    assert excinfo.value.errors == {
        "date_of_birth": ["Enter a date on or after 01/01/1900."],
        "stroke_date": ["The date cannot be in the future."],
    }
