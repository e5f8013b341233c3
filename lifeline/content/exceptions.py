"""Refusals of the content module, each with a stable code."""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

from lifeline.core.exceptions import Conflict, DomainError, InvalidInput


class ContentForbidden(DomainError):
    code = "content.forbidden"
    title = _("Not allowed")
    http_status = 403


class NotAMember(ContentForbidden):
    code = "content.not_a_member"
    title = _("Only members of this channel can do this")


class MemberMuted(ContentForbidden):
    code = "content.muted"
    title = _("You are muted in this channel")


class OwnContent(ContentForbidden):
    code = "content.own_content"
    title = _("You cannot flag your own post or comment")


class AlreadyFlagged(Conflict):
    code = "content.already_flagged"
    title = _("You have already flagged this")


class AlreadyMember(Conflict):
    code = "content.already_member"
    title = _("You are already a member of this channel")


class OwnerCannotLeave(Conflict):
    code = "content.owner_cannot_leave"
    title = _("The owner cannot leave the channel: transfer the ownership first")


class NotOpen(Conflict):
    code = "content.not_open"
    title = _("This post is not open for comments")


class InvalidTransition(Conflict):
    code = "content.invalid_transition"
    title = _("This change is not possible in the current status")


class InvalidParent(InvalidInput):
    code = "content.invalid_parent"
    title = _("The comment you reply to is not in this post")


class InvalidRole(InvalidInput):
    code = "content.invalid_role"
    title = _("This role cannot be given here")


class EmptyBody(InvalidInput):
    code = "content.empty_body"
    title = _("The text is empty once unsafe markup is removed")


class LinksNotAllowed(InvalidInput):
    code = "content.links_not_allowed"
    title = _("New members cannot post links yet: read a few more posts first")


class ImagesNotAllowed(ContentForbidden):
    code = "content.images_not_allowed"
    title = _("Images unlock at trust level 2: read, write and get a like first")


class TooManyImages(InvalidInput):
    code = "content.too_many_images"
    title = _("Too many images")
