"""A visitor's cart before signing in, kept in the session, and its merge into the buyer's
cart at sign-in (the `user_logged_in` signal, connected in apps.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lifeline.market.services.cart import MAX_QUANTITY, cart_merge

SESSION_KEY = "market_cart"
MAX_LINES = 50


def _key(product_id: Any, variant_id: Any) -> str:
    return f"{product_id}:{variant_id or ''}"


def lines(request: HttpRequest) -> list[tuple[str, int | None, int]]:
    """(product id, variant id or None, quantity) of the visitor's session cart."""
    found: list[tuple[str, int | None, int]] = []
    raw = request.session.get(SESSION_KEY) or {}
    if not isinstance(raw, dict):
        return found
    for key, quantity in raw.items():
        product_id, _sep, variant = str(key).partition(":")
        if isinstance(quantity, int) and 1 <= quantity <= MAX_QUANTITY:
            found.append((product_id, int(variant) if variant.isdigit() else None, quantity))
    return found


def set_line(
    request: HttpRequest, product_id: Any, variant_id: Any, quantity: int, *, add: bool
) -> None:
    raw = dict(request.session.get(SESSION_KEY) or {})
    key = _key(product_id, variant_id)
    total = quantity + (raw.get(key, 0) if add else 0)
    if total <= 0:
        raw.pop(key, None)
    elif key in raw or len(raw) < MAX_LINES:
        raw[key] = min(total, MAX_QUANTITY)
    request.session[SESSION_KEY] = raw


def remove_line(request: HttpRequest, product_id: Any, variant_id: Any) -> None:
    raw = dict(request.session.get(SESSION_KEY) or {})
    raw.pop(_key(product_id, variant_id), None)
    request.session[SESSION_KEY] = raw


def merge_at_sign_in(sender: Any, request: HttpRequest | None, user: Any, **_kwargs: Any) -> None:
    """user_logged_in: move the session cart into the buyer's cart (API logins carry no
    session: nothing to do)."""
    if request is None or not hasattr(request, "session"):
        return
    found = lines(request)
    if not found:
        return
    cart_merge(actor=user, lines=found)
    request.session.pop(SESSION_KEY, None)


class VisitorLine:
    """A session cart line shaped like a CartItem for the cart page."""

    def __init__(self, product: Any, variant: Any, quantity: int) -> None:
        self.product, self.variant, self.quantity = product, variant, quantity
        self.product_id = product.pk
        self.variant_id = variant.pk if variant is not None else None
        self.unit_price = variant.price if variant is not None else product.price


def visitor_lines(request: HttpRequest) -> list[VisitorLine]:
    """The session cart's lines whose products anyone may still see (two queries)."""
    from lifeline.market import selectors
    from lifeline.market.models import Variant

    found = lines(request)
    products = {
        str(p.pk): p
        for p in selectors.product_scope_for(actor=None).filter(
            pk__in=[pid for pid, _v, _q in found]
        )
    }
    variants = {v.pk: v for v in Variant.objects.filter(pk__in=[v for _p, v, _q in found if v])}
    result = []
    for product_id, variant_id, quantity in found:
        product = products.get(str(product_id))
        variant = variants.get(variant_id) if variant_id is not None else None
        if product is None or (variant_id is not None and variant is None):
            continue
        if variant is not None and str(variant.product_id) != str(product.pk):
            continue
        result.append(VisitorLine(product, variant, quantity))
    return result
