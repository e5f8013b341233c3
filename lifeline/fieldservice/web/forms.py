"""Forms of the fieldservice pages: choices are scoped to what the person may use."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lifeline.access.enums import Role
from lifeline.accounts.models import User
from lifeline.fieldservice import selectors
from lifeline.fieldservice.enums import AlertKind, RequestStatus, StaffStatus
from lifeline.fieldservice.models import Campaign, City, Direction, RequestType, TransactionType
from lifeline.fieldservice.phones import to_e164


class RequestForm(forms.Form):
    city = forms.ModelChoiceField(queryset=City.objects.none(), label=_("City"))
    client_phone = forms.CharField(max_length=32, label=_("Client phone"))
    client_name = forms.CharField(max_length=200, required=False, label=_("Client name"))
    address = forms.CharField(max_length=500, required=False, label=_("Address"))
    meeting_at = forms.DateTimeField(
        required=False,
        label=_("Meeting time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    direction = forms.ModelChoiceField(
        queryset=Direction.objects.none(), required=False, label=_("Direction")
    )
    request_type = forms.ModelChoiceField(
        queryset=RequestType.objects.none(), required=False, label=_("Request type")
    )
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.none(), required=False, label=_("Advertising campaign")
    )
    problem = forms.CharField(
        required=False, label=_("Problem"), widget=forms.Textarea(attrs={"rows": 3})
    )
    master = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label=_("Master"))
    call_centre_notes = forms.CharField(
        required=False, label=_("Call-centre notes"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, actor: Any, organization_id: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["city"].queryset = selectors.reference_list_for(actor=actor, model=City)
        fields["direction"].queryset = selectors.reference_list_for(actor=actor, model=Direction)
        fields["request_type"].queryset = selectors.reference_list_for(
            actor=actor, model=RequestType
        )
        fields["campaign"].queryset = selectors.reference_list_for(actor=actor, model=Campaign)
        master_ids = selectors.masters_of(organization_id=organization_id).values("user_id")
        fields["master"].queryset = User.objects.filter(pk__in=master_ids).order_by("full_name")
        fields["master"].label_from_instance = lambda user: user.display_name

    def clean_client_phone(self) -> str:
        phone = to_e164(self.cleaned_data["client_phone"])
        if len(phone) < 8:
            raise forms.ValidationError(_("Enter the client's phone number."))
        return phone


class MasterReportForm(forms.Form):
    master_notes = forms.CharField(
        required=False, label=_("Master's notes"), widget=forms.Textarea(attrs={"rows": 2})
    )
    result = forms.DecimalField(
        required=False, min_value=0, max_digits=12, decimal_places=2, label=_("Result, ₽")
    )
    expenses = forms.DecimalField(
        required=False, min_value=0, max_digits=12, decimal_places=2, label=_("Expenses, ₽")
    )


class NameForm(forms.Form):
    name = forms.CharField(max_length=200, label=pgettext_lazy("fieldservice", "Name"))


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=200, label=pgettext_lazy("fieldservice", "Name"))
    city = forms.ModelChoiceField(queryset=City.objects.none(), label=_("City"))
    phone_number = forms.CharField(max_length=32, label=_("Tracked phone line"))

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["city"].queryset = selectors.reference_list_for(actor=actor, model=City)

    def clean_phone_number(self) -> str:
        phone = to_e164(self.cleaned_data["phone_number"])
        if len(phone) < 8:
            raise forms.ValidationError(_("Enter a phone number."))
        return phone


class TransactionForm(forms.Form):
    transaction_type = forms.ModelChoiceField(
        queryset=TransactionType.objects.none(), label=_("Transaction type")
    )
    amount = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2, label=_("Amount, ₽"))
    city = forms.ModelChoiceField(queryset=City.objects.none(), label=_("City"))
    specified_date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    payment_reason = forms.CharField(
        max_length=300, required=False, label=pgettext_lazy("fieldservice", "Reason")
    )
    notes = forms.CharField(
        max_length=4000, required=False, label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2})
    )
    receipt = forms.FileField(
        required=False,
        label=_("Receipt (photo or PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["transaction_type"].queryset = selectors.reference_list_for(
            actor=actor, model=TransactionType
        )
        fields["city"].queryset = selectors.reference_list_for(actor=actor, model=City)


class ReportForm(forms.Form):
    date_from = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    city = forms.ModelChoiceField(
        queryset=City.objects.none(), required=False, label=_("City"), empty_label=_("All cities")
    )
    operator = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Operator"),
        empty_label=_("All operators"),
    )

    def __init__(self, *args: Any, actor: Any, organization_id: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["city"].queryset = selectors.reference_list_for(actor=actor, model=City)
        operator_ids = selectors.operators_of(organization_id=organization_id).values("user_id")
        fields["operator"].queryset = User.objects.filter(pk__in=operator_ids).order_by(
            "full_name", "id"
        )
        fields["operator"].label_from_instance = lambda user: user.display_name


class StaffEditForm(forms.Form):
    full_name = forms.CharField(max_length=300, label=_("Full name"))
    phone_number = forms.CharField(max_length=32, required=False, label=_("Phone"))
    cities = forms.ModelMultipleChoiceField(
        queryset=City.objects.none(),
        required=False,
        label=_("Cities"),
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.ChoiceField(choices=StaffStatus.choices, label=_("Status"))
    extension = forms.CharField(max_length=20, required=False, label=_("PBX extension"))

    def __init__(self, *args: Any, organization_id: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["cities"].queryset = City.objects.filter(organization_id=organization_id)


class StaffCreateForm(StaffEditForm):
    role = forms.ChoiceField(label=_("Role"))
    email = forms.EmailField(required=False, label=pgettext_lazy("fieldservice", "E-mail"))
    field_order = ("role", "full_name", "email", "phone_number", "cities", "status", "extension")

    def __init__(self, *args: Any, roles: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["role"].choices = [(r, Role(r).label) for r in STAFF_ROLE_ORDER if r in roles]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("phone_number"):
            raise forms.ValidationError(
                _("Enter an e-mail address or a phone number to sign in with.")
            )
        return data


STAFF_ROLE_ORDER = ("operator", "master", "manager")


MAX_ALERT_MINUTES = 7 * 24 * 60


class AlertRuleForm(forms.Form):
    """A new alert rule: what to watch, the status (stuck requests only), after how long."""

    kind = forms.ChoiceField(choices=AlertKind.choices, label=_("Watch"))
    status = forms.ChoiceField(
        choices=[("", "—"), *RequestStatus.choices],
        required=False,
        label=_("Status"),
        help_text=_("For stuck requests: the status they are stuck in."),
    )
    threshold_minutes = forms.IntegerField(
        min_value=0, max_value=MAX_ALERT_MINUTES, initial=30, label=_("After, minutes")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == AlertKind.REQUESTS_STUCK and not data.get("status"):
            self.add_error("status", _("Choose the status to watch."))
        if data.get("kind") == AlertKind.CALLBACKS_OVERDUE:
            data["status"] = ""
        return data


class AlertRuleEditForm(forms.Form):
    threshold_minutes = forms.IntegerField(
        min_value=0, max_value=MAX_ALERT_MINUTES, label=_("After, minutes")
    )
    is_active = forms.BooleanField(required=False, label=pgettext_lazy("fieldservice", "Active"))
