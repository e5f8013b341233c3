"""Refusals of the messenger, each with a stable `code` for API clients."""

from __future__ import annotations

# Titles are translated by the API error handler; gettext_noop only marks them for extraction.
from django.utils.translation import gettext_noop as _

from lifeline.core.exceptions import Conflict, DomainError, InvalidInput


class ChatForbidden(DomainError):
    code = "chat.forbidden"
    title = _("You may not do this in this conversation.")
    http_status = 403


class ConversationReadOnly(ChatForbidden):
    code = "chat.read_only"
    title = _("You may read this conversation but not write to it.")


class NotMessageAuthor(ChatForbidden):
    code = "chat.not_message_author"
    title = _("Only the author may change this message.")


class EditWindowClosed(Conflict):
    code = "chat.edit_window_closed"
    title = _("The time to edit or delete this message has passed.")


class MessageDeleted(Conflict):
    code = "chat.message_deleted"
    title = _("This message was deleted.")


class MessageNotEditable(Conflict):
    code = "chat.message_not_editable"
    title = _("Only text can be edited.")


class CardNotDeletable(Conflict):
    code = "chat.card_not_deletable"
    title = _("A card stays in the conversation; the record's own actions change it.")


class InvalidCard(InvalidInput):
    code = "chat.invalid_card"
    title = _("This conversation cannot show this kind of record.")


class EmptyMessage(InvalidInput):
    code = "chat.empty_message"
    title = _("A message needs text, an attachment or a voice recording.")


class MessageTooLong(InvalidInput):
    code = "chat.message_too_long"
    title = _("The message is too long.")


class AttachmentTooLarge(DomainError):
    code = "chat.attachment_too_large"
    title = _("The file is too large.")
    http_status = 413


class VoiceTooLong(InvalidInput):
    code = "chat.voice_too_long"
    title = _("The voice message is too long.")


class InvalidReply(InvalidInput):
    code = "chat.invalid_reply"
    title = _("The message replied to is not in this conversation.")


class InvalidReference(InvalidInput):
    code = "chat.invalid_reference"
    title = _("A reference needs both a kind and an id.")


class ReferenceNotFound(InvalidInput):
    """The reference names no record of the conversation's patient that both sides may read
    (another patient's, a draft conclusion, or none at all: answered alike)."""

    code = "chat.reference_not_found"
    title = _("The referenced record was not found.")
