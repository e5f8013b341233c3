from __future__ import annotations

import uuid

import pytest

from lifeline.realtime import groups
from lifeline.realtime.groups import InvalidGroupName

ID = uuid.UUID("3f2b6c1e-0000-4000-8000-00000000abcd")


def test_user_group() -> None:
    assert groups.user(ID) == "user.3f2b6c1e-0000-4000-8000-00000000abcd"


def test_organization_groups() -> None:
    assert groups.organization(ID) == "org.3f2b6c1e-0000-4000-8000-00000000abcd"
    assert (
        groups.organization(ID, role="dispatcher")
        == "org.3f2b6c1e-0000-4000-8000-00000000abcd.dispatcher"
    )


def test_subject_group() -> None:
    assert (
        groups.subject("chat", "conversation", ID)
        == "chat.conversation.3f2b6c1e-0000-4000-8000-00000000abcd"
    )


@pytest.mark.parametrize("name", ["user:1", "", "a" * 100, "org 1", "user.1/2"])
def test_invalid_names_are_rejected(name: str) -> None:
    with pytest.raises(InvalidGroupName):
        groups.validate(name)


def test_a_part_cannot_smuggle_a_dot() -> None:
    with pytest.raises(InvalidGroupName):
        groups.organization("1.dispatcher")
