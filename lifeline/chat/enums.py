from django.db import models
from django.utils.translation import gettext_lazy as _


class ConversationTopic(models.TextChoices):
    """Preset topics a patient picks when starting a conversation."""

    MEDICATION = "medication", _("Question about medication")
    SIDE_EFFECTS = "side_effects", _("Side effects")
    TEST_RESULTS = "test_results", _("Test results")
    APPOINTMENT = "appointment", _("Appointment")
    OTHER = "other", _("Other")


class ReferenceKind(models.TextChoices):
    """What clinic object a conversation may refer to (stored as kind + UUID, no FK)."""

    ASSESSMENT = "assessment", _("Assessment")
    CONCLUSION = "conclusion", _("Conclusion")


class MessageKind(models.TextChoices):
    TEXT = "text", _("Text")
    ATTACHMENT = "attachment", _("Attachment")
    VOICE = "voice", _("Voice message")


class ReceiptState(models.TextChoices):
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")


class ParticipantRole(models.TextChoices):
    PATIENT = "patient", _("Patient")
    DOCTOR = "doctor", _("Doctor")
