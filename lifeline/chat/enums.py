from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageKind(models.TextChoices):
    TEXT = "text", _("Text")
    ATTACHMENT = "attachment", _("Attachment")
    VOICE = "voice", _("Voice message")


class ReceiptState(models.TextChoices):
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
