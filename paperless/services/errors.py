"""Errors that services raise; pages show the message, the API returns the code."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: object = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class NotFound(ServiceError):
    """Also raised for objects of a council the actor has no role in, so they stay invisible."""

    status = 404
    code = "not_found"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"


class Invalid(ServiceError):
    status = 422
    code = "validation_error"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class TooManyAttempts(ServiceError):
    status = 429
    code = "too_many_attempts"


class RateLimited(ServiceError):
    """Too many requests too fast; nothing was done. `details.retry_after` in seconds."""

    status = 429
    code = "rate_limited"
