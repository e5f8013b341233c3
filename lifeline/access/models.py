"""Organizations and who belongs to them in which role."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from lifeline.access.enums import OrganizationKind, Role
from lifeline.core.models import TimestampedModel, UUIDModel


class Organization(UUIDModel):
    """A tenant: a clinic, an SOS service, an ambulance station, a service company, a market."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo organization"), default=False)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(TimestampedModel):
    """`user` holds `role` in `organization`. Inactive memberships grant nothing.

    States: pending (inactive, not approved, not revoked: a request awaiting an admin),
    active, revoked (inactive with `revoked_at`). Rows are never deleted by the services.
    """

    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique_role"
            ),
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["organization", "role", "is_active"]),
            # "Does this user hold this role here?" answered from the index alone (the
            # nearest-helper search asks it for every candidate in its bounding box).
            models.Index(
                fields=["user", "organization", "role"],
                name="membership_active_role",
                condition=models.Q(is_active=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role}@{self.organization_id}"
