"""Authorization: organizations, memberships and roles, and the `can_*` predicates built on them.

Owns who may do what where, and answers `accounts.roles` and `audit.permissions` (registered in
`apps.py`); must not own identity (`accounts`) or any domain's rules about its own objects.
"""
