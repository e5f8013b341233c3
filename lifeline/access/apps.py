from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "lifeline.access"
    label = "access"
    verbose_name = _("Access")

    def ready(self) -> None:
        from lifeline.access import membership_signals, permissions, selectors
        from lifeline.accounts.roles import register_role_lookups
        from lifeline.audit.permissions import register_audit_readers

        membership_signals.connect_signals()
        # The apps below `access` ask it through these hooks (accounts.roles, audit.permissions).
        register_role_lookups(
            roles_of=selectors.roles_of,
            has_any_role=selectors.user_has_any_role,
            can_unlock_accounts=permissions.can_unlock_accounts,
        )
        register_audit_readers(
            can_view=permissions.can_view_audit,
            organization_ids=selectors.audit_organization_ids_for,
        )
