from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lifeline.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from lifeline.accounts import schema  # noqa: F401  registers the OpenAPI auth scheme
        from lifeline.accounts.auth_cache import connect_signals as connect_auth_cache
        from lifeline.accounts.signals import connect_signals as connect_session_signals

        connect_auth_cache()
        connect_session_signals()
