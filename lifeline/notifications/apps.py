from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "lifeline.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Registers the core topics; domain apps register theirs in their own ready().
        from lifeline.notifications import topics  # noqa: F401
