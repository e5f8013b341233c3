"""Real time: the event envelope, group names, WebSocket consumers and presence.

Domain modules publish with `publish_on_commit(event, groups=[...])` from their services;
`Event` is built by functions in `<app>/events.py`; group names come from `groups.py` only.
"""
