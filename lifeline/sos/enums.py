from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DetectedType(models.TextChoices):
    FALL_DETECTED = "FALL_DETECTED", _("Fall detected")
    MANUAL_TRIGGER = "MANUAL_TRIGGER", _("Manual trigger")
    OTHER = "OTHER", _("Other")


class EventStatus(models.TextChoices):
    # A context of their own: "New"/"Accepted" are translated for other nouns elsewhere, and
    # Russian agrees the adjective with "событие" (neuter).
    NEW = "NEW", pgettext_lazy("sos event status", "New")
    ACCEPTED = "ACCEPTED", pgettext_lazy("sos event status", "Accepted")
    RESOLVED = "RESOLVED", pgettext_lazy("sos event status", "Resolved")
    CANCELLED = "CANCELLED", pgettext_lazy("sos event status", "Cancelled")
    ESCALATED = "ESCALATED", pgettext_lazy("sos event status", "Escalated")


# Events a helper can still accept, and that still count for dedup.
OPEN_STATUSES = (EventStatus.NEW, EventStatus.ACCEPTED, EventStatus.ESCALATED)
ACCEPTABLE_STATUSES = (EventStatus.NEW, EventStatus.ESCALATED)


class SeenVia(models.TextChoices):
    BLE = "BLE", "BLE"
    HTTP = "HTTP", "HTTP"
    LTE = "LTE", "LTE"


class TriggerSource(models.TextChoices):
    API = "api", _("Mobile API")
    DEVICE_TOKEN = "device_token", _("Device token")
    OSMAND = "osmand", _("OsmAnd protocol")
    WEB = "web", _("Web app")


class AlertStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", pgettext_lazy("sos alert status", "Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    TAKEN = "taken", _("Taken by another helper")
    CLOSED = "closed", _("Event closed")


class TimelineKind(models.TextChoices):
    # Contexts on the generic words: Russian agrees them with the step's noun, and other
    # catalogues translate them for other nouns (Django merges all catalogues into one).
    CREATED = "created", pgettext_lazy("sos timeline", "Created")
    DUPLICATE = "duplicate", _("Duplicate trigger joined")
    HELPERS_ALERTED = "helpers_alerted", _("Helpers alerted")
    RADIUS_WIDENED = "radius_widened", _("Search radius widened")
    ACCEPTED = "accepted", pgettext_lazy("sos timeline", "Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Helper withdrew")
    CANCELLED = "cancelled", pgettext_lazy("sos timeline", "Cancelled")
    RESOLVED = "resolved", _("Resolved")
    ESCALATED = "escalated", _("Escalated")
    CONTACTS_TOLD = "contacts_told", _("Emergency contacts told")
    # Written back by ambulance dispatch (sos.services.flows) for an escalated event.
    DISPATCH_CALL = "dispatch_call", _("Ambulance call filed")
    DISPATCH_ASSIGNED = "dispatch_assigned", _("Ambulance team assigned")
    DISPATCH_REQUEUED = "dispatch_requeued", _("Ambulance call back in the queue")
    DISPATCH_COMPLETED = "dispatch_completed", _("Ambulance call completed")
    DISPATCH_REJECTED = "dispatch_rejected", _("Ambulance call rejected")
    DISPATCH_CANCELLED = "dispatch_cancelled", _("Ambulance call cancelled")


DISPATCH_KINDS = (
    TimelineKind.DISPATCH_CALL,
    TimelineKind.DISPATCH_ASSIGNED,
    TimelineKind.DISPATCH_REQUEUED,
    TimelineKind.DISPATCH_COMPLETED,
    TimelineKind.DISPATCH_REJECTED,
    TimelineKind.DISPATCH_CANCELLED,
)
