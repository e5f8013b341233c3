"""Writes of channels and memberships.

The creator is the owner member from the first moment (one transaction). Joining a public
channel makes an active member; asking to join a private one makes a request an admin
approves; an admin's invitation is accepted by joining. Roles change only downwards of the
actor's own rank; only the owner transfers the ownership or deletes the channel. Opening a
channel (or "mark all read") moves the member's `last_read_at`, from which unread counts
start.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from lifeline.access.enums import OrganizationKind
from lifeline.access.permissions import memberships_of
from lifeline.audit.services import record
from lifeline.content.enums import ChannelRole, MembershipStatus, Visibility
from lifeline.content.exceptions import (
    AlreadyMember,
    ContentForbidden,
    InvalidRole,
    NotAMember,
    OwnerCannotLeave,
)
from lifeline.content.models import Channel, ChannelMembership
from lifeline.content.permissions import (
    active_role,
    can_act_on_member,
    can_manage_channel,
    can_moderate,
    can_own_channel,
    forget_membership,
    membership_of,
    rank,
)
from lifeline.core.exceptions import NotFound
from lifeline.core.slugs import slug_base

SETTINGS_FIELDS = ("name", "description", "visibility")


def _unique_slug(name: str) -> str:
    base = slug_base(name, fallback="channel")
    slug, n = base, 1
    while Channel.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _marketplace_of(user: Any) -> Any:
    return (
        memberships_of(user=user)
        .filter(organization__kind=OrganizationKind.MARKETPLACE)
        .order_by("created_at")
        .values_list("organization_id", flat=True)
        .first()
    )


def channel_create(
    *, actor: Any, name: str, description: str = "", visibility: str = Visibility.PUBLIC
) -> Channel:
    """A new channel owned by `actor` (any signed-in user)."""
    if not getattr(actor, "is_authenticated", False):
        raise ContentForbidden()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                channel = Channel.objects.create(
                    organization_id=_marketplace_of(actor),
                    name=name.strip(),
                    slug=_unique_slug(name),
                    description=description.strip(),
                    visibility=visibility,
                    member_count=1,
                )
                ChannelMembership.objects.create(
                    channel=channel, user=actor, role=ChannelRole.OWNER
                )
                record(
                    actor=actor,
                    action="content.channel_created",
                    target=channel,
                    organization=channel.organization,
                )
                return channel
        except IntegrityError:
            continue  # two channels of the same name raced for the slug
    raise IntegrityError("no free slug")


@transaction.atomic
def channel_update(*, actor: Any, channel: Channel, **changes: Any) -> Channel:
    if not can_manage_channel(actor, channel):
        raise ContentForbidden()
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    before = {name: str(getattr(channel, name)) for name in changes}
    for name, value in changes.items():
        setattr(channel, name, value.strip() if isinstance(value, str) else value)
    channel.save(update_fields=[*changes, "updated_at"])
    record(
        actor=actor,
        action="content.channel_updated",
        target=channel,
        organization=channel.organization,
        before=before,
        after={name: str(getattr(channel, name)) for name in changes},
    )
    return channel


@transaction.atomic
def channel_delete(*, actor: Any, channel: Channel) -> Channel:
    """Soft delete: the channel and everything in it disappear for everyone."""
    if not can_own_channel(actor, channel):
        raise ContentForbidden()
    channel.deleted_at = timezone.now()
    channel.save(update_fields=["deleted_at", "updated_at"])
    record(
        actor=actor,
        action="content.channel_deleted",
        target=channel,
        organization=channel.organization,
    )
    return channel


def _add_member(channel: Channel, membership: ChannelMembership) -> None:
    Channel.objects.filter(pk=channel.pk).update(member_count=F("member_count") + 1)


@transaction.atomic
def channel_join(*, actor: Any, channel: Channel) -> ChannelMembership:
    """Join a public channel, accept an invitation, or ask to join a private channel.
    Idempotent for a pending request; an active member gets AlreadyMember."""
    if not getattr(actor, "is_authenticated", False) or channel.deleted_at is not None:
        raise ContentForbidden()
    membership = (
        ChannelMembership.objects.select_for_update().filter(channel=channel, user=actor).first()
    )
    if membership is not None:
        if membership.status == MembershipStatus.ACTIVE:
            raise AlreadyMember()
        if membership.status == MembershipStatus.REQUESTED:
            return membership
        membership.status = MembershipStatus.ACTIVE  # an invitation, accepted
        membership.save(update_fields=["status", "updated_at"])
        _add_member(channel, membership)
    elif channel.is_private:
        membership = ChannelMembership.objects.create(
            channel=channel, user=actor, status=MembershipStatus.REQUESTED
        )
    else:
        membership = ChannelMembership.objects.create(channel=channel, user=actor)
        _add_member(channel, membership)
    forget_membership(channel)
    asked = membership.status == MembershipStatus.REQUESTED
    record(
        actor=actor,
        action="content.member_requested" if asked else "content.member_joined",
        target=channel,
        organization=channel.organization,
    )
    return membership


@transaction.atomic
def channel_leave(*, actor: Any, channel: Channel) -> None:
    """Leave the channel (or withdraw a request, or decline an invitation)."""
    membership = (
        ChannelMembership.objects.select_for_update().filter(channel=channel, user=actor).first()
    )
    if membership is None:
        raise NotFound()
    if membership.role == ChannelRole.OWNER:
        raise OwnerCannotLeave()
    _remove(channel, membership)
    record(
        actor=actor, action="content.member_left", target=channel, organization=channel.organization
    )


def _remove(channel: Channel, membership: ChannelMembership) -> None:
    was_active = membership.status == MembershipStatus.ACTIVE
    membership.delete()
    if was_active:
        Channel.objects.filter(pk=channel.pk).update(member_count=F("member_count") - 1)
    forget_membership(channel)


def _target(channel: Channel, user_id: Any) -> ChannelMembership:
    membership = (
        ChannelMembership.objects.select_for_update()
        .filter(channel=channel, user_id=user_id)
        .first()
    )
    if membership is None:
        raise NotFound()
    return membership


@transaction.atomic
def member_approve(*, actor: Any, channel: Channel, user_id: Any) -> ChannelMembership:
    """An admin lets in someone who asked to join."""
    if not can_manage_channel(actor, channel):
        raise ContentForbidden()
    membership = _target(channel, user_id)
    if membership.status != MembershipStatus.REQUESTED:
        raise NotFound()
    membership.status = MembershipStatus.ACTIVE
    membership.save(update_fields=["status", "updated_at"])
    _add_member(channel, membership)
    record(
        actor=actor,
        action="content.member_approved",
        target=channel,
        organization=channel.organization,
        metadata={"user_id": str(user_id)},
    )
    return membership


@transaction.atomic
def member_invite(*, actor: Any, channel: Channel, user: Any) -> ChannelMembership:
    """An admin invites a user; joining accepts. Inviting someone who asked lets them in."""
    if not can_manage_channel(actor, channel):
        raise ContentForbidden()
    membership = (
        ChannelMembership.objects.select_for_update().filter(channel=channel, user=user).first()
    )
    if membership is not None:
        if membership.status == MembershipStatus.ACTIVE:
            raise AlreadyMember()
        if membership.status == MembershipStatus.REQUESTED:
            membership.status = MembershipStatus.ACTIVE
            membership.invited_by = actor
            membership.save(update_fields=["status", "invited_by", "updated_at"])
            _add_member(channel, membership)
        return membership
    membership = ChannelMembership.objects.create(
        channel=channel, user=user, status=MembershipStatus.INVITED, invited_by=actor
    )
    record(
        actor=actor,
        action="content.member_invited",
        target=channel,
        organization=channel.organization,
        metadata={"user_id": str(user.pk)},
    )
    return membership


@transaction.atomic
def member_set_role(*, actor: Any, channel: Channel, user_id: Any, role: str) -> ChannelMembership:
    """Admins make members moderators (and back); the owner also makes admins. Nobody gives
    the owner role here (ownership_transfer) or acts on their own rank or above."""
    if not can_manage_channel(actor, channel):
        raise ContentForbidden()
    if role not in ChannelRole.values or role == ChannelRole.OWNER:
        raise InvalidRole(errors={"role": ["Not a valid choice."]})
    membership = _target(channel, user_id)
    if membership.status != MembershipStatus.ACTIVE:
        raise NotFound()
    if not can_act_on_member(actor, channel, membership) or rank(role) >= rank(
        active_role(actor, channel)
    ):
        raise ContentForbidden()
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    record(
        actor=actor,
        action="content.member_role_changed",
        target=channel,
        organization=channel.organization,
        before={"role": before},
        after={"role": role},
        metadata={"user_id": str(user_id)},
    )
    return membership


@transaction.atomic
def member_remove(*, actor: Any, channel: Channel, user_id: Any) -> None:
    """Admins remove members, moderators and requests; the owner also removes admins."""
    if not can_manage_channel(actor, channel):
        raise ContentForbidden()
    membership = _target(channel, user_id)
    if not can_act_on_member(actor, channel, membership):
        raise ContentForbidden()
    _remove(channel, membership)
    record(
        actor=actor,
        action="content.member_removed",
        target=channel,
        organization=channel.organization,
        metadata={"user_id": str(user_id)},
    )


@transaction.atomic
def member_mute(
    *, actor: Any, channel: Channel, user_id: Any, until: datetime | None
) -> ChannelMembership:
    """Moderators mute a member of lower rank until `until` (None lifts the mute)."""
    if not can_moderate(actor, channel):
        raise ContentForbidden()
    membership = _target(channel, user_id)
    if membership.status != MembershipStatus.ACTIVE:
        raise NotFound()
    if not can_act_on_member(actor, channel, membership):
        raise ContentForbidden()
    membership.muted_until = until
    membership.save(update_fields=["muted_until", "updated_at"])
    forget_membership(channel)
    record(
        actor=actor,
        action="content.member_muted" if until else "content.member_unmuted",
        target=channel,
        organization=channel.organization,
        metadata={"user_id": str(user_id), "until": until.isoformat() if until else None},
    )
    return membership


@transaction.atomic
def ownership_transfer(*, actor: Any, channel: Channel, user_id: Any) -> ChannelMembership:
    """The owner hands the channel to an active member and becomes an admin."""
    if not can_own_channel(actor, channel):
        raise ContentForbidden()
    target = _target(channel, user_id)
    if target.status != MembershipStatus.ACTIVE or target.user_id == actor.pk:
        raise InvalidRole(errors={"user": ["Must be another active member."]})
    own = membership_of(actor, channel)
    assert own is not None  # noqa: S101 - can_own_channel found it
    ChannelMembership.objects.filter(pk=own.pk).update(role=ChannelRole.ADMIN)
    target.role = ChannelRole.OWNER
    target.muted_until = None
    target.save(update_fields=["role", "muted_until", "updated_at"])
    forget_membership(channel)
    record(
        actor=actor,
        action="content.ownership_transferred",
        target=channel,
        organization=channel.organization,
        metadata={"user_id": str(user_id)},
    )
    return target


def notification_level_set(*, actor: Any, channel: Channel, level: str) -> ChannelMembership:
    """An active member chooses what they hear from the channel."""
    membership = membership_of(actor, channel)
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        raise NotAMember()
    ChannelMembership.objects.filter(pk=membership.pk).update(notification_level=level)
    membership.notification_level = level
    return membership


def channel_mark_read(*, actor: Any, channel: Channel) -> ChannelMembership:
    """An active member has seen the channel: its unread count starts again from now (one
    UPDATE of their own row; nobody else's count changes)."""
    membership = membership_of(actor, channel)
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        raise NotAMember()
    now = timezone.now()
    ChannelMembership.objects.filter(pk=membership.pk).update(last_read_at=now)
    membership.last_read_at = now
    return membership


def channel_mark_all_read(*, actor: Any) -> int:
    """Every channel `actor` is an active member of counts from now ("mark all read"); the
    number of channels marked."""
    if not getattr(actor, "is_authenticated", False):
        raise ContentForbidden()
    return ChannelMembership.objects.filter(user=actor, status=MembershipStatus.ACTIVE).update(
        last_read_at=timezone.now()
    )
