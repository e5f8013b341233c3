"""Cross-domain flows of the sos module: the only module of sos that calls another domain.

Declared in the import contracts (`lifeline.sos.services.flows -> lifeline.ambulance.services`,
`../shared/STYLE.md` 2.1) once the ambulance module exists. Today it calls nobody.
"""

from __future__ import annotations

import logging

from lifeline.sos.models import SosEvent

logger = logging.getLogger(__name__)


def event_hand_over_to_dispatch(*, event: SosEvent) -> None:
    """Hand an escalated SOS to ambulance dispatch. **A no-op until the ambulance module exists.**

    Called by `escalation.event_escalate` inside its transaction, after the SOS admins and the
    emergency contacts were told. The dispatch issue implements this as a call to
    `lifeline.ambulance.services` (creating a call card from the event's location, severity
    and wearer), declared in the import-linter contract as
    `lifeline.sos.services.flows -> lifeline.ambulance.services`. Until then escalation stops
    at SOS administrators and emergency contacts.
    """
    logger.info("sos.hand_over_to_dispatch_skipped", extra={"event_id": str(event.pk)})
