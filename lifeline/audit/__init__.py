"""Audit trail: who did what to which object, when, from where, with what result.

Owns `record()`, `record_access()`, the append-only AuditEvent and its search; must not decide
whether an action is allowed (`access` registers who may read the trail).
"""
