"""`can_*` predicates of the market module, shared by the API and the pages.

Sellers, buyers and moderators are users holding those roles in an organization of kind
`marketplace`. Anonymous users may only browse.
"""

from __future__ import annotations

from typing import Any

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.permissions import is_platform_admin, memberships_of
from lifeline.market.models import Order, Product


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def marketplace_organization_ids(user: Any, role: str) -> list[Any]:
    """The marketplace organizations in which `user` holds `role`."""
    if not _authenticated(user):
        return []
    return list(
        memberships_of(user=user)
        .filter(role=role, organization__kind=OrganizationKind.MARKETPLACE)
        .values_list("organization_id", flat=True)
        .order_by("organization_id")
    )


def is_seller(user: Any) -> bool:
    return bool(marketplace_organization_ids(user, Role.SELLER))


def is_buyer(user: Any) -> bool:
    return bool(marketplace_organization_ids(user, Role.BUYER))


def is_moderator(user: Any) -> bool:
    return is_platform_admin(user) or bool(marketplace_organization_ids(user, Role.MODERATOR))


def can_edit_product(user: Any, product: Product) -> bool:
    """Only the product's own seller edits, submits, pauses or archives it."""
    return _authenticated(user) and product.seller_id == user.pk


def can_moderate_product(user: Any, product: Product) -> bool:
    """Moderators of the product's marketplace (and platform admins) approve or reject it."""
    if not _authenticated(user):
        return False
    if is_platform_admin(user):
        return True
    return product.organization_id in marketplace_organization_ids(user, Role.MODERATOR)


def can_fulfil_order(user: Any, order: Order) -> bool:
    """The order's seller confirms, ships and marks it delivered."""
    return _authenticated(user) and order.seller_id == user.pk


def can_cancel_order(user: Any, order: Order) -> bool:
    """The seller cancels their part; the buyer cancels while it is new (selectors decide
    visibility, the service decides the status)."""
    return _authenticated(user) and user.pk in (order.seller_id, order.buyer_id)


def can_view_product_image(user: Any, image: Any) -> bool:
    """The files service's access rule for product images: the product is visible to `user`."""
    from lifeline.market.selectors import product_scope_for

    return product_scope_for(actor=user).filter(pk=image.product_id).exists()
