"""Models of the fieldservice module: reference data, staff, requests, money, telephony."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lifeline.core.models import TimestampedModel, UUIDModel
from lifeline.fieldservice.enums import (
    AlertKind,
    CallbackStatus,
    CallDirection,
    CallOutcome,
    MangoEventKind,
    RequestStatus,
    RequestTypeCode,
    StaffStatus,
    TransactionKind,
)


class CompanySettings(TimestampedModel):
    """A service company's money and call-centre settings (one row per organization)."""

    organization = models.OneToOneField(
        "access.Organization", on_delete=models.CASCADE, related_name="fieldservice_settings"
    )
    # The share of a request's net amount the master hands over to the company.
    company_share = models.DecimalField(
        _("company share"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.500"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    callback_sla_minutes = models.PositiveIntegerField(_("callback SLA, minutes"), default=15)

    class Meta:
        verbose_name = _("company settings")
        verbose_name_plural = _("company settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(company_share__gte=0) & models.Q(company_share__lte=1),
                name="fieldservice_share_between_0_and_1",
            )
        ]


class _Reference(TimestampedModel):
    organization = models.ForeignKey("access.Organization", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        abstract = True
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name


class City(_Reference):
    """A city the company works in; operators and masters are granted cities."""

    class Meta(_Reference.Meta):
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="fs_city_unique_name")
        ]


class RequestType(_Reference):
    """«Впервые», «Повтор» and any others; `code` marks the ones the telephony picks."""

    code = models.CharField(_("code"), max_length=20, choices=RequestTypeCode.choices, blank=True)

    class Meta(_Reference.Meta):
        verbose_name = _("request type")
        verbose_name_plural = _("request types")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="fs_requesttype_unique_name"
            ),
            models.UniqueConstraint(
                fields=["organization", "code"],
                condition=~models.Q(code=""),
                name="fs_requesttype_unique_code",
            ),
        ]


class Direction(_Reference):
    """A kind of work (washing machines, plumbing…)."""

    class Meta(_Reference.Meta):
        verbose_name = _("direction")
        verbose_name_plural = _("directions")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="fs_direction_unique_name"
            )
        ]


class Campaign(_Reference):
    """An advertising campaign: a city, a name and the phone line whose calls it brings."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="campaigns")
    # E.164; a tracked line belongs to one campaign on the whole platform (webhooks find it).
    phone_number = models.CharField(_("tracked phone line"), max_length=20, unique=True)
    monthly_cost = models.DecimalField(
        _("monthly cost"), null=True, blank=True, max_digits=12, decimal_places=2
    )

    class Meta(_Reference.Meta):
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "city", "name"], name="fs_campaign_unique_name"
            )
        ]


class TransactionType(_Reference):
    """«Приход» (income), «Расход» (expense) and the company's own kinds."""

    kind = models.CharField(
        pgettext_lazy("fieldservice", "kind"), max_length=10, choices=TransactionKind.choices
    )
    is_request_income = models.BooleanField(default=False)

    class Meta(_Reference.Meta):
        verbose_name = _("transaction type")
        verbose_name_plural = _("transaction types")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="fs_transactiontype_unique_name"
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(is_request_income=True),
                name="fs_transactiontype_one_request_income",
            ),
        ]


