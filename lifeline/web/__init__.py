"""The web shell: base layout, account pages, the home page (renders `core.home` tiles).

Owns pages of the shared apps only; must not own business logic (it calls the same services
and selectors as the API) or know the domains (they register their tiles and demo data).
"""
