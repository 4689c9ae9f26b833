"""Base class for domain errors raised by services and turned into messages by adapters."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule refused an operation. Adapters show ``str(error)`` to the user."""

    code = "invalid"
    status_code = 400

    def __init__(self, message: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        if code:
            self.code = code
        self.extra = extra


class NotAllowed(DomainError):
    """The user may not do this to this object."""

    code = "not_allowed"
    status_code = 403


class InvalidTransition(DomainError):
    """A status change that the workflow does not allow from the current status."""

    code = "invalid_transition"
    status_code = 409
