"""/api/v1/content/."""

from django.urls import path

from lifeline.content.api import views as v

urlpatterns = [
    path("channels/", v.ChannelListCreateApi.as_view(), name="content-channels"),
    path("channels/<slug:slug>/", v.ChannelDetailApi.as_view(), name="content-channel"),
    path("channels/<slug:slug>/join/", v.ChannelJoinApi.as_view(), name="content-channel-join"),
    path(
        "channels/<slug:slug>/avatar/", v.ChannelAvatarApi.as_view(), name="content-channel-avatar"
    ),
    path(
        "channels/<slug:slug>/notifications/",
        v.ChannelNotificationLevelApi.as_view(),
        name="content-channel-notifications",
    ),
    path("channels/<slug:slug>/read/", v.ChannelReadApi.as_view(), name="content-channel-read"),
    # Not channels/read-all/: that is the address of a channel named "Read all".
    path("read-all/", v.ChannelReadAllApi.as_view(), name="content-read-all"),
    path("channels/<slug:slug>/trust/", v.ChannelTrustApi.as_view(), name="content-channel-trust"),
    path(
        "channels/<slug:slug>/members/",
        v.MemberListInviteApi.as_view(),
        name="content-channel-members",
    ),
    path(
        "channels/<slug:slug>/members/<uuid:user_id>/",
        v.MemberDetailApi.as_view(),
        name="content-channel-member",
    ),
    path(
        "channels/<slug:slug>/members/<uuid:user_id>/approve/",
        v.MemberApproveApi.as_view(),
        name="content-channel-member-approve",
    ),
    path(
        "channels/<slug:slug>/members/<uuid:user_id>/mute/",
        v.MemberMuteApi.as_view(),
        name="content-channel-member-mute",
    ),
    path(
        "channels/<slug:slug>/transfer/",
        v.OwnershipTransferApi.as_view(),
        name="content-channel-transfer",
    ),
    path("channels/<slug:slug>/posts/", v.PostListCreateApi.as_view(), name="content-posts"),
    path("posts/<uuid:post_id>/", v.PostDetailApi.as_view(), name="content-post"),
    path("posts/<uuid:post_id>/like/", v.PostLikeApi.as_view(), name="content-post-like"),
    path("posts/<uuid:post_id>/reading/", v.PostReadingApi.as_view(), name="content-post-reading"),
    path("posts/<uuid:post_id>/pin/", v.PostPinApi.as_view(), name="content-post-pin"),
    *[
        path(
            f"posts/<uuid:post_id>/{action}/",
            v.PostModerateApi.as_view(action=action),
            name=f"content-post-{action}",
        )
        for action in ("hide", "restore")
    ],
    path(
        "posts/<uuid:post_id>/comments/",
        v.CommentListCreateApi.as_view(),
        name="content-post-comments",
    ),
    path("comments/<int:comment_id>/", v.CommentDetailApi.as_view(), name="content-comment"),
    path(
        "comments/<int:comment_id>/like/", v.CommentLikeApi.as_view(), name="content-comment-like"
    ),
    *[
        path(
            f"comments/<int:comment_id>/{action}/",
            v.CommentModerateApi.as_view(action=action),
            name=f"content-comment-{action}",
        )
        for action in ("hide", "restore")
    ],
    path("flags/", v.FlagListCreateApi.as_view(), name="content-flags"),
]
