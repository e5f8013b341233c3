from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class ChannelRole(models.TextChoices):
    """A member's role in one channel (not an access.Role: channels are not organizations)."""

    OWNER = "owner", pgettext_lazy("channel role", "Owner")
    ADMIN = "admin", pgettext_lazy("channel role", "Admin")
    MODERATOR = "moderator", pgettext_lazy("channel role", "Moderator")
    MEMBER = "member", pgettext_lazy("channel role", "Member")


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Member")
    REQUESTED = "requested", _("Asked to join")
    INVITED = "invited", _("Invited")


class ContentStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden")
    DELETED = "deleted", pgettext_lazy("content status", "Deleted")


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    OFFENSIVE = "offensive", _("Offensive")
    OFF_TOPIC = "off_topic", _("Off-topic")
    OTHER = "other", _("Something else")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class NotificationLevel(models.TextChoices):
    """What a member hears from a channel, and what its unread count counts (Discourse's
    levels; `selectors.channels.unread_expression` has the counting)."""

    MUTED = "muted", _("Muted: nothing from this channel")
    NORMAL = "normal", _("Normal: replies to me and mentions")
    TRACKING = "tracking", _("Tracking: replies to me and mentions, unread replies counted")
    WATCHING = "watching", _("Watching: every new post and comment")


# Levels whose unread count also counts new comments in the posts a member takes part in.
COUNTS_REPLIES = frozenset({NotificationLevel.TRACKING, NotificationLevel.WATCHING})


class TrustLevel(models.IntegerChoices):
    """Earned by activity (conf.py has the thresholds); unlocks links and images."""

    NEW = 0, _("New member")
    BASIC = 1, _("Basic member: may post links")
    MEMBER = 2, _("Member: may post links and images")


class CommentSort(models.TextChoices):
    BEST = "best", _("Best")
    NEWEST = "newest", _("Newest")
    OLDEST = "oldest", _("Oldest")


# Higher rank, more powers: owner > admin > moderator > member.
ROLE_RANK = {
    ChannelRole.MEMBER: 0,
    ChannelRole.MODERATOR: 1,
    ChannelRole.ADMIN: 2,
    ChannelRole.OWNER: 3,
}
