"""Shared foundations, the lowest layer: base models, DomainError, API plumbing, test helpers.

Owns the task enqueue helper and the demo and home-tile registries; must not own anything
domain-specific or import any other Lifeline app (import contracts).
"""
