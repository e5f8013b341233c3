"""The content API: one APIView per operation, reading through selectors and writing
through services. Objects outside the caller's scope (a private channel they are not in,
a hidden post) are 404."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.content.api import serializers as s
from lifeline.content.enums import CommentSort
from lifeline.content.exceptions import ContentForbidden
from lifeline.content.models import Channel
from lifeline.content.permissions import can_manage_channel, can_read_channel, membership_of
from lifeline.content.selectors import channels as channel_selectors
from lifeline.content.selectors import flags as flag_selectors
from lifeline.content.selectors import posts as post_selectors
from lifeline.content.services import channels as channel_services
from lifeline.content.services import comments as comment_services
from lifeline.content.services import flags as flag_services
from lifeline.content.services import media as media_services
from lifeline.content.services import posts as post_services
from lifeline.content.services import views as view_services
from lifeline.content.trust import trust_of
from lifeline.core.api.pagination import (
    CreatedCursorPagination,
    TableLimitOffsetPagination,
    paginate,
    paginator_for,
)
from lifeline.core.exceptions import NotFound
from lifeline.core.http import client_address

TAGS_CHANNELS = ["content: channels"]
TAGS_POSTS = ["content: posts"]
TAGS_COMMENTS = ["content: comments"]
TAGS_MODERATION = ["content: moderation"]


class _ReadOpenWriteSignedIn(APIView):
    permission_classes = [AllowAny]

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]


def _memberships(channels: Any, user: Any) -> dict[Any, Any]:
    return {c.pk: membership_of(user, c) for c in channels}


def _channel_response(channel: Channel, request: Request, code: int = 200) -> Response:
    channel.refresh_from_db()
    membership = channel_selectors.my_membership_with_unread(actor=request.user, channel=channel)
    context = {"memberships": {channel.pk: membership}}
    return Response(s.ContentChannelOutput(channel, context=context).data, status=code)


class ChannelListCreateApi(_ReadOpenWriteSignedIn):
    pagination_class = TableLimitOffsetPagination

    @extend_schema(
        tags=TAGS_CHANNELS,
        parameters=[OpenApiParameter("mine", bool, description="Only channels I belong to.")],
        responses={200: s.ContentChannelOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        mine = request.query_params.get("mine", "") in ("1", "true")
        channels = channel_selectors.channel_list_for(actor=request.user, mine=mine)
        paginator = paginator_for(self)
        page = list(paginator.paginate_queryset(channels, request, view=self) or [])
        channel_selectors.remember_prefetched(page, request.user)
        data = s.ContentChannelOutput(
            page, many=True, context={"memberships": _memberships(page, request.user)}
        ).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        tags=TAGS_CHANNELS,
        request=s.ContentChannelCreateInput,
        responses={201: s.ContentChannelOutput},
    )
    def post(self, request: Request) -> Response:
        data = s.ContentChannelCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        channel = channel_services.channel_create(actor=request.user, **data.validated_data)
        return _channel_response(channel, request, status.HTTP_201_CREATED)


class ChannelDetailApi(_ReadOpenWriteSignedIn):
    @extend_schema(tags=TAGS_CHANNELS, responses={200: s.ContentChannelOutput})
    def get(self, request: Request, slug: str) -> Response:
        channel = channel_selectors.channel_get_for(actor=request.user, slug=slug)
        return _channel_response(channel, request)

    @extend_schema(
        tags=TAGS_CHANNELS,
        request=s.ContentChannelUpdateInput,
        responses={200: s.ContentChannelOutput},
    )
    def patch(self, request: Request, slug: str) -> Response:
        channel = channel_selectors.channel_get_for(actor=request.user, slug=slug)
        data = s.ContentChannelUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        channel = channel_services.channel_update(
            actor=request.user, channel=channel, **data.validated_data
        )
        return _channel_response(channel, request)

    @extend_schema(tags=TAGS_CHANNELS, responses={204: None})
    def delete(self, request: Request, slug: str) -> Response:
        channel = channel_selectors.channel_get_for(actor=request.user, slug=slug)
        channel_services.channel_delete(actor=request.user, channel=channel)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChannelAvatarApi(APIView):
    """The channel's picture (admins and the owner): multipart `file`, JPEG/PNG/WebP, stored
    and re-encoded by the files service. It is served at `avatar_url`."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS_CHANNELS,
        request={"multipart/form-data": s.ContentAvatarInput},
        responses={200: s.ContentChannelOutput},
    )
    def put(self, request: Request, slug: str) -> Response:
        channel = channel_selectors.channel_get_for(actor=request.user, slug=slug)
        data = s.ContentAvatarInput(data=request.data)
        data.is_valid(raise_exception=True)
        media_services.avatar_set(
            actor=request.user, channel=channel, upload=data.validated_data["file"]
        )
        return _channel_response(channel, request)

    @extend_schema(tags=TAGS_CHANNELS, request=None, responses={204: None})
    def delete(self, request: Request, slug: str) -> Response:
        channel = channel_selectors.channel_get_for(actor=request.user, slug=slug)
        media_services.avatar_set(actor=request.user, channel=channel, upload=None)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChannelNotificationLevelApi(APIView):
    """What I hear from this channel: muted, normal (replies and mentions), tracking (as
    normal; `unread` also counts new comments in my discussions) or watching."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS_CHANNELS,
        request=s.ContentNotificationLevelInput,
        responses={200: s.ContentChannelOutput},
    )
    def put(self, request: Request, slug: str) -> Response:
        channel = channel_selectors.channel_get_for(actor=request.user, slug=slug)
        data = s.ContentNotificationLevelInput(data=request.data)
        data.is_valid(raise_exception=True)
        channel_services.notification_level_set(
            actor=request.user, channel=channel, level=data.validated_data["level"]
        )
        return _channel_response(channel, request)


class ChannelReadApi(APIView):
    """I have read this channel: my `unread` count starts again from now (active members)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS_CHANNELS, request=None, responses={200: s.ContentChannelOutput})
    def post(self, request: Request, slug: str) -> Response:
        channel = channel_selectors.channel_get_for(actor=request.user, slug=slug)
        channel_services.channel_mark_read(actor=request.user, channel=channel)
        return _channel_response(channel, request)


