from django.db import models
from django.utils.translation import gettext_lazy as _


class UserStatus(models.TextChoices):
    ACTIVE = "ACTIVE", _("Active")
    INACTIVE = "INACTIVE", _("Inactive")
    BANNED = "BANNED", _("Banned")
