from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EquipmentClass(models.TextChoices):
    """Ambulance classes of the Russian standard (GOST R 52567): B basic, C resuscitation."""

    A = "A", _("Class A (patient transport)")
    B = "B", _("Class B (basic life support)")
    C = "C", _("Class C (resuscitation)")


class Criticality(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    IMPORTANT = "important", _("Important")
    COMMON = "common", _("Common")


# Queue order: lower first.
CRITICALITY_RANK: dict[str, int] = {
    Criticality.CRITICAL: 0,
    Criticality.IMPORTANT: 1,
    Criticality.COMMON: 2,
}


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "unknown", _("Unknown")


class CallSource(models.TextChoices):
    DISPATCHER = "dispatcher", _("Dispatcher")
    INTAKE = "intake", _("Intake API")
    SOS = "sos", _("SOS escalation")


class CallStatus(models.TextChoices):
    # With a context: Django merges every app's catalogue into one, and the context-free
    # "New", "Completed", "Rejected", "Cancelled" of other apps (neuter in Russian) won.
    NEW = "NEW", pgettext_lazy("ambulance call status", "New")
    ASSIGNED = "ASSIGNED", pgettext_lazy("ambulance call status", "Assigned")
    EN_ROUTE = "EN_ROUTE", pgettext_lazy("ambulance call status", "En route")
    ON_SCENE = "ON_SCENE", pgettext_lazy("ambulance call status", "On scene")
    TRANSPORTING = "TRANSPORTING", pgettext_lazy("ambulance call status", "Transporting")
    AT_HOSPITAL = "AT_HOSPITAL", pgettext_lazy("ambulance call status", "At hospital")
    COMPLETED = "COMPLETED", pgettext_lazy("ambulance call status", "Completed")
    REJECTED = "REJECTED", pgettext_lazy("ambulance call status", "Rejected")
    CANCELLED = "CANCELLED", pgettext_lazy("ambulance call status", "Cancelled")
    # Recorded in the transition log only: the call itself goes back to NEW.
    TROUBLE = "TROUBLE", pgettext_lazy("ambulance call status", "Trouble reported")


OPEN_STATUSES = frozenset(
    {
        CallStatus.NEW,
        CallStatus.ASSIGNED,
        CallStatus.EN_ROUTE,
        CallStatus.ON_SCENE,
        CallStatus.TRANSPORTING,
        CallStatus.AT_HOSPITAL,
    }
)
# A team holding a call in one of these is busy.
IN_PROGRESS_STATUSES = OPEN_STATUSES - {CallStatus.NEW}

# Forward steps a member of the assigned team may take (status -> allowed next statuses).
CREW_TRANSITIONS: dict[str, frozenset[str]] = {
    CallStatus.ASSIGNED: frozenset({CallStatus.EN_ROUTE}),
    CallStatus.EN_ROUTE: frozenset({CallStatus.ON_SCENE}),
    CallStatus.ON_SCENE: frozenset({CallStatus.TRANSPORTING, CallStatus.COMPLETED}),
    CallStatus.TRANSPORTING: frozenset({CallStatus.AT_HOSPITAL}),
    CallStatus.AT_HOSPITAL: frozenset({CallStatus.COMPLETED}),
}
# The whole transition table (dispatcher steps included), for documentation and tests.
TRANSITIONS: dict[str, frozenset[str]] = {
    CallStatus.NEW: frozenset({CallStatus.ASSIGNED, CallStatus.REJECTED, CallStatus.CANCELLED}),
    CallStatus.ASSIGNED: frozenset({CallStatus.EN_ROUTE, CallStatus.CANCELLED, CallStatus.TROUBLE}),
    CallStatus.EN_ROUTE: frozenset({CallStatus.ON_SCENE, CallStatus.CANCELLED, CallStatus.TROUBLE}),
    CallStatus.ON_SCENE: frozenset(
        {CallStatus.TRANSPORTING, CallStatus.COMPLETED, CallStatus.CANCELLED}
    ),
    CallStatus.TRANSPORTING: frozenset({CallStatus.AT_HOSPITAL, CallStatus.CANCELLED}),
    CallStatus.AT_HOSPITAL: frozenset({CallStatus.COMPLETED, CallStatus.CANCELLED}),
    CallStatus.TROUBLE: frozenset({CallStatus.NEW}),
}


class RejectReason(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate")
    FALSE_CALL = "false_call", _("False call")
    REFERRED = "referred", _("Referred elsewhere")


class TroubleKind(models.TextChoices):
    CAR_BROKEN = "car_broken", _("Car broken")
    CREW = "crew", _("Crew (human factor)")
    EXTERNAL = "external", _("External factor")


# Choice sets of the API (named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
CREW_STEP_CHOICES = [
    (status.value, status.label)
    for status in (
        CallStatus.EN_ROUTE,
        CallStatus.ON_SCENE,
        CallStatus.TRANSPORTING,
        CallStatus.AT_HOSPITAL,
        CallStatus.COMPLETED,
    )
]
LISTABLE_STATUS_CHOICES = [
    (status.value, status.label) for status in CallStatus if status != CallStatus.TROUBLE
]
