"""Real time: the event envelope, group names, WebSocket authentication, consumers, presence.

Owns `publish_on_commit`, `groups.py` and closing sockets when `accounts`/`access` signal an
end; must not own any domain's events (built in `<app>/events.py`) or write from a consumer.
"""
