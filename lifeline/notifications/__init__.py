"""Notifications: `notify()` for every module, the in-app inbox, preferences and delivery.

Owns the channels (in-app, e-mail, push, SMS), the delivery log and the provider adapters.
Must not own what a notification is about: callers pass a topic and ids, never clinical detail.
"""
