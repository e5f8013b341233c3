"""Plausibility bounds for dates and times that come from clients.

A client can send any date ISO 8601 can spell: `0001-01-01` or `9999-12-31` parse, are
stored, and then sort first or last everywhere (a device's "latest" position, an age of 2000
years). Every date or time a client sends and the platform stores passes one of these
validators. They are Django validators (raise `django.core.exceptions.ValidationError`), so
they work on DRF serializer fields, Django form fields and model fields alike; services that
take dates from several interfaces call `check_plausible` for field-level `InvalidInput`.

The bounds (relative ones are measured at the moment of validation):

- device timestamps (locations, SOS triggers, OsmAnd): from `DEVICE_TIMESTAMP_MAX_AGE` (365
  days) ago, since a watch may upload what it buffered offline, to the module's clock skew
  ahead (SOS: `SOS_TIMESTAMP_SKEW_SECONDS`, 120 s);
- birth dates and past clinical dates (stroke, pain onset, ...): from
  `EARLIEST_HISTORICAL_DATE` (1900-01-01) to today;
- planned dates (an assessment schedule's start): `PLANNING_HORIZON` (5 years) either way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lifeline.core.exceptions import InvalidInput

EARLIEST_HISTORICAL_DATE = dt.date(1900, 1, 1)
DEVICE_TIMESTAMP_MAX_AGE = dt.timedelta(days=365)
PLANNING_HORIZON = dt.timedelta(days=5 * 365)

Span = dt.timedelta | Callable[[], dt.timedelta]


def _span(value: Span | None) -> dt.timedelta | None:
    return value() if callable(value) else value


def date_label(moment: dt.date) -> str:
    """A date or an aware date-time as a person reads it: the active locale's one short date
    ("07.12.2026" / "12/07/2026") or short date-time ("07.12.2026 12:21" / "12/07/2026
    12:21 p.m."), the formats every page, message and chart uses."""
    if isinstance(moment, dt.datetime):
        return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    return date_format(moment, "SHORT_DATE_FORMAT")


@deconstructible
class PlausibleDateTime:
    """Accept aware datetimes from `past` before now to `future` after now (None: unbounded).

    `past` and `future` may be callables returning a timedelta, read at each validation (for
    bounds that come from settings).
    """

    def __init__(self, *, past: Span | None, future: Span | None) -> None:
        self.past = past
        self.future = future

    def __call__(self, value: dt.datetime | None) -> None:
        if value is None:
            return
        now = timezone.now()
        past, future = _span(self.past), _span(self.future)
        earliest = now - past if past is not None else None
        try:
            too_early = earliest is not None and value < earliest
            too_late = future is not None and value > now + future
        except (OverflowError, TypeError) as exc:  # year 1 or 9999 shifted by its UTC offset
            raise ValidationError(_("This time is out of range."), code="out_of_range") from exc
        if too_early and earliest is not None:
            raise ValidationError(
                _("This time is too far in the past (earliest %(earliest)s).")
                % {"earliest": date_label(earliest)},
                code="too_early",
            )
        if too_late:
            raise ValidationError(_("This time is in the future."), code="in_future")


@deconstructible
class PlausibleDate:
    """Accept dates from `earliest` (a date) or `past` before today, to `future` after today.

    `future=timedelta(0)` means "not after today" (today in the active time zone).
    """

    def __init__(
        self,
        *,
        earliest: dt.date | None = None,
        past: dt.timedelta | None = None,
        future: dt.timedelta | None = None,
    ) -> None:
        self.earliest = earliest
        self.past = past
        self.future = future

    def __call__(self, value: dt.date | None) -> None:
        if value is None:
            return
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        today = timezone.localdate()
        earliest = self.earliest
        if self.past is not None:
            relative = today - self.past
            earliest = max(earliest, relative) if earliest is not None else relative
        if earliest is not None and value < earliest:
            raise ValidationError(
                _("Enter a date on or after %(earliest)s.") % {"earliest": date_label(earliest)},
                code="too_early",
            )
        if self.future is not None:
            try:
                latest = today + self.future
            except OverflowError:
                return
            if value > latest:
                if self.future:
                    raise ValidationError(
                        _("Enter a date on or before %(latest)s.") % {"latest": date_label(latest)},
                        code="too_late",
                    )
                raise ValidationError(_("The date cannot be in the future."), code="in_future")


def plausible_datetime(*, past: Span | None, future: Span | None) -> PlausibleDateTime:
    """A validator for a client's datetime; see the module table for the bounds in use."""
    return PlausibleDateTime(past=past, future=future)


def plausible_date(
    *,
    earliest: dt.date | None = None,
    past: dt.timedelta | None = None,
    future: dt.timedelta | None = None,
) -> PlausibleDate:
    """A validator for a client's date; see the module table for the bounds in use."""
    return PlausibleDate(earliest=earliest, past=past, future=future)


# The bounds used across the platform (the module table).
historical_date = plausible_date(earliest=EARLIEST_HISTORICAL_DATE, future=dt.timedelta(0))
planned_date = plausible_date(past=PLANNING_HORIZON, future=PLANNING_HORIZON)


def device_timestamp(*, future: Span) -> PlausibleDateTime:
    """A device's clock reading: at most a year old, at most `future` ahead (clock skew)."""
    return plausible_datetime(past=DEVICE_TIMESTAMP_MAX_AGE, future=future)


def check_plausible(
    values: Mapping[str, Any], validators: Mapping[str, Callable[[Any], None]]
) -> None:
    """Validate several fields at once; raise `InvalidInput` with every field's messages."""
    errors: dict[str, list[str]] = {}
    for field, validator in validators.items():
        if field not in values:
            continue
        try:
            validator(values[field])
        except ValidationError as exc:
            errors[field] = list(exc.messages)
    if errors:
        raise InvalidInput(errors=errors)
