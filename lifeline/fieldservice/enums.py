from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RequestStatus(models.TextChoices):
    """The 12 statuses of the seed (Russian names in the ru catalogue)."""

    NEW = "new", pgettext_lazy("fieldservice status", "New")
    WAITING = "waiting", pgettext_lazy("fieldservice status", "Waiting")
    AWAITING_ACCEPTANCE = (
        "awaiting_acceptance",
        pgettext_lazy("fieldservice status", "Awaiting acceptance"),
    )
    ACCEPTED = "accepted", pgettext_lazy("fieldservice status", "Accepted")
    EN_ROUTE = "en_route", pgettext_lazy("fieldservice status", "En route")
    IN_PROGRESS = "in_progress", pgettext_lazy("fieldservice status", "In progress")
    DONE = "done", pgettext_lazy("fieldservice status", "Done")
    REFUSED = "refused", pgettext_lazy("fieldservice status", "Refused")
    MODERN = "modern", pgettext_lazy("fieldservice status", "Modern (follow-up work)")
    NOT_ORDERED = "not_ordered", pgettext_lazy("fieldservice status", "Not an order")
    CALL_BACK = "call_back", pgettext_lazy("fieldservice status", "Call back")
    TNO = "tno", pgettext_lazy("fieldservice status", "TNO (cannot be serviced)")


CLOSED_STATUSES = frozenset(
    {RequestStatus.DONE, RequestStatus.REFUSED, RequestStatus.NOT_ORDERED, RequestStatus.TNO}
)
OPEN_STATUSES = frozenset(set(RequestStatus) - CLOSED_STATUSES)


class RequestTypeCode(models.TextChoices):
    """The request types the telephony picks by the phone's history."""

    FIRST = "first", pgettext_lazy("fieldservice request type", "First time")
    REPEAT = "repeat", pgettext_lazy("fieldservice request type", "Repeat")


class TransactionKind(models.TextChoices):
    INCOME = "income", pgettext_lazy("fieldservice transaction kind", "Income")
    EXPENSE = "expense", pgettext_lazy("fieldservice transaction kind", "Expense")


class StaffStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("fieldservice staff status", "Active")
    ON_LEAVE = "on_leave", pgettext_lazy("fieldservice staff status", "On leave")
    FIRED = "fired", pgettext_lazy("fieldservice staff status", "Fired")


class CallDirection(models.TextChoices):
    INCOMING = "incoming", pgettext_lazy("fieldservice call direction", "Incoming")
    OUTGOING = "outgoing", pgettext_lazy("fieldservice call direction", "Outgoing")
    INTERNAL = "internal", pgettext_lazy("fieldservice call direction", "Internal")


class CallOutcome(models.TextChoices):
    PENDING = "pending", pgettext_lazy("fieldservice call outcome", "In progress")
    ANSWERED = "answered", pgettext_lazy("fieldservice call outcome", "Answered")
    MISSED = "missed", pgettext_lazy("fieldservice call outcome", "Missed")


class CallbackStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("fieldservice callback status", "Open")
    TAKEN = "taken", pgettext_lazy("fieldservice callback status", "Taken")
    DONE = "done", pgettext_lazy("fieldservice callback status", "Done")


class MangoEventKind(models.TextChoices):
    CALL = "call", "events/call"
    SUMMARY = "summary", "events/summary"
    RECORDING = "recording", "events/recording"
    OTHER = "other", pgettext_lazy("fieldservice event kind", "Other")


# The roles the staff pages create and edit (directors are set up by platform admins).
STAFF_ROLE_CHOICES = [
    ("operator", pgettext_lazy("fieldservice role", "Operator")),
    ("master", pgettext_lazy("fieldservice role", "Master")),
    ("manager", pgettext_lazy("fieldservice role", "Manager")),
]


class AlertKind(models.TextChoices):
    CALLBACKS_OVERDUE = "callbacks_overdue", _("Missed calls not called back in time")
    REQUESTS_STUCK = "requests_stuck", _("Requests stuck in a status")
