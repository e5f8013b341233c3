"""The web shell: base layout, sign-in pages, the role-aware home page, shared UI pieces.

Calls the same services and selectors as the API; holds no business logic.
"""
