from __future__ import annotations

from typing import Any

import time_machine

from lifeline.realtime import presence

ALICE = "00000000-0000-4000-8000-00000000000a"
BOB = "00000000-0000-4000-8000-00000000000b"


def test_online_until_ttl_passes_without_heartbeat(settings: Any) -> None:
    settings.LIFELINE_PRESENCE_TTL = 30
    with time_machine.travel(1_800_000_000, tick=False) as traveller:
        presence.mark_online(ALICE, "socket-1")
        traveller.shift(29)
        assert presence.is_online(ALICE) is True
        traveller.shift(2)
        assert presence.is_online(ALICE) is False


def test_heartbeat_extends_presence(settings: Any) -> None:
    settings.LIFELINE_PRESENCE_TTL = 30
    with time_machine.travel(1_800_000_000, tick=False) as traveller:
        presence.mark_online(ALICE, "socket-1")
        traveller.shift(20)
        presence.mark_online(ALICE, "socket-1")
        traveller.shift(20)
        assert presence.is_online(ALICE) is True


def test_user_stays_online_while_another_connection_is_open() -> None:
    presence.mark_online(ALICE, "socket-1")
    presence.mark_online(ALICE, "socket-2")

    presence.mark_offline(ALICE, "socket-1")
    assert presence.is_online(ALICE) is True
    presence.mark_offline(ALICE, "socket-2")
    assert presence.is_online(ALICE) is False


def test_online_among_returns_only_online_ids() -> None:
    presence.mark_online(ALICE, "socket-1")

    assert presence.online_among([ALICE, BOB]) == {ALICE}
    assert presence.online_among([]) == set()