class ChannelReadAllApi(APIView):
    """Mark every channel I am an active member of as read."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS_CHANNELS, request=None, responses={200: s.ContentReadAllOutput})
    def post(self, request: Request) -> Response:
        marked = channel_services.channel_mark_all_read(actor=request.user)
        return Response(s.ContentReadAllOutput({"channels": marked}).data)


class ChannelTrustApi(APIView):
    """My trust level in this channel and what it unlocks (links at 1, images at 2)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS_CHANNELS, responses={200: s.ContentTrustOutput})
    def get(self, request: Request, slug: str) -> Response:
        channel = channel_selectors.channel_get_for(actor=request.user, slug=slug)
        trust = trust_of(request.user, channel)
        return Response(
            s.ContentTrustOutput(
                {
                    "level": trust.level,
                    "posts_read": trust.posts_read,
                    "read_minutes": trust.read_minutes,
                    "written": trust.written,
                    "likes_received": trust.likes_received,
                    "may_link": trust.may_link,
                    "may_post_images": trust.may_post_images,
                }
            ).data
        )


class ChannelJoinApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS_CHANNELS, request=None, responses={200: s.ContentChannelOutput})
    def post(self, request: Request, slug: str) -> Response:
        """Join a public channel, accept an invitation, or ask to join a private one."""
        channel = channel_selectors.channel_get_for_joining(actor=request.user, slug=slug)
        channel_services.channel_join(actor=request.user, channel=channel)
        return _channel_response(channel, request)

    @extend_schema(tags=TAGS_CHANNELS, request=None, responses={204: None})
    def delete(self, request: Request, slug: str) -> Response:
        """Leave (or withdraw a request, or decline an invitation)."""
        channel = channel_selectors.channel_get_for(actor=request.user, slug=slug)
        channel_services.channel_leave(actor=request.user, channel=channel)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberListInviteApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = TableLimitOffsetPagination

    @extend_schema(
        tags=TAGS_CHANNELS,
        parameters=[
            OpenApiParameter(
                "status", str, enum=["active", "requested", "invited"], description="Staff only."
            )
        ],
        responses={200: s.ContentMemberOutput(many=True)},
    )
    def get(self, request: Request, slug: str) -> Response:
        channel = channel_selectors.channel_get_for(actor=request.user, slug=slug)
        if not can_read_channel(request.user, channel):
            raise NotFound()
        wanted = request.query_params.get("status", "active")
        if wanted != "active" and not can_manage_channel(request.user, channel):
            raise ContentForbidden()
        if wanted not in ("active", "requested", "invited"):
            wanted = "active"
        return paginate(
            queryset=channel_selectors.member_list(channel=channel, status=wanted),
            serializer_class=s.ContentMemberOutput,
            request=request,
            view=self,
        )

    @extend_schema(
        tags=TAGS_CHANNELS, request=s.ContentUserInput, responses={201: s.ContentMemberOutput}
    )
    def post(self, request: Request, slug: str) -> Response:
        """Invite a user (admins)."""
        channel = channel_selectors.channel_get_for(actor=request.user, slug=slug)
        data = s.ContentUserInput(data=request.data)
        data.is_valid(raise_exception=True)
        invited = get_user_model().objects.filter(pk=data.validated_data["user"]).first()
        if invited is None or not invited.is_active:
            raise NotFound()
        membership = channel_services.member_invite(
            actor=request.user, channel=channel, user=invited
        )
        return Response(s.ContentMemberOutput(membership).data, status=status.HTTP_201_CREATED)


class MemberDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS_CHANNELS, request=s.ContentRoleInput, responses={200: s.ContentMemberOutput}
    )
    def patch(self, request: Request, slug: str, user_id: UUID) -> Response:
        """Change a member's role (admins: moderator/member; the owner: also admin)."""
        channel = channel_selectors.channel_get_for(actor=request.user, slug=slug)
        data = s.ContentRoleInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = channel_services.member_set_role(
            actor=request.user, channel=channel, user_id=user_id, role=data.validated_data["role"]
        )
        return Response(s.ContentMemberOutput(membership).data)

    @extend_schema(tags=TAGS_CHANNELS, responses={204: None})
    def delete(self, request: Request, slug: str, user_id: UUID) -> Response:
        channel = channel_selectors.channel_get_for(actor=request.user, slug=slug)
        channel_services.member_remove(actor=request.user, channel=channel, user_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberApproveApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS_CHANNELS, request=None, responses={200: s.ContentMemberOutput})
    def post(self, request: Request, slug: str, user_id: UUID) -> Response:
        channel = channel_selectors.channel_get_for(actor=request.user, slug=slug)
        membership = channel_services.member_approve(
            actor=request.user, channel=channel, user_id=user_id
        )
        return Response(s.ContentMemberOutput(membership).data)


class MemberMuteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS_MODERATION, request=s.ContentMuteInput, responses={200: s.ContentMemberOutput}
    )
    def post(self, request: Request, slug: str, user_id: UUID) -> Response:
        """Mute a member for `minutes` (null lifts the mute)."""
        channel = channel_selectors.channel_get_for(actor=request.user, slug=slug)
        data = s.ContentMuteInput(data=request.data)
        data.is_valid(raise_exception=True)
        minutes = data.validated_data["minutes"]
        until = timezone.now() + timedelta(minutes=minutes) if minutes else None
        membership = channel_services.member_mute(
            actor=request.user, channel=channel, user_id=user_id, until=until
        )
        return Response(s.ContentMemberOutput(membership).data)


class OwnershipTransferApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS_CHANNELS, request=s.ContentUserInput, responses={200: s.ContentMemberOutput}
    )
    def post(self, request: Request, slug: str) -> Response:
        channel = channel_selectors.channel_get_for(actor=request.user, slug=slug)
        data = s.ContentUserInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = channel_services.ownership_transfer(
            actor=request.user, channel=channel, user_id=data.validated_data["user"]
        )
        return Response(s.ContentMemberOutput(membership).data)


def _post_response(post: Any, request: Request, code: int = 200) -> Response:
    post.refresh_from_db()
    liked = post_selectors.liked_post_ids(actor=request.user, post_ids=[post.pk])
    return Response(s.ContentPostOutput(post, context={"liked": liked}).data, status=code)


class PostListCreateApi(_ReadOpenWriteSignedIn):
    pagination_class = CreatedCursorPagination

    @extend_schema(tags=TAGS_POSTS, responses={200: s.ContentPostOutput(many=True)})
    def get(self, request: Request, slug: str) -> Response:
        """Newest first (pinned posts are listed by the page; `is_pinned` marks them)."""
        channel = channel_selectors.channel_get_for(actor=request.user, slug=slug)
        posts = post_selectors.post_list_for(actor=request.user, channel=channel)
        paginator = paginator_for(self)
        page = list(paginator.paginate_queryset(posts, request, view=self) or [])
        liked = post_selectors.liked_post_ids(actor=request.user, post_ids=[p.pk for p in page])
        data = s.ContentPostOutput(page, many=True, context={"liked": liked}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        tags=TAGS_POSTS, request=s.ContentPostCreateInput, responses={201: s.ContentPostOutput}
    )
    def post(self, request: Request, slug: str) -> Response:
        channel = channel_selectors.channel_get_for(actor=request.user, slug=slug)
        if not can_read_channel(request.user, channel):
            raise NotFound()
        data = s.ContentPostCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        post = post_services.post_create(
            actor=request.user,
            channel=channel,
            title=data.validated_data["title"],
            body=data.validated_data["body"],
            images=data.validated_data.get("images", []),
        )
        return _post_response(post, request, status.HTTP_201_CREATED)


class PostDetailApi(_ReadOpenWriteSignedIn):
    @extend_schema(tags=TAGS_POSTS, responses={200: s.ContentPostOutput})
    def get(self, request: Request, post_id: UUID) -> Response:
        """Counts a view (once per reader and window)."""
        post = post_selectors.post_get_for(actor=request.user, post_id=post_id)
        view_services.post_view(post=post, user=request.user, ip=client_address(request))
        return _post_response(post, request)

    @extend_schema(
        tags=TAGS_POSTS, request=s.ContentPostUpdateInput, responses={200: s.ContentPostOutput}
    )
    def patch(self, request: Request, post_id: UUID) -> Response:
        post = post_selectors.post_get_for(actor=request.user, post_id=post_id)
        data = s.ContentPostUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        post = post_services.post_update(actor=request.user, post=post, **data.validated_data)
        return _post_response(post, request)

    @extend_schema(tags=TAGS_POSTS, responses={204: None})
    def delete(self, request: Request, post_id: UUID) -> Response:
        post = post_selectors.post_get_for(actor=request.user, post_id=post_id)
        post_services.post_delete(actor=request.user, post=post)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PostModerateApi(APIView):
    """`hide` or `restore` a post (the channel's moderators)."""

    permission_classes = [IsAuthenticated]
    action = ""

    @extend_schema(tags=TAGS_MODERATION, request=None, responses={200: s.ContentPostOutput})
    def post(self, request: Request, post_id: UUID) -> Response:
        post = post_selectors.post_get_for(actor=request.user, post_id=post_id)
        service = {"hide": post_services.post_hide, "restore": post_services.post_restore}
        post = service[self.action](actor=request.user, post=post)
        return _post_response(post, request)


class PostPinApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS_MODERATION, request=s.ContentPinInput, responses={200: s.ContentPostOutput}
    )
    def post(self, request: Request, post_id: UUID) -> Response:
        post = post_selectors.post_get_for(actor=request.user, post_id=post_id)
        data = s.ContentPinInput(data=request.data)
        data.is_valid(raise_exception=True)
        post = post_services.post_pin(
            actor=request.user, post=post, pinned=data.validated_data["pinned"]
        )
        return _post_response(post, request)