class StaffProfile(TimestampedModel):
    """A person's field-service details in one company: cities granted, phone, status,
    and the PBX extension that identifies an operator in Mango events."""

    organization = models.ForeignKey("access.Organization", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fieldservice_profiles"
    )
    cities = models.ManyToManyField(City, blank=True, related_name="staff")
    phone_number = models.CharField(_("phone"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=StaffStatus.choices, default=StaffStatus.ACTIVE
    )
    extension = models.CharField(_("PBX extension"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="fs_staff_unique_user")
        ]


class ServiceRequest(UUIDModel):
    """A заявка: a client's order for a repair, from the call to the money handed over.

    `net_amount` and `master_handover` are computed by the services from `result`,
    `expenses` and the company share; clients never set them.
    """

    organization = models.ForeignKey("access.Organization", on_delete=models.CASCADE)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="requests")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    request_type = models.ForeignKey(
        RequestType, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    direction = models.ForeignKey(
        Direction, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    client_phone = models.CharField(_("client phone"), max_length=20)
    client_name = models.CharField(_("client name"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    meeting_at = models.DateTimeField(_("meeting time"), null=True, blank=True)
    problem = models.TextField(_("problem"), blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    master = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fieldservice_requests",
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fieldservice_taken_requests",
    )
    master_notes = models.TextField(_("master's notes"), blank=True)
    call_centre_notes = models.TextField(_("call-centre notes"), blank=True)
    ats_number = models.CharField(_("ATS number"), max_length=20, blank=True)
    result = models.DecimalField(
        pgettext_lazy("fieldservice", "result"),
        null=True,
        blank=True,
        max_digits=12,
        decimal_places=2,
    )
    expenses = models.DecimalField(
        _("expenses"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    net_amount = models.DecimalField(
        _("net amount"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    master_handover = models.DecimalField(
        _("master handover"), null=True, blank=True, max_digits=12, decimal_places=2
    )

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="fs_req_org_created"),
            models.Index(fields=["organization", "client_phone"], name="fs_req_org_phone"),
            models.Index(fields=["organization", "status"], name="fs_req_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(result__isnull=True) | models.Q(result__gte=0),
                name="fs_req_result_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(expenses__isnull=True) | models.Q(expenses__gte=0),
                name="fs_req_expenses_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_phone} ({self.get_status_display()})"


class RequestChange(TimestampedModel):
    """One change of a request: who, when, status from/to and the changed fields."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    from_status = models.CharField(max_length=24, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=RequestStatus.choices, blank=True)
    fields = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("request change")
        verbose_name_plural = _("request changes")
        ordering = ("created_at", "id")


class RequestFile(TimestampedModel):
    """A file attached to a request (BSO, expense receipt, call recording), stored by the
    files app: downloads go through its access check (`can_view_request_file`), never a
    public media URL."""

    class Purpose(models.TextChoices):
        BSO = "bso", _("BSO (strict-reporting form)")
        EXPENSE = "expense", _("Expense receipt")
        RECORDING = "recording", _("Call recording")
        OTHER = "other", _("Other")

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="files")
    file = models.OneToOneField("files.StoredFile", on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("request file")
        verbose_name_plural = _("request files")
        ordering = ("created_at", "id")


class Transaction(UUIDModel):
    """Money in or out of the company; an income linked to a request is its handover."""

    organization = models.ForeignKey("access.Organization", on_delete=models.CASCADE)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="transactions")
    transaction_type = models.ForeignKey(
        TransactionType, on_delete=models.PROTECT, related_name="transactions"
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    specified_date = models.DateField(_("date"))
    payment_reason = models.CharField(
        pgettext_lazy("fieldservice", "reason"), max_length=300, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    # The request whose «Готово» created this income: at most one per request.
    request = models.OneToOneField(
        ServiceRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="income_transaction",
    )
    master = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fieldservice_handovers",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="fs_tx_org_created")
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="fs_tx_amount_gte_0")
        ]


class TransactionFile(TimestampedModel):
    """A receipt of a transaction (photo or PDF), stored by the files app: downloads go
    through its access check (`can_view_transaction_file`: whoever sees the transaction),
    never a public media URL."""

    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, related_name="files")
    file = models.OneToOneField("files.StoredFile", on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("transaction receipt")
        verbose_name_plural = _("transaction receipts")
        ordering = ("created_at", "id")


class MangoEvent(TimestampedModel):
    """One webhook from Mango, stored once: a retried or replayed webhook changes nothing."""

    kind = models.CharField(max_length=12, choices=MangoEventKind.choices)
    path = models.CharField(max_length=100)
    entry_id = models.CharField(max_length=100, blank=True)
    seq = models.BigIntegerField(default=0)
    payload = models.JSONField()
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("telephony event")
        verbose_name_plural = _("telephony events")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "entry_id", "seq"],
                condition=~models.Q(entry_id=""),
                name="fs_mango_event_once",
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(processed_at__isnull=True),
                name="fs_mango_unprocessed",
            )
        ]


class Call(UUIDModel):
    """One call through the PBX, all its legs joined on Mango's `entry_id`."""

    organization = models.ForeignKey(
        "access.Organization", on_delete=models.CASCADE, null=True, blank=True
    )
    entry_id = models.CharField(max_length=100, unique=True)
    direction = models.CharField(
        max_length=10, choices=CallDirection.choices, default=CallDirection.INCOMING
    )
    from_number = models.CharField(max_length=20, blank=True)
    to_number = models.CharField(max_length=20, blank=True)
    line_number = models.CharField(max_length=20, blank=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True)
    city = models.ForeignKey(City, on_delete=models.SET_NULL, null=True, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    outcome = models.CharField(
        max_length=10, choices=CallOutcome.choices, default=CallOutcome.PENDING
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(default=0)
    finalized_at = models.DateTimeField(null=True, blank=True)
    request = models.ForeignKey(
        ServiceRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )

    class Meta:
        verbose_name = _("phone call")
        verbose_name_plural = _("phone calls")
        indexes = [models.Index(fields=["organization", "-created_at"], name="fs_call_org_created")]


class CallRecording(UUIDModel):
    """A Mango recording to download (`queries/recording/post`). The link Mango returns is
    one-time and the file may not be ready: `next_attempt_at` is the deadline the sweep
    retries at, with backoff, for up to 10 minutes; `file` is set once stored."""

    recording_id = models.CharField(max_length=200, unique=True)
    entry_id = models.CharField(max_length=100, blank=True)
    call = models.ForeignKey(
        Call, on_delete=models.SET_NULL, null=True, blank=True, related_name="recordings"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)
    file = models.OneToOneField(
        "files.StoredFile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("call recording")
        verbose_name_plural = _("call recordings")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(next_attempt_at__isnull=False),
                name="fs_recording_due",
            )
        ]


class CallbackTask(UUIDModel):
    """A missed call the call centre must return before `due_at`; escalated to managers
    by the sweep (`fieldservice.run_due`) once the SLA passes."""

    organization = models.ForeignKey("access.Organization", on_delete=models.CASCADE)
    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="callback")
    city = models.ForeignKey(City, on_delete=models.SET_NULL, null=True, blank=True)
    phone = models.CharField(max_length=20)
    status = models.CharField(
        max_length=10, choices=CallbackStatus.choices, default=CallbackStatus.OPEN
    )
    due_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    taken_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("callback task")
        verbose_name_plural = _("callback tasks")
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(status="open", escalated_at__isnull=True),
                name="fs_callback_due",
            )
        ]


class AlertRule(TimestampedModel):
    """A condition watched by the sweep (`services/alerts.py`): missed calls not called
    back `threshold_minutes` past their deadline, or requests in `status` unchanged for
    `threshold_minutes`. Alerts go to the company's Telegram chat."""

    organization = models.ForeignKey("access.Organization", on_delete=models.CASCADE)
    kind = models.CharField(
        pgettext_lazy("fieldservice", "kind"), max_length=24, choices=AlertKind.choices
    )
    status = models.CharField(_("status"), max_length=24, choices=RequestStatus.choices, blank=True)
    threshold_minutes = models.PositiveIntegerField(_("after, minutes"), default=0)
    is_active = models.BooleanField(pgettext_lazy("fieldservice", "active"), default=True)

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "status"], name="fs_alertrule_unique"
            )
        ]


class Alert(TimestampedModel):
    """One firing of a rule, from the first run that sees the condition to the first that
    sees it clear: one message when it opens, a reminder every repeat interval while it
    lasts, one «resolved» message when it clears (only if the opening one went out)."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    count = models.PositiveIntegerField(default=0)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # When the last firing message went out (None: not yet, e.g. rate-limited).
    notified_at = models.DateTimeField(null=True, blank=True)
    resolved_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["rule"],
                condition=models.Q(resolved_at__isnull=True),
                name="fs_alert_one_open_per_rule",
            )
        ]


class MailboxPoll(TimestampedModel):
    """The state of the IMAP mailbox poll (`services/mail_recordings.py`), one row per
    mailbox: `claimed_at` is held while a poll runs, so however many workers and beats
    there are, one poll reads the mailbox at a time (a dead poll's claim expires)."""

    mailbox = models.CharField(max_length=64, unique=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    # The exception type of the last failure (never the message: it may hold the login).
    last_error = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("mailbox poll")
        verbose_name_plural = _("mailbox polls")


class MailMessage(TimestampedModel):
    """A message read from the recordings mailbox, stored once its attachments are: a
    message whose `message_id` is here is never read again; one that failed half-way is
    not here and is read again by the next poll."""

    message_id = models.CharField(max_length=255, unique=True)
    attachments = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("recordings e-mail")
        verbose_name_plural = _("recordings e-mails")


class MailRecording(UUIDModel):
    """A call recording that came by e-mail (Rambler-style name `YYYY.MM.DD__HH-MM-SS__from__to…`),
    stored once by content hash through the files service and linked to the request from
    `from_number` created within ±30 minutes of `recorded_at`."""

    class Outcome(models.TextChoices):
        STORED = "stored", _("Stored")
        NO_LINE = "no_line", _("Unknown line")
        REJECTED = "rejected", _("Not a recording")

    message = models.ForeignKey(MailMessage, on_delete=models.CASCADE, related_name="recordings")
    sha256 = models.CharField(max_length=64, unique=True)
    file_name = models.CharField(max_length=200)
    from_number = models.CharField(max_length=20)
    to_number = models.CharField(max_length=20)
    recorded_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    organization = models.ForeignKey(
        "access.Organization", on_delete=models.CASCADE, null=True, blank=True
    )
    request = models.ForeignKey(
        ServiceRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mail_recordings",
    )
    file = models.OneToOneField(
        "files.StoredFile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("e-mailed call recording")
        verbose_name_plural = _("e-mailed call recordings")
        indexes = [
            models.Index(
                fields=["recorded_at"],
                condition=models.Q(request__isnull=True, file__isnull=False),
                name="fs_mailrec_unlinked",
            )
        ]
