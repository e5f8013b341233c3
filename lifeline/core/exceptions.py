"""DomainError: what services raise when a business rule refuses an operation."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused operation with a stable machine-readable `code` and an HTTP status.

    Subclasses set `code`, `title` and `http_status`; the API error handler turns them into
    RFC 9457 problem details, so an expected conflict never surfaces as a 500.
    """

    code: str = "domain_error"
    title: str = "Request refused"
    http_status: int = 400

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        errors: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.detail = detail or str(self.title)
        if code:
            self.code = code
        self.errors = errors
        self.extra = extra or {}
        super().__init__(self.detail)


class NotFound(DomainError):
    code = "not_found"
    title = "Not found"
    http_status = 404


class Conflict(DomainError):
    code = "conflict"
    title = "Conflict"
    http_status = 409


class InvalidInput(DomainError):
    code = "invalid"
    title = "Invalid input"
    http_status = 400
