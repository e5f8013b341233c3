"""Every write of the sos module, by entity; import from the submodule, nothing is re-exported.

- `devices`: registration, tokens, status and location reports, track retention;
- `contacts`: emergency contacts and the SMS notices sent to them;
- `helpers`: the helper profile and the helper rounds (nearest available helpers, widening);
- `profiles`: the wearer profile (birth date, emergency notes) an ambulance crew gets;
- `events`: trigger (dedup), accept, decline, withdraw, cancel, resolve;
- `escalation`: an event nobody accepted goes to the SOS service (and, later, dispatch);
- `deadlines`: the `sos.run_due` sweep that runs every deadline stored on the rows;
- `organizations`: the default SOS service and joining it;
- `timeline`: the event's timeline entries (used by the modules above);
- `flows`: the only module that will call another domain (ambulance dispatch).

Services enforce invariants (a closed event cannot be accepted, the wearer cannot accept their
own SOS); who may load an object is decided by the selectors. Side effects (alerts, real-time
events, contact messages) are sent after commit; background work is enqueued by task name.
"""
