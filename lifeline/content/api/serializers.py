"""Input and output serializers of the content API (input and output are separate classes)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from lifeline.content.enums import (
    ChannelRole,
    CommentSort,
    FlagReason,
    NotificationLevel,
    Visibility,
)
from lifeline.content.models import Channel, ChannelMembership, Comment, Flag, Post
from lifeline.content.richtext import plain_text


def _author_name(user: Any) -> str:
    return str(user.display_name) if user is not None else ""


class ContentChannelOutput(serializers.ModelSerializer[Channel]):
    my_role = serializers.SerializerMethodField()
    my_status = serializers.SerializerMethodField()
    my_notification_level = serializers.SerializerMethodField()
    my_handle = serializers.SerializerMethodField()
    unread = serializers.SerializerMethodField()
    avatar_url = serializers.SerializerMethodField()

    class Meta:
        model = Channel
        fields = (
            "id",
            "slug",
            "name",
            "description",
            "visibility",
            "member_count",
            "my_role",
            "my_status",
            "my_notification_level",
            "my_handle",
            "unread",
            "avatar_url",
            "created_at",
        )

    def _membership(self, channel: Channel) -> ChannelMembership | None:
        memberships = self.context.get("memberships", {})
        return memberships.get(channel.pk)

    def get_my_role(self, channel: Channel) -> str | None:
        membership = self._membership(channel)
        return membership.role if membership else None

    def get_my_status(self, channel: Channel) -> str | None:
        membership = self._membership(channel)
        return membership.status if membership else None

    def get_my_notification_level(self, channel: Channel) -> str | None:
        membership = self._membership(channel)
        return membership.notification_level if membership else None

    def get_my_handle(self, channel: Channel) -> str | None:
        """The name others @mention me by in this channel."""
        membership = self._membership(channel)
        return membership.handle if membership else None

    def get_unread(self, channel: Channel) -> int | None:
        """My unread count: others' new posts since I last read the channel (tracking and
        watching: also new comments on posts I wrote or commented on). Null when I am not an
        active member or muted it."""
        membership = self._membership(channel)
        return getattr(membership, "unread", None) if membership else None

    def get_avatar_url(self, channel: Channel) -> str | None:
        if channel.avatar_id is None:
            return None
        return reverse("content-web:avatar", kwargs={"slug": channel.slug})


class ContentReadAllOutput(serializers.Serializer[Any]):
    channels = serializers.IntegerField(help_text="How many channels were marked read.")


class ContentChannelCreateInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PUBLIC)


class ContentChannelUpdateInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100, required=False)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)


class ContentMemberOutput(serializers.ModelSerializer[ChannelMembership]):
    user_id = serializers.UUIDField(read_only=True)
    name = serializers.SerializerMethodField()

    class Meta:
        model = ChannelMembership
        fields = ("user_id", "name", "handle", "role", "status", "muted_until", "created_at")

    def get_name(self, membership: ChannelMembership) -> str:
        return _author_name(membership.user)


class ContentUserInput(serializers.Serializer[Any]):
    user = serializers.UUIDField()


class ContentRoleInput(serializers.Serializer[Any]):
    # "owner" is refused with content.invalid_role: ownership moves only by transfer/.
    role = serializers.ChoiceField(choices=ChannelRole.choices)


class ContentMuteInput(serializers.Serializer[Any]):
    minutes = serializers.IntegerField(min_value=1, max_value=60 * 24 * 365, allow_null=True)


class ContentPostOutput(serializers.ModelSerializer[Post]):
    channel = serializers.CharField(source="channel.slug", read_only=True)
    author_id = serializers.UUIDField(read_only=True)
    author_name = serializers.SerializerMethodField()
    liked = serializers.SerializerMethodField()
    image_urls = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = (
            "id",
            "channel",
            "author_id",
            "author_name",
            "title",
            "body",
            "is_pinned",
            "status",
            "like_count",
            "comment_count",
            "view_count",
            "liked",
            "image_urls",
            "created_at",
            "edited_at",
        )

    def get_author_name(self, post: Post) -> str:
        return _author_name(post.author)

    def get_image_urls(self, post: Post) -> list[str]:
        """Served to whoever may read the post (prefetched by the selectors)."""
        return [
            reverse("content-web:image", kwargs={"image_id": image.pk})
            for image in post.images.all()
        ]

    def get_liked(self, post: Post) -> bool:
        return post.pk in self.context.get("liked", set())


class ContentPostCreateInput(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=40000)
    # multipart/form-data only; trust level 2; at most 4 (content.too_many_images).
    images = serializers.ListField(
        child=serializers.FileField(), required=False, allow_empty=True, max_length=4
    )


class ContentAvatarInput(serializers.Serializer[Any]):
    file = serializers.FileField()


class ContentNotificationLevelInput(serializers.Serializer[Any]):
    level = serializers.ChoiceField(choices=NotificationLevel.choices)


class ContentTrustOutput(serializers.Serializer[Any]):
    level = serializers.IntegerField()
    posts_read = serializers.IntegerField()
    read_minutes = serializers.IntegerField(help_text="Minutes spent reading, all channels.")
    written = serializers.IntegerField()
    likes_received = serializers.IntegerField()
    may_link = serializers.BooleanField()
    may_post_images = serializers.BooleanField()


class ContentReadingInput(serializers.Serializer[Any]):
    seconds = serializers.IntegerField(
        min_value=1, max_value=60, help_text="Seconds the page was visible since the last report."
    )


class ContentReadingOutput(serializers.Serializer[Any]):
    counted = serializers.IntegerField(help_text="Seconds added (none faster than real time).")


class ContentPostUpdateInput(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200, required=False)
    body = serializers.CharField(max_length=40000, required=False)


class ContentPinInput(serializers.Serializer[Any]):
    pinned = serializers.BooleanField()


class ContentCommentOutput(serializers.ModelSerializer[Comment]):
    post_id = serializers.UUIDField(read_only=True)
    parent_id = serializers.IntegerField(read_only=True, allow_null=True)
    author_id = serializers.UUIDField(read_only=True)
    author_name = serializers.SerializerMethodField()
    liked = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = (
            "id",
            "post_id",
            "parent_id",
            "depth",
            "author_id",
            "author_name",
            "body",
            "status",
            "like_count",
            "liked",
            "created_at",
            "edited_at",
        )

    def get_author_name(self, comment: Comment) -> str:
        return _author_name(comment.author)

    def get_liked(self, comment: Comment) -> bool:
        return comment.pk in self.context.get("liked", set())


class ContentThreadOutput(ContentCommentOutput):
    """A top-level comment with every reply under it, flattened in thread order."""

    replies = ContentCommentOutput(many=True, read_only=True, source="thread_replies")

    class Meta(ContentCommentOutput.Meta):
        fields = (*ContentCommentOutput.Meta.fields, "replies")  # type: ignore[assignment]


class ContentCommentCreateInput(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=10000)
    # DRF's metaclass moves declared fields off the class, so this does not shadow
    # Field.parent at run time.
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False, allow_null=True, min_value=1
    )


class ContentCommentUpdateInput(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=10000)


class ContentLikeOutput(serializers.Serializer[Any]):
    liked = serializers.BooleanField()
    like_count = serializers.IntegerField()


class ContentFlagCreateInput(serializers.Serializer[Any]):
    post = serializers.UUIDField(required=False, allow_null=True)
    comment = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    reason = serializers.ChoiceField(choices=FlagReason.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("post") is None) == (attrs.get("comment") is None):
            raise serializers.ValidationError({"post": ["Give exactly one of post and comment."]})
        return attrs


class ContentFlagOutput(serializers.ModelSerializer[Flag]):
    channel = serializers.CharField(source="channel.slug", read_only=True)
    post_id = serializers.UUIDField(read_only=True, allow_null=True)
    comment_id = serializers.IntegerField(read_only=True, allow_null=True)
    target_post_id = serializers.SerializerMethodField()
    excerpt = serializers.SerializerMethodField()

    class Meta:
        model = Flag
        fields = (
            "id",
            "channel",
            "post_id",
            "comment_id",
            "target_post_id",
            "excerpt",
            "reason",
            "note",
            "weight",
            "status",
            "created_at",
        )

    def get_target_post_id(self, flag: Flag) -> str:
        return str(flag.post_id if flag.post_id else flag.comment.post_id)  # type: ignore[union-attr]

    def get_excerpt(self, flag: Flag) -> str:
        text = flag.post.title if flag.post else plain_text(flag.comment.body)  # type: ignore[union-attr]
        return text[:200]


class ContentCommentListQuery(serializers.Serializer[Any]):
    sort = serializers.ChoiceField(choices=CommentSort.choices, default=CommentSort.BEST)
