"""Errors that services raise; views and the API turn them into answers."""

from __future__ import annotations


class ServiceError(Exception):
    """A refused operation: ``code`` is stable for API clients, the message is for people."""

    status = 400

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Conflict(ServiceError):
    status = 409


class Unprocessable(ServiceError):
    """Well-formed but contradicting what the server holds (e.g. an idempotency key
    reused with another body)."""

    status = 422


class NotFound(ServiceError):
    """What the request names does not exist (or is not the user's to see)."""

    status = 404
