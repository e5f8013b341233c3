from __future__ import annotations

from types import SimpleNamespace

import pytest

from lifeline.access.enums import Role
from lifeline.chat.demo import seed
from lifeline.chat.models import Conversation, Message
from lifeline.core.demo import DemoContext, seeders

pytestmark = pytest.mark.django_db


def test_seed_is_registered_and_idempotent(team: SimpleNamespace) -> None:
    assert seed in seeders()
    ctx = DemoContext(users={Role.DOCTOR: team.doctor, Role.PATIENT: team.patient_user})
    ctx.write = lambda _text: None
    seed(ctx)
    seed(ctx)
    assert Conversation.objects.count() == 1
    assert Message.objects.count() == 3


def test_seed_skips_without_care_team(team: SimpleNamespace) -> None:
    ctx = DemoContext(users={Role.DOCTOR: team.other_doctor, Role.PATIENT: team.patient_user})
    ctx.write = lambda _text: None
    seed(ctx)
    assert Conversation.objects.count() == 0
