"""Input and output shapes of the fieldservice API (inputs never carry computed money)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lifeline.accounts.models import User
from lifeline.fieldservice.enums import (
    STAFF_ROLE_CHOICES,
    AlertKind,
    RequestStatus,
    StaffStatus,
)
from lifeline.fieldservice.models import (
    AlertRule,
    CallbackTask,
    Campaign,
    City,
    Direction,
    RequestChange,
    RequestType,
    ServiceRequest,
    Transaction,
    TransactionType,
)
from lifeline.fieldservice.phones import to_e164


class CityOutput(serializers.ModelSerializer[City]):
    class Meta:
        model = City
        fields = ("id", "name")


class NamedInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)


class RequestTypeOutput(serializers.ModelSerializer[RequestType]):
    class Meta:
        model = RequestType
        fields = ("id", "name", "code")


class DirectionOutput(serializers.ModelSerializer[Direction]):
    class Meta:
        model = Direction
        fields = ("id", "name")


class CampaignOutput(serializers.ModelSerializer[Campaign]):
    class Meta:
        model = Campaign
        fields = ("id", "name", "city", "phone_number", "monthly_cost")


class CampaignInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    city = serializers.PrimaryKeyRelatedField(queryset=City.objects.all())
    phone_number = serializers.CharField(max_length=32)
    monthly_cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )

    def validate_phone_number(self, value: str) -> str:
        phone = to_e164(value)
        if len(phone) < 8:
            raise serializers.ValidationError("Enter a phone number.")
        return phone


class TransactionTypeOutput(serializers.ModelSerializer[TransactionType]):
    class Meta:
        model = TransactionType
        fields = ("id", "name", "kind")


class TransactionTypeInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=["income", "expense"])


class MasterOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField(source="display_name")


class RequestOutput(serializers.ModelSerializer[ServiceRequest]):
    status_label = serializers.CharField(source="get_status_display")
    master = serializers.SerializerMethodField()

    class Meta:
        model = ServiceRequest
        fields = (
            "id",
            "status",
            "status_label",
            "city",
            "campaign",
            "request_type",
            "direction",
            "client_phone",
            "client_name",
            "address",
            "meeting_at",
            "problem",
            "master",
            "master_notes",
            "call_centre_notes",
            "ats_number",
            "result",
            "expenses",
            "net_amount",
            "master_handover",
            "created_at",
            "updated_at",
        )

    @extend_schema_field(MasterOutput(allow_null=True))
    def get_master(self, obj: ServiceRequest) -> dict[str, Any] | None:
        if obj.master is None:
            return None
        return {"id": str(obj.master.pk), "name": obj.master.display_name}


class RequestChangeOutput(serializers.ModelSerializer[RequestChange]):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = RequestChange
        fields = ("created_at", "actor_name", "from_status", "to_status", "fields")

    def get_actor_name(self, obj: RequestChange) -> str:
        return obj.actor.display_name if obj.actor else ""


class RequestDetailOutput(RequestOutput):
    allowed_statuses = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    client_requests = serializers.SerializerMethodField()

    class Meta(RequestOutput.Meta):
        fields = (  # type: ignore[assignment]
            *RequestOutput.Meta.fields,
            "allowed_statuses",
            "history",
            "client_requests",
        )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_statuses(self, obj: ServiceRequest) -> list[str]:
        return list(self.context.get("allowed", []))

    @extend_schema_field(RequestChangeOutput(many=True))
    def get_history(self, obj: ServiceRequest) -> Any:
        return RequestChangeOutput(self.context.get("history", []), many=True).data

    @extend_schema_field(RequestOutput(many=True))
    def get_client_requests(self, obj: ServiceRequest) -> Any:
        return RequestOutput(self.context.get("client_requests", []), many=True).data


class _RequestFields(serializers.Serializer[Any]):
    city = serializers.PrimaryKeyRelatedField(queryset=City.objects.all())
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), required=False, allow_null=True
    )
    request_type = serializers.PrimaryKeyRelatedField(
        queryset=RequestType.objects.all(), required=False, allow_null=True
    )
    direction = serializers.PrimaryKeyRelatedField(
        queryset=Direction.objects.all(), required=False, allow_null=True
    )
    client_phone = serializers.CharField(max_length=32)
    client_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    meeting_at = serializers.DateTimeField(required=False, allow_null=True)
    problem = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    master = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )
    call_centre_notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    ats_number = serializers.CharField(max_length=20, required=False, allow_blank=True)

    def validate_client_phone(self, value: str) -> str:
        phone = to_e164(value)
        if len(phone) < 8:
            raise serializers.ValidationError("Enter the client's phone number.")
        return phone


class RequestCreateInput(_RequestFields):
    organization = serializers.UUIDField(required=False)


class RequestUpdateInput(_RequestFields):
    """Partial update. `net_amount` and `master_handover` are not fields: the server
    computes them, and any value a client sends is ignored."""

    master_notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    result = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    expenses = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )


class RequestFilterInput(serializers.Serializer[Any]):
    """The request list's query (an empty parameter is no filter)."""

    city = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=RequestStatus.choices, required=False)
    master = serializers.UUIDField(required=False)
    campaign = serializers.IntegerField(required=False, min_value=1)
    created_from = serializers.DateField(required=False)
    created_to = serializers.DateField(required=False)
    phone = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="Digits the client phone ends with.",
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Search in name and address (case-insensitive), and in the phone when it "
        "holds three or more digits.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("created_from"), attrs.get("created_to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"created_to": [gettext("The end of the period is before its start.")]}
            )
        return attrs


