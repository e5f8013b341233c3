"""The default SOS service (the organization of self-registered people) and joining it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings as django_settings

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.services import membership_admit, membership_request, organization_ensure
from lifeline.sos import selectors
from lifeline.sos.exceptions import HelperApprovalPending

if TYPE_CHECKING:
    from lifeline.access.models import Organization
    from lifeline.accounts.models import User

logger = logging.getLogger(__name__)


def default_service_ensure() -> Organization | None:
    """The deployment's default SOS service: the SOS-service organization whose slug is
    `LIFELINE_DEFAULT_SOS_SERVICE`, created on first use. None when the setting is empty, or
    when that slug is taken by an inactive organization or one of another kind (logged)."""
    slug = str(getattr(django_settings, "LIFELINE_DEFAULT_SOS_SERVICE", "") or "").strip()
    if not slug:
        return None
    organization = organization_ensure(
        slug=slug, kind=OrganizationKind.SOS_SERVICE, name="Lifeline SOS", via="sos"
    )
    if organization.kind != OrganizationKind.SOS_SERVICE or not organization.is_active:
        logger.error("sos.default_service_unusable", extra={"slug": slug})
        return None
    return organization


def device_owner_admit(*, user: User, via: str) -> Any:
    """The id of `user`'s SOS-service organization; a person in none joins the default
    service as a device owner (None if there is no default service)."""
    organization_id = selectors.sos_service_id_of(user=user)
    if organization_id is not None:
        return organization_id
    service = default_service_ensure()
    if service is None:
        return None
    membership_admit(
        user=user, organization=service, role=Role.DEVICE_OWNER, granted_by=None, via=via
    )
    return service.pk


def helper_role_request(*, user: User) -> None:
    """Ask the default SOS service for the helper role; raises HelperApprovalPending once the
    request exists (a revoked helper is not asked again: the caller refuses as before)."""
    service = default_service_ensure()
    if service is None:
        return
    membership = membership_request(user=user, organization=service, role=Role.HELPER)
    if membership.revoked_at is None and not membership.is_active:
        raise HelperApprovalPending()
