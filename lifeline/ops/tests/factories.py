"""ops tests use the one shared user factory."""

from lifeline.accounts.tests.factories import UserFactory

__all__ = ["UserFactory"]
