"""`can_*` predicates of the freelance module; they ask access only (roles by organization)."""

from __future__ import annotations

from typing import Any

from lifeline.access.enums import Role
from lifeline.access.permissions import is_platform_admin, memberships_of
from lifeline.freelance.enums import GigStatus
from lifeline.freelance.models import Dispute, Gig, Order

SELLER_ROLES = (Role.SELLER, Role.FREELANCER)


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def organization_ids_with(user: Any, roles: tuple[str, ...]) -> list[Any]:
    if not _authenticated(user):
        return []
    return list(
        memberships_of(user=user)
        .filter(role__in=list(roles))
        .values_list("organization_id", flat=True)
        .distinct()
    )


def seller_organization_ids(user: Any) -> list[Any]:
    return organization_ids_with(user, SELLER_ROLES)


def moderator_organization_ids(user: Any) -> list[Any]:
    return organization_ids_with(user, (Role.MODERATOR,))


def is_seller(user: Any) -> bool:
    return bool(seller_organization_ids(user))


def is_moderator(user: Any, organization_id: Any | None = None) -> bool:
    if not _authenticated(user):
        return False
    if is_platform_admin(user):
        return True
    ids = moderator_organization_ids(user)
    return bool(ids) if organization_id is None else organization_id in ids


def is_buyer_in(user: Any, organization_id: Any) -> bool:
    if not _authenticated(user):
        return False
    return (
        memberships_of(user=user).filter(role=Role.BUYER, organization_id=organization_id).exists()
    )


def can_edit_gig(user: Any, gig: Gig) -> bool:
    return _authenticated(user) and gig.seller_id == user.pk


def can_moderate_gig(user: Any, gig: Gig) -> bool:
    return is_moderator(user, gig.organization_id)


def can_order_gig(user: Any, gig: Gig) -> bool:
    return gig.seller_id != getattr(user, "pk", None) and is_buyer_in(user, gig.organization_id)


def party_of(user: Any, order: Order) -> str | None:
    """'buyer', 'seller' or None: which side of `order` the user is on."""
    if not _authenticated(user):
        return None
    if order.buyer_id == user.pk:
        return "buyer"
    if order.seller_id == user.pk:
        return "seller"
    return None


def is_platform_admin_user(user: Any) -> bool:
    return is_platform_admin(user)


def moderators_of(organization_id: Any) -> Any:
    """Users holding the moderator role in the marketplace (active memberships)."""
    from lifeline.accounts.models import User

    return User.objects.filter(
        memberships__organization_id=organization_id,
        memberships__role=Role.MODERATOR,
        memberships__is_active=True,
    ).distinct()


def can_view_order_files(user: Any, order: Order) -> bool:
    """The files of an order (requirements, deliveries): its buyer and seller, and a moderator
    of its marketplace once it is disputed (the moderator decides from them). Nobody else."""
    if party_of(user, order) is not None:
        return True
    if not is_moderator(user, order.organization_id):
        return False
    return Dispute.objects.filter(order_id=order.pk).exists()


def can_view_gig_image(user: Any, image: Any) -> bool:
    """The files service's access rule for gig images: whoever may open the gig (anyone, for
    an active gig; its seller and its marketplace's moderators otherwise)."""
    gig = image.gig
    if gig.status == GigStatus.ACTIVE:
        return True
    return _authenticated(user) and (
        gig.seller_id == user.pk or is_moderator(user, gig.organization_id)
    )
