"""Shared foundations: base models, DomainError, API errors/pagination/throttling, test helpers.

Owns nothing domain-specific and imports no other Lifeline app.
"""
