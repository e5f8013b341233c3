"""Forms of the ambulance pages: they validate shape only; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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
    reason = forms.CharField(label=_("Reason"), max_length=300)
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
    reason = forms.ChoiceField(label=_("Reason"), choices=RejectReason.choices)
    note = forms.CharField(label=_("Comment"), max_length=300, required=False)
    duplicate_of = forms.UUIDField(required=False, widget=forms.HiddenInput)


class CancelForm(forms.Form):
    note = forms.CharField(label=_("Reason for cancelling"), max_length=300)


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
