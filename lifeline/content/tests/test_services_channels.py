from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.accounts.tests.factories import UserFactory
from lifeline.audit.models import AuditEvent
from lifeline.content.enums import MembershipStatus, Visibility
from lifeline.content.exceptions import (
    AlreadyMember,
    ContentForbidden,
    InvalidRole,
    MemberMuted,
    OwnerCannotLeave,
)
from lifeline.content.models import Channel, ChannelMembership
from lifeline.content.permissions import (
    can_manage_channel,
    can_moderate,
    can_own_channel,
    can_post,
    can_read_channel,
)
from lifeline.content.services import channels as svc
from lifeline.content.services.posts import post_create
from lifeline.content.tests.factories import member

pytestmark = pytest.mark.django_db


def _roles(channel: Any) -> dict[Any, tuple[str, str]]:
    return {
        m.user_id: (m.role, m.status) for m in ChannelMembership.objects.filter(channel=channel)
    }


def test_the_creator_is_the_owner_member_from_the_first_moment(owner: Any) -> None:
    channel = svc.channel_create(actor=owner, name="Зимняя рыбалка", description=" ice ")
    assert (channel.slug, channel.description, channel.member_count) == (
        "zimnyaya-rybalka",
        "ice",
        1,
    )
    assert _roles(channel) == {owner.pk: ("owner", "active")}
    assert can_post(owner, channel)
    assert can_own_channel(owner, channel)
    assert AuditEvent.objects.filter(action="content.channel_created").count() == 1


def test_slugs_of_same_names_stay_unique_and_do_not_change_on_rename(owner: Any) -> None:
    first = svc.channel_create(actor=owner, name="Рыбалка")
    second = svc.channel_create(actor=owner, name="Рыбалка")
    symbols = svc.channel_create(actor=owner, name="!!!")
    assert (first.slug, second.slug, symbols.slug) == ("rybalka", "rybalka-2", "channel")
    svc.channel_update(actor=owner, channel=first, name="Охота")
    first.refresh_from_db()
    assert (first.name, first.slug) == ("Охота", "rybalka")


def test_the_channel_belongs_to_the_creators_marketplace() -> None:
    market = OrganizationFactory(kind=OrganizationKind.MARKETPLACE)
    seller = user_with_role(Role.SELLER, market)
    assert svc.channel_create(actor=seller, name="A").organization_id == market.pk
    assert svc.channel_create(actor=UserFactory(), name="B").organization_id is None


def test_joining_a_public_channel_makes_an_active_member(channel: Any, stranger: Any) -> None:
    svc.channel_join(actor=stranger, channel=channel)
    channel.refresh_from_db()
    assert channel.member_count == 2
    assert _roles(channel)[stranger.pk] == ("member", "active")
    with pytest.raises(AlreadyMember):
        svc.channel_join(actor=stranger, channel=channel)
    channel.refresh_from_db()
    assert channel.member_count == 2


def test_a_private_channel_is_joined_by_request_then_approval(
    owner: Any, private_channel: Any, stranger: Any
) -> None:
    svc.channel_join(actor=stranger, channel=private_channel)
    svc.channel_join(actor=stranger, channel=private_channel)  # asking twice is one request
    assert _roles(private_channel)[stranger.pk] == ("member", "requested")
    assert not can_read_channel(stranger, Channel.objects.get(pk=private_channel.pk))
    svc.member_approve(actor=owner, channel=private_channel, user_id=stranger.pk)
    private_channel.refresh_from_db()
    assert _roles(private_channel)[stranger.pk] == ("member", "active")
    assert private_channel.member_count == 2
    assert can_read_channel(stranger, private_channel)


def test_a_private_channel_is_joined_by_invitation(
    owner: Any, private_channel: Any, stranger: Any
) -> None:
    svc.member_invite(actor=owner, channel=private_channel, user=stranger)
    assert _roles(private_channel)[stranger.pk] == ("member", "invited")
    svc.channel_join(actor=stranger, channel=private_channel)
    assert _roles(private_channel)[stranger.pk] == ("member", "active")


def test_a_plain_member_cannot_invite_or_approve(private_channel: Any, stranger: Any) -> None:
    plain = member(private_channel)
    with pytest.raises(ContentForbidden):
        svc.member_invite(actor=plain, channel=private_channel, user=stranger)
    assert stranger.pk not in _roles(private_channel)


def test_the_owner_cannot_leave_but_a_member_can(channel: Any, owner: Any, reader: Any) -> None:
    with pytest.raises(OwnerCannotLeave):
        svc.channel_leave(actor=owner, channel=channel)
    svc.channel_leave(actor=reader, channel=channel)
    assert set(_roles(channel)) == {owner.pk}


