"""Cross-domain flows of the sos module: the only module of sos that calls another domain.

Declared in the import contracts (`lifeline.sos.services.flows ->
lifeline.ambulance.services.calls`, `../shared/STYLE.md` 2.1).
"""

from __future__ import annotations

import logging

from lifeline.ambulance.services.calls import call_create_from_sos
from lifeline.sos.models import SosEvent

logger = logging.getLogger(__name__)


def event_hand_over_to_dispatch(*, event: SosEvent) -> None:
    """Hand an escalated SOS to ambulance dispatch: a NEW critical call of the station linked
    to the event's SOS service, at the wearer's last position, once per event.

    Called by `escalation.event_escalate` inside its transaction, after the SOS admins and the
    emergency contacts were told, so the call and the escalation commit together. An SOS
    service with no linked station (`ambulance.SosLink`) ends at its administrators and the
    contacts, as before; the log says so (ids only, never the wearer's data).
    """
    if event.organization_id is None:  # an SOS of a wearer in no SOS service
        logger.info("sos.hand_over_no_station", extra={"event_id": str(event.pk)})
        return
    wearer = event.user
    call = call_create_from_sos(
        sos_event_id=event.pk,
        sos_service_id=event.organization_id,
        lat=event.lat,
        lon=event.lon,
        patient_name=wearer.composed_full_name,
        caller_phone=str(wearer.phone_number or ""),
        notes=f"{event.get_detected_type_display()} · {event.severity}",
        occurred_at=event.created_at,
    )
    if call is None:
        logger.info("sos.hand_over_no_station", extra={"event_id": str(event.pk)})
        return
    logger.info(
        "sos.handed_over_to_dispatch", extra={"event_id": str(event.pk), "call_id": str(call.pk)}
    )
