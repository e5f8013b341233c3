from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MessageKind(models.TextChoices):
    TEXT = "text", _("Text")
    ATTACHMENT = "attachment", _("Attachment")
    VOICE = "voice", _("Voice message")
    # A record of the conversation's domain (e.g. a custom offer), rendered by its policy.
    CARD = "card", pgettext_lazy("chat message kind", "Card")


class ReceiptState(models.TextChoices):
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
