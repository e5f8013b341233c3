"""Buyers' favourite gigs."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from lifeline.accounts.models import User
from lifeline.freelance import permissions
from lifeline.freelance.enums import (
    GigStatus,
)
from lifeline.freelance.exceptions import (
    GigNotOrderable,
    NotABuyer,
    OwnGigFavourite,
)
from lifeline.freelance.models import (
    Favourite,
    Gig,
)


# --- favourites -----------------------------------------------------------------------------
def favourite_set(*, actor: User, gig: Gig, on: bool) -> bool:
    """Save (`on`) or remove a gig from the buyer's favourites; repeating a call changes nothing.

    The gig's `favourites_count` moves only when a row was really inserted or deleted, in the
    same transaction, so it always equals the number of rows. Returns whether it is saved now.
    """
    if on:
        if gig.seller_id == actor.pk:
            raise OwnGigFavourite()
        if gig.status != GigStatus.ACTIVE:
            raise GigNotOrderable()
        if not permissions.is_buyer_in(actor, gig.organization_id):
            raise NotABuyer()
        try:
            with transaction.atomic():
                Favourite.objects.create(user=actor, gig=gig)
                Gig.objects.filter(pk=gig.pk).update(favourites_count=F("favourites_count") + 1)
        except IntegrityError:
            pass  # already saved (perhaps by a concurrent call): nothing changes
        return True
    with transaction.atomic():
        deleted, _ = Favourite.objects.filter(user=actor, gig=gig).delete()
        if deleted:
            Gig.objects.filter(pk=gig.pk).update(favourites_count=F("favourites_count") - 1)
    return False