@pytest.mark.parametrize(
    ("actor_role", "target_role", "new_role", "allowed"),
    [
        ("owner", "member", "admin", True),
        ("owner", "admin", "member", True),
        ("admin", "member", "moderator", True),
        ("admin", "member", "admin", False),  # only the owner makes admins
        ("admin", "admin", "member", False),  # not on their own rank
        ("moderator", "member", "moderator", False),
        ("member", "member", "moderator", False),
    ],
)
def test_role_changes_go_only_below_the_actors_rank(
    channel: Any, owner: Any, actor_role: str, target_role: str, new_role: str, allowed: bool
) -> None:
    actor = owner if actor_role == "owner" else member(channel, actor_role)
    target = member(channel, target_role)
    if allowed:
        svc.member_set_role(actor=actor, channel=channel, user_id=target.pk, role=new_role)
        assert _roles(channel)[target.pk] == (new_role, "active")
    else:
        with pytest.raises(ContentForbidden):
            svc.member_set_role(actor=actor, channel=channel, user_id=target.pk, role=new_role)
        assert _roles(channel)[target.pk] == (target_role, "active")


def test_nobody_gives_the_owner_role_by_a_role_change(
    channel: Any, owner: Any, reader: Any
) -> None:
    with pytest.raises(InvalidRole):
        svc.member_set_role(actor=owner, channel=channel, user_id=reader.pk, role="owner")
    assert _roles(channel)[reader.pk] == ("member", "active")


def test_admins_remove_members_but_not_the_owner(
    channel: Any, owner: Any, admin: Any, reader: Any
) -> None:
    with pytest.raises(ContentForbidden):
        svc.member_remove(actor=admin, channel=channel, user_id=owner.pk)
    svc.member_remove(actor=admin, channel=channel, user_id=reader.pk)
    channel.refresh_from_db()
    assert set(_roles(channel)) == {owner.pk, admin.pk}
    assert channel.member_count == 2


def test_moderators_mute_members_who_then_cannot_post(
    channel: Any, moderator: Any, reader: Any, admin: Any
) -> None:
    until = timezone.now() + timedelta(hours=1)
    svc.member_mute(actor=moderator, channel=channel, user_id=reader.pk, until=until)
    channel = Channel.objects.get(pk=channel.pk)
    with pytest.raises(MemberMuted):
        post_create(actor=reader, channel=channel, title="t", body="b")
    with pytest.raises(ContentForbidden):
        svc.member_mute(actor=moderator, channel=channel, user_id=admin.pk, until=until)
    assert ChannelMembership.objects.get(channel=channel, user=admin).muted_until is None


def test_only_the_owner_transfers_the_ownership(channel: Any, owner: Any, admin: Any) -> None:
    with pytest.raises(ContentForbidden):
        svc.ownership_transfer(actor=admin, channel=channel, user_id=admin.pk)
    svc.ownership_transfer(actor=owner, channel=channel, user_id=admin.pk)
    assert _roles(channel)[owner.pk] == ("admin", "active")
    assert _roles(channel)[admin.pk] == ("owner", "active")


def test_only_the_owner_deletes_and_then_nobody_reads(channel: Any, owner: Any, admin: Any) -> None:
    with pytest.raises(ContentForbidden):
        svc.channel_delete(actor=admin, channel=channel)
    assert Channel.objects.get(pk=channel.pk).deleted_at is None
    svc.channel_delete(actor=owner, channel=channel)
    assert not can_read_channel(owner, channel)
    assert AuditEvent.objects.filter(action="content.channel_deleted").count() == 1


def test_marketplace_moderators_moderate_public_channels_of_their_marketplace() -> None:
    market = OrganizationFactory(kind=OrganizationKind.MARKETPLACE)
    creator = user_with_role(Role.BUYER, market)
    site_moderator = user_with_role(Role.MODERATOR, market)
    outsider = user_with_role(Role.MODERATOR)
    public = svc.channel_create(actor=creator, name="Public")
    private = svc.channel_create(actor=creator, name="Private", visibility=Visibility.PRIVATE)
    assert can_moderate(site_moderator, public)
    assert not can_moderate(site_moderator, private)
    assert not can_moderate(outsider, public)
    assert not can_manage_channel(site_moderator, public)


def test_staff_act_only_on_active_memberships_statuses(owner: Any, private_channel: Any) -> None:
    asking = UserFactory()
    svc.channel_join(actor=asking, channel=private_channel)
    with pytest.raises(Exception):  # noqa: B017, PT011 - NotFound: not an active member
        svc.member_set_role(
            actor=owner, channel=private_channel, user_id=asking.pk, role="moderator"
        )
    assert _roles(private_channel)[asking.pk] == ("member", MembershipStatus.REQUESTED)
