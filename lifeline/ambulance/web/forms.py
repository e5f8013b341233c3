"""Forms of the ambulance pages: they validate shape only; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lifeline.ambulance.enums import (
    Criticality,
    EquipmentClass,
    RejectReason,
    Sex,
    TroubleKind,
)
from lifeline.ambulance.services.calls import CallIntake
from lifeline.core.dates import historical_date


class CallIntakeForm(forms.Form):
    caller_phone = forms.CharField(label=_("Caller phone"), max_length=32, required=False)
    patient_name = forms.CharField(label=_("Patient"), max_length=200, required=False)
    patient_sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    patient_age = forms.IntegerField(label=_("Age"), min_value=0, max_value=150, required=False)
    patient_birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        validators=[historical_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(label=pgettext_lazy("ambulance call", "Reason"), max_length=300)
    address = forms.CharField(label=_("Address"), max_length=300)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    criticality = forms.ChoiceField(label=_("Criticality"), choices=Criticality.choices)
    determinant_code = forms.CharField(
        label=_("MPDS determinant"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "10-D-1"}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def intake(self) -> CallIntake:
        data: dict[str, Any] = dict(self.cleaned_data)
        data["caller_phone"] = data["caller_phone"] or ""
        return CallIntake(**data)


class AssignForm(forms.Form):
    team = forms.UUIDField(label=_("Team"))
    reason = forms.CharField(label=_("Why not the suggested team"), max_length=300, required=False)


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=RejectReason.choices,
        widget=forms.Select(attrs={"data-shortcut": "r"}),
    )
    note = forms.CharField(label=_("Comment"), max_length=300, required=False)
    duplicate_of = forms.UUIDField(required=False, widget=forms.HiddenInput)


class CancelForm(forms.Form):
    note = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=300,
        widget=forms.TextInput(attrs={"data-shortcut": "x"}),
    )


class TroubleForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=TroubleKind.choices)
    note = forms.CharField(label=_("Comment"), max_length=300, required=False)


class CarForm(forms.Form):
    plate = forms.CharField(
        label=_("Plate"), max_length=20, widget=forms.TextInput(attrs={"placeholder": "А123ВС78"})
    )
    model = forms.CharField(label=_("Model"), max_length=100, required=False)
    equipment_class = forms.ChoiceField(
        label=_("Equipment class"), choices=EquipmentClass.choices, initial=EquipmentClass.B
    )


class ServiceableForm(forms.Form):
    is_serviceable = forms.TypedChoiceField(
        coerce=lambda v: v == "1", choices=[("1", "1"), ("0", "0")]
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    car = forms.UUIDField(label=_("Car"))
    member_1 = forms.UUIDField(label=_("Crew member 1 (senior)"))
    member_2 = forms.UUIDField(label=_("Crew member 2"))
    member_3 = forms.UUIDField(label=_("Crew member 3"))
    on_shift = forms.BooleanField(label=_("On shift now"), required=False)


class PositionForm(forms.Form):
    lat = forms.FloatField(min_value=-90, max_value=90)
    lon = forms.FloatField(min_value=-180, max_value=180)


class ServiceAreaForm(forms.Form):
    """A circle (centre and radius) or a polygon, one `latitude, longitude` point a line."""

    KIND_NONE, KIND_CIRCLE, KIND_POLYGON = "none", "circle", "polygon"
    kind = forms.ChoiceField(
        label=_("Area"),
        choices=[
            (KIND_NONE, _("No area: calls from any point")),
            (KIND_CIRCLE, _("A circle: centre and radius")),
            (KIND_POLYGON, _("A polygon")),
        ],
        widget=forms.RadioSelect,
        initial=KIND_NONE,
    )
    center_lat = forms.FloatField(
        label=_("Centre latitude"), min_value=-90, max_value=90, required=False
    )
    center_lon = forms.FloatField(
        label=_("Centre longitude"), min_value=-180, max_value=180, required=False
    )
    radius_km = forms.FloatField(
        label=_("Radius, km"), min_value=0.1, max_value=2000, required=False
    )
    polygon = forms.CharField(
        label=_("Polygon points"),
        help_text=_("One point a line: latitude, longitude (at least three; the ring closes)."),
        required=False,
        max_length=20000,
        widget=forms.Textarea(
            attrs={"rows": 6, "placeholder": "59.90, 30.25\n59.90, 30.40\n59.97, 30.40"}
        ),
    )

    def clean_polygon(self) -> list[list[float]]:
        points: list[list[float]] = []
        for number, line in enumerate(self.cleaned_data.get("polygon", "").splitlines(), 1):
            text = line.strip().strip("[]()").strip()
            if not text:
                continue
            parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
            try:
                lat, lon = (float(v) for v in parts)
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(line)d: write a latitude and a longitude, e.g. 59.93, 30.33.")
                    % {"line": number}
                ) from None
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise forms.ValidationError(
                    _("Line %(line)d: latitude is -90..90 and longitude -180..180.")
                    % {"line": number}
                )
            points.append([lat, lon])
        return points

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == self.KIND_POLYGON and not self.errors and len(data.get("polygon") or []) < 3:
            self.add_error("polygon", _("Give at least three points."))
        if kind == self.KIND_CIRCLE:
            for name in ("center_lat", "center_lon", "radius_km"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Required for a circle."))
        return data
