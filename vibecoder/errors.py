"""Errors services raise for the user: a stable code plus a sentence a person can act on."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class: `code` is stable for APIs and tests, `message` is shown to the user."""

    status_code = 400

    def __init__(self, code: str, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def to_dict(self) -> dict[str, str | None]:
        return {"error": self.code, "message": self.message, "field": self.field}


class ValidationFailed(ServiceError):
    status_code = 422


class NotFound(ServiceError):
    status_code = 404


class PermissionDenied(ServiceError):
    status_code = 403


class Conflict(ServiceError):
    status_code = 409


class RateLimited(ServiceError):
    status_code = 429

    def __init__(self, code: str, message: str, *, retry_after: int):
        super().__init__(code, message)
        self.retry_after = retry_after
