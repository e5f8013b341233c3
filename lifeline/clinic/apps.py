from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicConfig(AppConfig):
    name = "lifeline.clinic"
    label = "clinic"
    verbose_name = _("Pain clinic")