class RequestStatusInput(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=RequestStatus.choices)


class TransactionFileOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="file.id")
    content_type = serializers.CharField(source="file.content_type")
    size_bytes = serializers.IntegerField(source="file.size_bytes")
    original_name = serializers.CharField(source="file.original_name")
    created_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, obj: Any) -> str:
        from django.urls import reverse

        return reverse("files:file-download", kwargs={"file_id": obj.file_id})


class TransactionFileInput(serializers.Serializer[Any]):
    file = serializers.FileField()


class TransactionOutput(serializers.ModelSerializer[Transaction]):
    receipts = TransactionFileOutput(many=True, read_only=True)

    class Meta:
        model = Transaction
        fields = (
            "id",
            "transaction_type",
            "amount",
            "city",
            "specified_date",
            "payment_reason",
            "notes",
            "request",
            "master",
            "receipts",
            "created_at",
        )


class TransactionCreateInput(serializers.Serializer[Any]):
    organization = serializers.UUIDField(required=False)
    transaction_type = serializers.PrimaryKeyRelatedField(queryset=TransactionType.objects.all())
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    city = serializers.PrimaryKeyRelatedField(queryset=City.objects.all())
    specified_date = serializers.DateField()
    payment_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class CallbackOutput(serializers.ModelSerializer[CallbackTask]):
    taken_by_name = serializers.SerializerMethodField()

    class Meta:
        model = CallbackTask
        fields = (
            "id",
            "phone",
            "city",
            "status",
            "due_at",
            "taken_by_name",
            "taken_at",
            "escalated_at",
            "created_at",
        )

    def get_taken_by_name(self, obj: CallbackTask) -> str:
        return obj.taken_by.display_name if obj.taken_by else ""


class MangoAckOutput(serializers.Serializer[Any]):
    result = serializers.IntegerField()


class RequestFileOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="file.id")
    purpose = serializers.CharField()
    content_type = serializers.CharField(source="file.content_type")
    size_bytes = serializers.IntegerField(source="file.size_bytes")
    original_name = serializers.CharField(source="file.original_name")
    created_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, obj: Any) -> str:
        from django.urls import reverse

        return reverse("files:file-download", kwargs={"file_id": obj.file_id})


class RequestFileInput(serializers.Serializer[Any]):
    file = serializers.FileField()
    purpose = serializers.ChoiceField(choices=["bso", "expense", "other"])


class CampaignReportRow(serializers.Serializer[Any]):
    campaign_id = serializers.IntegerField()
    name = serializers.CharField()
    requests = serializers.IntegerField()
    done = serializers.IntegerField()
    revenue = serializers.DecimalField(max_digits=14, decimal_places=2)
    cost_per_lead = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class CallCentreReportOutput(serializers.Serializer[Any]):
    calls = serializers.IntegerField()
    calls_answered = serializers.IntegerField()
    calls_missed = serializers.IntegerField()
    callbacks = serializers.IntegerField()
    callbacks_within_sla = serializers.IntegerField()
    requests_created = serializers.IntegerField()
    requests_done = serializers.IntegerField()
    conversion = serializers.FloatField()
    revenue = serializers.DecimalField(max_digits=14, decimal_places=2)
    by_status = serializers.DictField(child=serializers.IntegerField())
    campaigns = CampaignReportRow(many=True)


