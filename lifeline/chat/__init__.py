"""Doctor–patient messenger: conversations, messages, receipts, real-time relay.

Owns conversations between a clinic patient and an assigned doctor. Does not own who treats
whom (`lifeline.clinic` selectors decide), files (`lifeline.files`) or notifications.
"""
