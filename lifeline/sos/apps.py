from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SosConfig(AppConfig):
    name = "lifeline.sos"
    label = "sos"
    verbose_name = _("Wearable SOS")
