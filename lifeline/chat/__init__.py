"""Messenger for every domain: conversations of a registered kind about a subject, their
participants, messages, receipts and the real-time relay. Owns none of the subjects: each
domain's policy (`policies.register_conversation_policy`) decides who talks; imports no domain.
"""
