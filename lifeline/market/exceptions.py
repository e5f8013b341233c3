"""Refusals of the market module, each with a stable code."""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

from lifeline.core.exceptions import Conflict, DomainError, InvalidInput


class MarketForbidden(DomainError):
    code = "market.forbidden"
    title = _("Not allowed")
    http_status = 403


class NotASeller(MarketForbidden):
    code = "market.not_a_seller"
    title = _("Only sellers of a marketplace can list products")


class NotABuyer(MarketForbidden):
    code = "market.not_a_buyer"
    title = _("Only buyers of a marketplace can shop")


class OwnProduct(MarketForbidden):
    code = "market.own_product"
    title = _("You cannot buy or review your own product")


class InvalidTransition(Conflict):
    code = "market.invalid_transition"
    title = _("This change is not possible in the current status")


class NotAvailable(Conflict):
    code = "market.not_available"
    title = _("This product is not on sale")


class OutOfStock(Conflict):
    code = "market.out_of_stock"
    title = _("Not enough in stock")


class CartEmpty(InvalidInput):
    code = "market.cart_empty"
    title = _("The cart is empty")


class AlreadyReviewed(Conflict):
    code = "market.already_reviewed"
    title = _("You have already reviewed this product")


class InvalidPrice(InvalidInput):
    code = "market.invalid_price"
    title = _("The old price must be higher than the price")
