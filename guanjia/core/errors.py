"""Errors that services raise; views and the API turn them into 400 / 403 / 409 answers."""

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["Conflict", "PermissionDenied", "ValidationError"]


class Conflict(Exception):
    """The object's current state (or a concurrent change) does not allow the action: HTTP 409."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
