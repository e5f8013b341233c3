"""Django permissions for platform administrators in the admin.

Django's admin asks `user.has_perm("<app>.<action>_<model>")` for every page. A superuser
has them all; this backend gives the same to an active staff user who is a platform
administrator (`platform_admin` membership in a platform organization), so the role, not
per-user permission rows, decides. ModelAdmins still narrow it (the audit log stays
read-only). It never authenticates anyone. Listed in AUTHENTICATION_BACKENDS.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from lifeline.access.permissions import is_platform_admin

_CACHE_ATTR = "_lifeline_platform_admin"


def _platform_staff(user: Any) -> bool:
    if not (getattr(user, "is_active", False) and getattr(user, "is_staff", False)):
        return False
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = is_platform_admin(user)
        setattr(user, _CACHE_ATTR, cached)
    return bool(cached)


class PlatformAdminPermissionBackend(BaseBackend):
    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return _platform_staff(user_obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return _platform_staff(user_obj)
