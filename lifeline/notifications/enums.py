from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In-app")
    # A context: the short column name; a bare "E-mail" is the address field everywhere.
    EMAIL = "email", pgettext_lazy("notification channel", "E-mail")
    PUSH = "push", _("Push")
    SMS = "sms", _("SMS")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")
    READ = "read", _("Read")


class DeviceKind(models.TextChoices):
    FCM = "fcm", _("Firebase Cloud Messaging")
    WEBPUSH = "webpush", _("Web Push")
