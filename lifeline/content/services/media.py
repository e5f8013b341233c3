"""Pictures of channels and posts, stored by the files service (type sniffed from the content,
re-encoded without metadata, size-limited). Content serves them through its own views, which
ask whether the reader may read the channel, so a private channel's pictures stay private.

Posting images needs trust level 2 (`trust.py`); a channel's avatar is set by its admins.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext_noop

from lifeline.audit.services import record
from lifeline.content.exceptions import ContentForbidden, ImagesNotAllowed, TooManyImages
from lifeline.content.models import Channel, Post, PostImage
from lifeline.content.permissions import can_manage_channel
from lifeline.content.trust import trust_of
from lifeline.files import services as files
from lifeline.files.enums import FileKind

MAX_IMAGES = 4


def check_images(*, actor: Any, channel: Channel, images: Sequence[File]) -> None:
    if not images:
        return
    if len(images) > MAX_IMAGES:
        raise TooManyImages(errors={"images": [gettext_noop("At most 4 images per post.")]})
    if not trust_of(actor, channel).may_post_images:
        raise ImagesNotAllowed()


def store_uploads(*, actor: Any, channel: Channel, images: Sequence[File]) -> list[Any]:
    """Store the uploads (outside the post's transaction: the files service cleans up blobs of
    refused uploads itself); if one is refused, the ones stored before it are deleted."""
    stored: list[Any] = []  # files-service rows (StoredFile)
    try:
        for upload in images:
            stored.append(
                files.file_upload(
                    actor=actor,
                    uploaded_file=upload,
                    kind=FileKind.IMAGE,
                    organization=channel.organization,
                )
            )
    except BaseException:
        discard_uploads(actor=actor, stored=stored)
        raise
    return stored


def discard_uploads(*, actor: Any, stored: Sequence[Any]) -> None:
    for file in stored:
        files.file_delete(actor=actor, file=file)


def attach_images(*, post: Post, stored: Sequence[Any]) -> list[PostImage]:
    images = []
    for position, file in enumerate(stored):
        image = PostImage.objects.create(post=post, file=file, position=position)
        files.file_attach(file=file, obj=image)
        images.append(image)
    return images


def avatar_set(*, actor: Any, channel: Channel, upload: File | None) -> Channel:
    """Set (or with None, remove) the channel's avatar; admins and the owner only."""
    if not can_manage_channel(actor, channel):
        raise ContentForbidden()
    stored = (
        files.file_upload(
            actor=actor,
            uploaded_file=upload,
            kind=FileKind.IMAGE,
            organization=channel.organization,
        )
        if upload is not None
        else None
    )
    try:
        with transaction.atomic():
            locked = Channel.objects.select_for_update().get(pk=channel.pk)
            previous = locked.avatar
            if stored is not None:
                files.file_attach(file=stored, obj=channel)
            Channel.objects.filter(pk=channel.pk).update(avatar=stored)
            channel.avatar = stored
            if previous is not None:
                # The previous picture belongs to whoever uploaded it: the row is soft-deleted
                # as that owner would (the channel's admins share the picture).
                files.file_delete(actor=previous.owner, file=previous)
            record(
                actor=actor,
                action="content.avatar_set" if stored else "content.avatar_removed",
                target=channel,
                organization=channel.organization,
            )
    except BaseException:
        if stored is not None:
            files.file_delete(actor=actor, file=stored)
        raise
    return channel
