"""Audit trail: who did what to which object, when, from where, with what result.

Append-only. Owns `record()`; never decides whether an action is allowed.
"""
