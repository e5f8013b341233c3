"""Authorization: organizations, memberships and roles, and the `can_*` predicates built on them.

Owns who may do what where; identity itself lives in `accounts`.
"""