class PostLikeApi(APIView):
    """PUT-like semantics on a sub-resource: POST likes, DELETE unlikes; both idempotent."""

    permission_classes = [IsAuthenticated]

    def _answer(self, post: Any, liked: bool) -> Response:
        post.refresh_from_db(fields=["like_count"])
        return Response(s.ContentLikeOutput({"liked": liked, "like_count": post.like_count}).data)

    @extend_schema(tags=TAGS_POSTS, request=None, responses={200: s.ContentLikeOutput})
    def post(self, request: Request, post_id: UUID) -> Response:
        post = post_selectors.post_get_for(actor=request.user, post_id=post_id)
        post_services.post_like(actor=request.user, post=post)
        return self._answer(post, True)

    @extend_schema(tags=TAGS_POSTS, request=None, responses={200: s.ContentLikeOutput})
    def delete(self, request: Request, post_id: UUID) -> Response:
        post = post_selectors.post_get_for(actor=request.user, post_id=post_id)
        post_services.post_unlike(actor=request.user, post=post)
        return self._answer(post, False)


class PostReadingApi(APIView):
    """The thread page's report of reading time (seconds it was visible): summed per user,
    channel and day, counting no more than the time since the user's last report."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS_POSTS, request=s.ContentReadingInput, responses={200: s.ContentReadingOutput}
    )
    def post(self, request: Request, post_id: UUID) -> Response:
        post = post_selectors.post_get_for(actor=request.user, post_id=post_id)
        data = s.ContentReadingInput(data=request.data)
        data.is_valid(raise_exception=True)
        counted = view_services.reading_record(
            post=post, user=request.user, seconds=data.validated_data["seconds"]
        )
        return Response(s.ContentReadingOutput({"counted": counted}).data)


class CommentListCreateApi(_ReadOpenWriteSignedIn):
    """Top-level comments, a page at a time, each with all its replies in thread order."""

    pagination_class = TableLimitOffsetPagination

    @extend_schema(
        tags=TAGS_COMMENTS,
        parameters=[OpenApiParameter("sort", str, enum=CommentSort.values)],
        responses={200: s.ContentThreadOutput(many=True)},
    )
    def get(self, request: Request, post_id: UUID) -> Response:
        query = s.ContentCommentListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        sort = query.validated_data["sort"]
        post = post_selectors.post_get_for(actor=request.user, post_id=post_id)
        roots_qs = post_selectors.root_comments_for(actor=request.user, post=post, sort=sort)
        paginator = paginator_for(self)
        roots = list(paginator.paginate_queryset(roots_qs, request, view=self) or [])
        thread = post_selectors.thread_for(actor=request.user, post=post, roots=roots, sort=sort)
        replies: dict[int, list[Any]] = {r.pk: [] for r in roots}
        for comment in thread:
            if comment.parent_id is not None:
                replies[comment.root_id or 0].append(comment)
        for root in roots:
            root.thread_replies = replies[root.pk]  # type: ignore[attr-defined]
        liked = post_selectors.liked_comment_ids(
            actor=request.user, comment_ids=[c.pk for c in thread]
        )
        data = s.ContentThreadOutput(roots, many=True, context={"liked": liked}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        tags=TAGS_COMMENTS,
        request=s.ContentCommentCreateInput,
        responses={201: s.ContentCommentOutput},
    )
    def post(self, request: Request, post_id: UUID) -> Response:
        post = post_selectors.post_get_for(actor=request.user, post_id=post_id)
        data = s.ContentCommentCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        parent = None
        if data.validated_data.get("parent"):
            parent = post_selectors.comment_get_for(
                actor=request.user, comment_id=data.validated_data["parent"]
            )
        comment = comment_services.comment_create(
            actor=request.user, post=post, body=data.validated_data["body"], parent=parent
        )
        return Response(s.ContentCommentOutput(comment).data, status=status.HTTP_201_CREATED)


class CommentDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS_COMMENTS,
        request=s.ContentCommentUpdateInput,
        responses={200: s.ContentCommentOutput},
    )
    def patch(self, request: Request, comment_id: int) -> Response:
        comment = post_selectors.comment_get_for(actor=request.user, comment_id=comment_id)
        data = s.ContentCommentUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        comment = comment_services.comment_update(
            actor=request.user, comment=comment, body=data.validated_data["body"]
        )
        return Response(s.ContentCommentOutput(comment).data)

    @extend_schema(tags=TAGS_COMMENTS, responses={204: None})
    def delete(self, request: Request, comment_id: int) -> Response:
        comment = post_selectors.comment_get_for(actor=request.user, comment_id=comment_id)
        comment_services.comment_delete(actor=request.user, comment=comment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentModerateApi(APIView):
    """`hide` or `restore` a comment (the channel's moderators)."""

    permission_classes = [IsAuthenticated]
    action = ""

    @extend_schema(tags=TAGS_MODERATION, request=None, responses={200: s.ContentCommentOutput})
    def post(self, request: Request, comment_id: int) -> Response:
        comment = post_selectors.comment_get_for(actor=request.user, comment_id=comment_id)
        if self.action == "hide":
            comment = comment_services.comment_hide(actor=request.user, comment=comment)
        else:
            comment = comment_services.comment_restore(actor=request.user, comment=comment)
        return Response(s.ContentCommentOutput(comment).data)


class CommentLikeApi(APIView):
    permission_classes = [IsAuthenticated]

    def _answer(self, comment: Any, liked: bool) -> Response:
        comment.refresh_from_db(fields=["like_count"])
        data = {"liked": liked, "like_count": comment.like_count}
        return Response(s.ContentLikeOutput(data).data)

    @extend_schema(tags=TAGS_COMMENTS, request=None, responses={200: s.ContentLikeOutput})
    def post(self, request: Request, comment_id: int) -> Response:
        comment = post_selectors.comment_get_for(actor=request.user, comment_id=comment_id)
        comment_services.comment_like(actor=request.user, comment=comment)
        return self._answer(comment, True)

    @extend_schema(tags=TAGS_COMMENTS, request=None, responses={200: s.ContentLikeOutput})
    def delete(self, request: Request, comment_id: int) -> Response:
        comment = post_selectors.comment_get_for(actor=request.user, comment_id=comment_id)
        comment_services.comment_unlike(actor=request.user, comment=comment)
        return self._answer(comment, False)


class FlagListCreateApi(APIView):
    """GET: the moderation queue of the channels I moderate. POST: flag a post or comment."""

    permission_classes = [IsAuthenticated]
    pagination_class = TableLimitOffsetPagination

    @extend_schema(
        tags=TAGS_MODERATION,
        parameters=[OpenApiParameter("status", str, enum=["open", "upheld", "dismissed"])],
        responses={200: s.ContentFlagOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        wanted = request.query_params.get("status", "open")
        if wanted not in ("open", "upheld", "dismissed"):
            wanted = "open"
        return paginate(
            queryset=flag_selectors.flag_queue_for(actor=request.user, status=wanted),
            serializer_class=s.ContentFlagOutput,
            request=request,
            view=self,
        )

    @extend_schema(
        tags=TAGS_MODERATION, request=s.ContentFlagCreateInput, responses={201: s.ContentFlagOutput}
    )
    def post(self, request: Request) -> Response:
        data = s.ContentFlagCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        post = comment = None
        if values.get("post"):
            post = post_selectors.post_get_for(actor=request.user, post_id=values["post"])
        else:
            comment = post_selectors.comment_get_for(
                actor=request.user, comment_id=values["comment"]
            )
        flag = flag_services.flag_create(
            actor=request.user,
            post=post,
            comment=comment,
            reason=values["reason"],
            note=values.get("note", ""),
        )
        return Response(s.ContentFlagOutput(flag).data, status=status.HTTP_201_CREATED)
