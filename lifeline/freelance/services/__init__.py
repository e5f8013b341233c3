"""Every write of the freelance module: gigs and their moderation, orders and their deadlines.

Services enforce invariants and who may move what (the right party of an order, a moderator
of the gig's marketplace); every transition runs under a row lock, is audited, tells the
other party (notification) and both parties' sockets (event), after commit. One module per
entity; this package re-exports their public services.
"""

from __future__ import annotations

from lifeline.freelance.services.deadlines import (
    order_auto_complete,
    order_clear_funds,
    order_flag_late,
    order_remind,
    orders_run_due,
)
from lifeline.freelance.services.deliveries import (
    MAX_ORDER_FILES,
    order_deliver,
    order_request_revision,
    order_submit_requirements,
)
from lifeline.freelance.services.disputes import (
    MIN_DISPUTE_TEXT,
    dispute_open,
    dispute_post_message,
    dispute_resolve,
)
from lifeline.freelance.services.favourites import favourite_set
from lifeline.freelance.services.gigs import (
    GIG_TEXT_FIELDS,
    PACKAGE_FIELDS,
    SELLER_MOVES,
    gig_approve,
    gig_create,
    gig_record_click,
    gig_reject,
    gig_set_status,
    gig_submit,
    gig_update,
    gigs_record_impressions,
)
from lifeline.freelance.services.money import (
    CENT,
    Line,
    balance_rebuild,
    money,
    money_terms,
    post_clearance,
    post_earning,
    post_payment,
    post_refund,
    split,
)
from lifeline.freelance.services.offers import (
    gig_inquiry_record,
    offer_accept,
    offer_create,
    offer_decline,
    offer_withdraw,
    offers_expire,
)
from lifeline.freelance.services.orders import (
    can_cancel_late,
    order_cancel,
    order_cancel_late,
    order_complete,
    order_place,
    order_withdraw_cancel,
)
from lifeline.freelance.services.portfolio import (
    MAX_PORTFOLIO_IMAGES,
    order_set_portfolio_consent,
    portfolio_image_add,
    portfolio_item_create,
    portfolio_item_delete,
)
from lifeline.freelance.services.reviews import (
    can_review_now,
    review_create,
    review_mark_helpful,
    review_reply,
)

__all__ = [
    "CENT",
    "GIG_TEXT_FIELDS",
    "Line",
    "MAX_ORDER_FILES",
    "MAX_PORTFOLIO_IMAGES",
    "MIN_DISPUTE_TEXT",
    "PACKAGE_FIELDS",
    "SELLER_MOVES",
    "balance_rebuild",
    "can_cancel_late",
    "can_review_now",
    "dispute_open",
    "dispute_post_message",
    "dispute_resolve",
    "favourite_set",
    "gig_approve",
    "gig_create",
    "gig_inquiry_record",
    "gig_record_click",
    "gig_reject",
    "gig_set_status",
    "gig_submit",
    "gig_update",
    "gigs_record_impressions",
    "money",
    "money_terms",
    "offer_accept",
    "offer_create",
    "offer_decline",
    "offer_withdraw",
    "offers_expire",
    "order_auto_complete",
    "order_cancel",
    "order_cancel_late",
    "order_clear_funds",
    "order_complete",
    "order_deliver",
    "order_flag_late",
    "order_place",
    "order_remind",
    "order_request_revision",
    "order_set_portfolio_consent",
    "order_submit_requirements",
    "order_withdraw_cancel",
    "orders_run_due",
    "portfolio_image_add",
    "portfolio_item_create",
    "portfolio_item_delete",
    "post_clearance",
    "post_earning",
    "post_payment",
    "post_refund",
    "review_create",
    "review_mark_helpful",
    "review_reply",
    "split",
]
