from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lifeline.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from lifeline.accounts import schema  # noqa: F401  registers the OpenAPI auth scheme
        from lifeline.accounts import session_sockets as sockets  # noqa: PLC0415
        from lifeline.accounts.auth_cache import connect_signals  # noqa: PLC0415

        connect_signals()
        sockets.connect_signals()
