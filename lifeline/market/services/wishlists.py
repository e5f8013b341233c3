"""Named wish lists of a user, shareable by a private link (a random token)."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from lifeline.core.exceptions import InvalidInput
from lifeline.market.models import Product, WishList, WishListItem

MAX_LISTS = 50


@transaction.atomic
def wishlist_create(*, actor: Any, name: str) -> WishList:
    name = name.strip()
    if not name:
        raise InvalidInput(errors={"name": [gettext_noop("Give the list a name.")]})
    if WishList.objects.filter(owner=actor).count() >= MAX_LISTS:
        raise InvalidInput(errors={"name": [gettext_noop("You have too many lists.")]})
    return WishList.objects.create(owner=actor, name=name[:100])


@transaction.atomic
def wishlist_rename(*, wish_list: WishList, name: str) -> WishList:
    name = name.strip()
    if not name:
        raise InvalidInput(errors={"name": [gettext_noop("Give the list a name.")]})
    wish_list.name = name[:100]
    wish_list.save(update_fields=["name", "updated_at"])
    return wish_list


@transaction.atomic
def wishlist_delete(*, wish_list: WishList) -> None:
    wish_list.delete()


@transaction.atomic
def wishlist_add(*, wish_list: WishList, product: Product) -> WishListItem:
    """Idempotent: adding twice keeps the first date."""
    item, _ = WishListItem.objects.get_or_create(wish_list=wish_list, product=product)
    return item


@transaction.atomic
def wishlist_remove(*, wish_list: WishList, product_id: Any) -> None:
    WishListItem.objects.filter(wish_list=wish_list, product_id=product_id).delete()


@transaction.atomic
def wishlist_share(*, wish_list: WishList) -> WishList:
    """A new private link (an earlier one stops working)."""
    wish_list.share_token = secrets.token_urlsafe(24)
    wish_list.save(update_fields=["share_token", "updated_at"])
    return wish_list


@transaction.atomic
def wishlist_unshare(*, wish_list: WishList) -> WishList:
    wish_list.share_token = ""
    wish_list.save(update_fields=["share_token", "updated_at"])
    return wish_list
