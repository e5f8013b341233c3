"""Refusals of the freelance module, each with a stable code."""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

from lifeline.core.exceptions import Conflict, DomainError, InvalidInput


class FreelanceForbidden(DomainError):
    code = "freelance.forbidden"
    title = _("Not allowed")
    http_status = 403


class NotASeller(FreelanceForbidden):
    code = "freelance.not_a_seller"
    title = _("You do not hold the seller role in a marketplace")


class NotABuyer(FreelanceForbidden):
    code = "freelance.not_a_buyer"
    title = _("You do not hold the buyer role in this marketplace")


class NotAModerator(FreelanceForbidden):
    code = "freelance.not_a_moderator"
    title = _("Only a moderator of this marketplace may do this")


class OwnGig(FreelanceForbidden):
    code = "freelance.own_gig"
    title = _("You cannot order your own gig")


class OwnGigFavourite(FreelanceForbidden):
    code = "freelance.own_gig_favourite"
    title = _("You cannot save your own gig")


class WrongParty(FreelanceForbidden):
    code = "freelance.wrong_party"
    title = _("The other party of this order does this, not you")


class GigNotEditable(Conflict):
    code = "freelance.gig_not_editable"
    title = _("This gig cannot be changed in its current status")


class GigTransitionRefused(Conflict):
    code = "freelance.gig_transition_refused"
    title = _("This gig cannot move to that status now")


class GigNotOrderable(Conflict):
    code = "freelance.gig_not_orderable"
    title = _("This gig is not open for orders")


class OrderTransitionRefused(Conflict):
    code = "freelance.order_transition_refused"
    title = _("This order cannot do that in its current status")


class NoRevisionsLeft(Conflict):
    code = "freelance.no_revisions_left"
    title = _("No revisions are left on this order")


class ReasonRequired(InvalidInput):
    code = "freelance.reason_required"
    title = _("A reason is required")


class InvalidPackages(InvalidInput):
    code = "freelance.invalid_packages"
    title = _("A gig needs exactly three packages: basic, standard and premium")


class AlreadyReviewed(Conflict):
    code = "freelance.already_reviewed"
    title = _("This order already has a review")


class UnknownPackage(InvalidInput):
    code = "freelance.unknown_package"
    title = _("Choose the basic, standard or premium package")


class NotLateEnough(Conflict):
    code = "freelance.not_late_enough"
    title = _("The seller is not late past the grace period yet")


class AlreadyDisputed(Conflict):
    code = "freelance.already_disputed"
    title = _("This order already had a dispute")


class DisputeNotOpen(Conflict):
    code = "freelance.dispute_not_open"
    title = _("This order has no open dispute")


class InvalidRefund(InvalidInput):
    code = "freelance.invalid_refund"
    title = _("A partial refund is more than zero and less than the order's price")


class OfferAlreadyPending(Conflict):
    code = "freelance.offer_already_pending"
    title = _("This buyer already has a pending offer for this gig")


class OfferNotPending(Conflict):
    code = "freelance.offer_not_pending"
    title = _("This offer is no longer open")


class OfferExpired(Conflict):
    code = "freelance.offer_expired"
    title = _("This offer has expired")


class UnknownBuyer(InvalidInput):
    code = "freelance.unknown_buyer"
    title = _("Choose a buyer who has written to you or ordered from you")


class OfferConversationMismatch(InvalidInput):
    code = "freelance.offer_conversation_mismatch"
    title = _("This conversation is not with this buyer about this gig")


class PortfolioConsentMissing(Conflict):
    code = "freelance.portfolio_consent_missing"
    title = _("The buyer of this order has not allowed it to be shown in your portfolio")


class PortfolioOrderNotCompleted(Conflict):
    code = "freelance.portfolio_order_not_completed"
    title = _("Only a completed order can be linked to a portfolio item")


class PortfolioImagesFull(Conflict):
    code = "freelance.portfolio_images_full"
    title = _("A portfolio item holds at most 6 images")


class TooManyOrderFiles(InvalidInput):
    code = "freelance.too_many_files"
    title = _("At most 10 files at a time")


class InquiryNotAllowed(FreelanceForbidden):
    code = "freelance.inquiry_not_allowed"
    title = _("Only a buyer of the marketplace can ask the seller about an active gig")


class ReviewWindowClosed(Conflict):
    code = "freelance.review_window_closed"
    title = _("Reviews are accepted within 30 days of completion")


class GigImagesFull(Conflict):
    code = "freelance.gig_images_full"
    title = _("A gig holds at most 10 images")


class GigImageOrderMismatch(InvalidInput):
    code = "freelance.image_order_mismatch"
    title = _("List every image of the gig exactly once")


class AlreadyReplied(Conflict):
    code = "freelance.already_replied"
    title = _("The seller has already replied to this review")


class NotTheGigSeller(FreelanceForbidden):
    code = "freelance.not_the_gig_seller"
    title = _("Only the seller of this gig may reply to its reviews")


class OwnReviewVote(FreelanceForbidden):
    code = "freelance.own_review_vote"
    title = _("You cannot mark your own review as helpful")
