"""Per-team limit on crew position reports (API and the crew card's sharing).

Counted per team, not per person: three phones of one crew share one budget. Checked in
the view after the team was loaded for the caller (`team_brief_get_for` and
`can_update_team_position`), so nobody spends another team's budget by posting to its URL,
and a refused report stores nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rest_framework.exceptions import Throttled
from rest_framework.request import Request

from lifeline.ambulance import conf
from lifeline.core.api.throttling import CountingRateThrottle

if TYPE_CHECKING:
    from rest_framework.views import APIView


class TeamPositionThrottle(CountingRateThrottle):
    scope = "ambulance_team_position"

    def __init__(self, team_id: Any) -> None:
        self.team_id = team_id
        super().__init__()

    def get_rate(self) -> str:
        return str(conf.get("POSITION_THROTTLE_RATE"))

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": str(self.team_id)}


def team_position_throttle(request: Any, *, team_id: Any) -> None:
    """Count one position report of the team; over the limit raise `Throttled` (429
    `throttled` with `Retry-After`)."""
    throttle = TeamPositionThrottle(team_id)
    if not throttle.allow_request(request, cast("APIView", None)):  # the key needs no view
        raise Throttled(wait=throttle.wait())
