from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RealtimeConfig(AppConfig):
    name = "lifeline.realtime"
    label = "realtime"
    verbose_name = _("Real time")

    def ready(self) -> None:
        from lifeline.realtime import sockets

        sockets.connect_signals()
