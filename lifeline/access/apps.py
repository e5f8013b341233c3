from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "lifeline.access"
    label = "access"
    verbose_name = _("Access")

    def ready(self) -> None:
        from lifeline.access import membership_sockets  # noqa: PLC0415

        membership_sockets.connect_signals()
