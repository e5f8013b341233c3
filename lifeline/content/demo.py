"""Demo data for `serve --demo`: two channels of the demo buyer's (one public, one private)
with a discussion three levels deep; the demo seller is a member, and the marketplace's
demo moderator moderates the public one as a site moderator."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from lifeline.access.enums import OrganizationKind, Role
from lifeline.content.enums import ChannelRole, NotificationLevel, Visibility
from lifeline.content.models import Channel, ChannelMembership, Comment, Post
from lifeline.content.models.comment import path_segment
from lifeline.content.services import media
from lifeline.core.demo import DemoContext

THREAD = [
    # depth, author role, text
    (0, Role.SELLER, "Я продаю такие уже три года: берите модель с двумя аккумуляторами."),
    (1, Role.BUYER, "А сколько держит один аккумулятор в мороз?"),
    (2, Role.SELLER, "При минус десяти — около четырёх часов."),
    (0, Role.BUYER, "Спасибо, заказал такой здесь же, в магазине."),
]


def _comment(post: Post, author: Any, body: str, parent: Comment | None) -> Comment:
    comment = Comment.objects.create(
        post=post,
        author=author,
        parent=parent,
        root_id=parent.root_id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        body=body,
    )
    comment.path = (parent.path if parent else "") + path_segment(comment.pk)
    comment.root_id = comment.root_id or comment.pk
    comment.save(update_fields=["path", "root"])
    return comment


def seed(ctx: DemoContext) -> None:
    owner = ctx.users.get(Role.BUYER)
    seller = ctx.users.get(Role.SELLER)
    organization = ctx.organizations.get(OrganizationKind.MARKETPLACE)
    if owner is None or seller is None:
        return
    public, created = Channel.objects.get_or_create(
        slug="demo-otzyvy",
        defaults={
            "name": "Отзывы покупателей",
            "description": "Покупатели и продавцы обсуждают товары магазина.",
            "organization": organization,
            "member_count": 3,
        },
    )
    private, _ = Channel.objects.get_or_create(
        slug="demo-sellers-lounge",
        defaults={
            "name": "Комната продавцов",
            "description": "Закрытый канал демо-продавцов.",
            "visibility": Visibility.PRIVATE,
            "organization": organization,
            "member_count": 1,
        },
    )
    ChannelMembership.objects.get_or_create(
        channel=public, user=owner, defaults={"role": ChannelRole.OWNER}
    )
    ChannelMembership.objects.get_or_create(channel=public, user=seller)
    moderator = ctx.users.get(Role.MODERATOR)
    if moderator is not None:
        ChannelMembership.objects.get_or_create(
            channel=public, user=moderator, defaults={"role": ChannelRole.MODERATOR}
        )
    ChannelMembership.objects.get_or_create(
        channel=private, user=seller, defaults={"role": ChannelRole.OWNER}
    )
    if not created:
        ctx.write("content: demo channels already there")
        return
    post = Post.objects.create(
        channel=public,
        author=owner,
        title="Какой фонарик взять для зимней рыбалки?",
        body="<p>Нужен фонарик, который не боится мороза. Что посоветуете?</p>",
        is_pinned=True,
        comment_count=len(THREAD),
    )
    parents: list[Comment] = []
    users = {Role.SELLER: seller, Role.BUYER: owner}
    for depth, role, text in THREAD:
        parent = parents[depth - 1] if depth else None
        comment = _comment(post, users[role], text, parent)
        parents[depth:] = [comment]
    Post.objects.create(
        channel=private,
        author=seller,
        title="Сроки доставки в декабре",
        body="<p>Перед праздниками курьеры не успевают: предупредите покупателей.</p>",
    )
    _pictures(owner, public, post)
    ChannelMembership.objects.filter(channel=public, user=seller).update(
        notification_level=NotificationLevel.WATCHING
    )
    ctx.write("content: 2 demo channels, a thread 3 levels deep, an avatar and a picture")


def _png(colour: tuple[int, int, int], size: tuple[int, int]) -> SimpleUploadedFile:
    """A plain picture made here (no binary file in the repository)."""
    buffer = io.BytesIO()
    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).ellipse(
        (size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4), fill=(255, 255, 255)
    )
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("demo.png", buffer.getvalue(), content_type="image/png")


def _pictures(owner: Any, channel: Channel, post: Post) -> None:
    """The public channel's avatar and a picture under its pinned post, through the files
    service like any upload."""
    media.avatar_set(actor=owner, channel=channel, upload=_png((11, 92, 173), (128, 128)))
    stored = media.store_uploads(
        actor=owner, channel=channel, images=[_png((40, 120, 60), (640, 360))]
    )
    media.attach_images(post=post, stored=stored)
