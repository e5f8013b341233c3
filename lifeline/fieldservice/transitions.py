"""Who may move a request from which status to which: the table, and nothing else.

The operator creates and schedules; the request's master accepts, travels, works and
finishes (only their own requests); managers and directors may make every move, and only
they reopen a closed request (Готово, Отказ, НеЗаказ, ТНО).
"""

from __future__ import annotations

from collections.abc import Iterable

from lifeline.access.enums import Role
from lifeline.fieldservice.enums import CLOSED_STATUSES
from lifeline.fieldservice.enums import RequestStatus as S

OPERATOR = Role.OPERATOR
MASTER = Role.MASTER
MANAGER = Role.MANAGER
DIRECTOR = Role.DIRECTOR

_CALL_CENTRE: dict[str, tuple[str, ...]] = {
    S.NEW: (S.WAITING, S.AWAITING_ACCEPTANCE, S.CALL_BACK, S.NOT_ORDERED, S.REFUSED),
    S.WAITING: (S.AWAITING_ACCEPTANCE, S.CALL_BACK, S.NOT_ORDERED, S.REFUSED),
    S.CALL_BACK: (S.WAITING, S.AWAITING_ACCEPTANCE, S.NOT_ORDERED, S.REFUSED),
    # The operator takes a request back from a master who has not started (reassigning).
    S.AWAITING_ACCEPTANCE: (S.WAITING,),
    S.ACCEPTED: (S.WAITING,),
}
_MASTER: dict[str, tuple[str, ...]] = {
    S.AWAITING_ACCEPTANCE: (S.ACCEPTED, S.WAITING),  # accept, or decline
    S.ACCEPTED: (S.EN_ROUTE, S.WAITING),
    S.EN_ROUTE: (S.IN_PROGRESS,),
    S.IN_PROGRESS: (S.DONE, S.MODERN, S.REFUSED, S.TNO),
    S.MODERN: (S.IN_PROGRESS, S.DONE, S.REFUSED),
}
_REOPEN: dict[str, tuple[str, ...]] = dict.fromkeys(CLOSED_STATUSES, (S.WAITING, S.IN_PROGRESS))


def _table() -> dict[tuple[str, str], frozenset[str]]:
    table: dict[tuple[str, str], set[str]] = {}

    def add(moves: dict[str, tuple[str, ...]], roles: Iterable[str]) -> None:
        for source, targets in moves.items():
            for target in targets:
                table.setdefault((source, target), set()).update(roles)

    add(_CALL_CENTRE, (OPERATOR, MANAGER, DIRECTOR))
    add(_MASTER, (MASTER, MANAGER, DIRECTOR))
    add(_REOPEN, (MANAGER, DIRECTOR))
    return {move: frozenset(roles) for move, roles in table.items()}


TRANSITIONS: dict[tuple[str, str], frozenset[str]] = _table()

# Moves a master makes only on a request assigned to them.
OWN_REQUEST_ROLES = frozenset({MASTER})


def allowed_targets(*, source: str, roles: Iterable[str], is_own: bool) -> list[str]:
    """Statuses `roles` may move a request in `source` to, in the enum's order."""
    held = set(roles)
    if not is_own:
        held -= OWN_REQUEST_ROLES
    return [
        target
        for target in S.values
        if (source, target) in TRANSITIONS and TRANSITIONS[(source, target)] & held
    ]


def is_allowed(*, source: str, target: str, roles: Iterable[str], is_own: bool) -> bool:
    return target in allowed_targets(source=source, roles=roles, is_own=is_own)