class MasterReportRow(serializers.Serializer[Any]):
    master_id = serializers.UUIDField()
    name = serializers.CharField()
    requests = serializers.IntegerField()
    done = serializers.IntegerField()
    completion_rate = serializers.FloatField()
    handover_due = serializers.DecimalField(max_digits=14, decimal_places=2)
    handover_received = serializers.DecimalField(max_digits=14, decimal_places=2)


class CallerCardOutput(serializers.Serializer[Any]):
    call_id = serializers.UUIDField()
    phone = serializers.CharField()
    campaign = serializers.CharField(allow_null=True)
    city = serializers.CharField(allow_null=True)
    recent_requests = RequestOutput(many=True, help_text="The caller's last 5 requests.")
    open_requests = RequestOutput(many=True)
    requests_total = serializers.IntegerField()


# --- staff ----------------------------------------------------------------------------------


class StaffOutput(serializers.Serializer[Any]):
    """A staff member (no password, no hash: only the one-time `initial_password` of a
    creation or reset is ever sent, once)."""

    id = serializers.IntegerField()
    user_id = serializers.UUIDField(source="user.pk")
    full_name = serializers.CharField(source="user.full_name")
    email = serializers.EmailField(source="user.email", allow_null=True)
    login_phone = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField()
    phone_number = serializers.CharField()
    status = serializers.CharField()
    extension = serializers.CharField()
    cities = serializers.SerializerMethodField()
    must_change_password = serializers.BooleanField(source="user.must_change_password")

    def get_login_phone(self, obj: Any) -> str | None:
        return str(obj.user.phone_number) if obj.user.phone_number else None

    def get_role(self, obj: Any) -> str:
        return str(self.context.get("roles", {}).get(obj.pk, ""))

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_cities(self, obj: Any) -> list[int]:
        return sorted(city.pk for city in obj.cities.all())


class StaffCreatedOutput(StaffOutput):
    initial_password = serializers.CharField(
        help_text="Shown once: the person must change it at the first sign-in."
    )


class StaffPasswordOutput(serializers.Serializer[Any]):
    initial_password = serializers.CharField()


class StaffCreateInput(serializers.Serializer[Any]):
    organization = serializers.UUIDField(required=False)
    role = serializers.ChoiceField(choices=STAFF_ROLE_CHOICES)
    full_name = serializers.CharField(max_length=300)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    cities = serializers.ListField(child=serializers.IntegerField(), required=False)
    status = serializers.ChoiceField(choices=StaffStatus.choices, required=False)
    extension = serializers.CharField(max_length=20, required=False, allow_blank=True)


class StaffUpdateInput(serializers.Serializer[Any]):
    full_name = serializers.CharField(max_length=300, required=False)
    phone_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    cities = serializers.ListField(child=serializers.IntegerField(), required=False)
    status = serializers.ChoiceField(choices=StaffStatus.choices, required=False)
    extension = serializers.CharField(max_length=20, required=False, allow_blank=True)


# --- alert rules ----------------------------------------------------------------------------
class AlertRuleOutput(serializers.ModelSerializer[AlertRule]):
    class Meta:
        model = AlertRule
        fields = ("id", "kind", "status", "threshold_minutes", "is_active")


class AlertRuleInput(serializers.Serializer[Any]):
    organization = serializers.UUIDField(required=False)
    kind = serializers.ChoiceField(choices=AlertKind.choices)
    status = serializers.ChoiceField(choices=RequestStatus.choices, required=False)
    threshold_minutes = serializers.IntegerField(min_value=0, max_value=7 * 24 * 60)
    is_active = serializers.BooleanField(required=False, default=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["kind"] == AlertKind.REQUESTS_STUCK and not attrs.get("status"):
            raise serializers.ValidationError({"status": ["Choose the status to watch."]})
        return attrs


class AlertRuleUpdateInput(serializers.Serializer[Any]):
    threshold_minutes = serializers.IntegerField(min_value=0, max_value=7 * 24 * 60, required=False)
    is_active = serializers.BooleanField(required=False)
