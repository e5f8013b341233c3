from lifeline.content.models.channel import Channel, ChannelMembership
from lifeline.content.models.comment import Comment, CommentLike
from lifeline.content.models.flag import Flag
from lifeline.content.models.post import Post, PostImage, PostLike, Reader, ReadingDay

__all__ = [
    "Channel",
    "ChannelMembership",
    "Comment",
    "CommentLike",
    "Flag",
    "Post",
    "PostImage",
    "PostLike",
    "Reader",
    "ReadingDay",
]
