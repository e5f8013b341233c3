"""Who may read the audit trail, answered by `access` (registered in its ready()).

Every service records into the trail, `access`'s included, so `audit` sits below `access` in
the import layers and cannot ask it who administers what. `AccessConfig.ready()` registers
the two answers the search needs:

    register_audit_readers(
        can_view=access.permissions.can_view_audit,            # may search at all
        organization_ids=access.selectors.audit_organization_ids_for,  # None: every one
    )

Nothing registered is a configuration error, never an open trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


class CanView(Protocol):
    def __call__(self, user: Any) -> bool: ...


class OrganizationIds(Protocol):
    def __call__(self, *, actor: Any) -> list[str] | None: ...


@dataclass(frozen=True)
class _Readers:
    can_view: CanView
    organization_ids: OrganizationIds


_readers: _Readers | None = None


def register_audit_readers(*, can_view: CanView, organization_ids: OrganizationIds) -> None:
    """Install the answers (the access app, once, in ready()); a second call replaces them."""
    global _readers
    _readers = _Readers(can_view=can_view, organization_ids=organization_ids)


def _registered() -> _Readers:
    if _readers is None:
        raise ImproperlyConfigured(
            "No audit readers registered: lifeline.access must be in INSTALLED_APPS."
        )
    return _readers


def can_view_audit(user: Any) -> bool:
    """Search the audit trail at all (platform and organization administrators)."""
    return _registered().can_view(user)


def audit_organization_ids_for(*, actor: Any) -> list[str] | None:
    """The organizations (ids as text) whose events `actor` reads; None: every event."""
    return _registered().organization_ids(actor=actor)
