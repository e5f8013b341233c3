"""Forms of the sos pages: they parse the POSTs; the views call one service with the result.

Refusals keep the pages' behaviour: a value that does not parse is treated as absent (the
views then show their message), never as a server error.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lifeline.sos.models import EMERGENCY_NOTES_MAX_LENGTH


class _Checkbox(forms.Field):
    """An HTML checkbox: checked ("on") or not; nothing else counts as checked."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> bool:
        return value == "on"


def _position(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    """(lat, lon) when both were sent and lie on the globe, else None."""
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


class _PositionForm(forms.Form):
    """A browser position (optional; NaN and infinities do not parse)."""

    lat = forms.FloatField(required=False)
    lon = forms.FloatField(required=False)

    def sent_position(self) -> tuple[float | None, float | None]:
        """The numbers sent (None where absent or unparsable): each field on its own."""
        self.is_valid()
        return self.cleaned_data.get("lat"), self.cleaned_data.get("lon")


class DeviceAddForm(forms.Form):
    device_uid = forms.CharField(max_length=128)
    model = forms.CharField(required=False, strip=False)

    def clean_model(self) -> str:
        return str(self.cleaned_data.get("model") or "")[:128]


class TriggerForm(_PositionForm):
    """The SOS button: the browser's position, or (none sent) the device's last one."""

    def position(self, *, fallback: tuple[Any, Any]) -> tuple[float, float] | None:
        lat, lon = self.sent_position()
        if lat is None or lon is None:
            lat, lon = fallback
        return _position(lat, lon)


class HelperUpdateForm(_PositionForm):
    opted_in = _Checkbox()
    on_duty = _Checkbox()

    def values(self) -> dict[str, Any]:
        """The keyword arguments of `helper_profile_update` (the position only when valid)."""
        lat, lon = self.sent_position()
        values: dict[str, Any] = {
            "opted_in": self.cleaned_data.get("opted_in", False),
            "on_duty": self.cleaned_data.get("on_duty", False),
        }
        position = _position(lat, lon)
        if position is not None:
            values.update(lat=position[0], lon=position[1])
        return values


class EventActionForm(forms.Form):
    """The free text of a cancel (reason) or resolve (outcome), and where to go back to."""

    reason = forms.CharField(required=False, strip=False)
    outcome = forms.CharField(required=False, strip=False)
    next = forms.CharField(required=False, strip=False)

    def text(self, name: str) -> str:
        self.is_valid()
        return str(self.cleaned_data.get(name) or "")[:500]


class WearerProfileForm(forms.Form):
    """The wearer's profile on the SOS page (the ranges are the service's to check)."""

    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        # The browser's date picker sends and expects ISO dates, whatever the page's language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    emergency_notes = forms.CharField(
        label=_("Emergency notes"),
        required=False,
        max_length=EMERGENCY_NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Conditions, allergies, medication: shown to the ambulance crew of an SOS."),
    )
