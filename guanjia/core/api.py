"""The API's shared pieces: pagination, error mapping, and the base viewset that enforces visible_to."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from guanjia.core.errors import Conflict


def validation_error_detail(error: DjangoValidationError) -> dict | list:
    """A Django ValidationError as API.md's `{"field": ["message", …]}`."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for e in errors for m in e.messages]
            for field, errors in error.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def exception_handler(exc, context):
    """Services raise Django errors; the API answers them as API.md says (400 / 403 / 409)."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=validation_error_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, Conflict):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


class ScopedViewSet(viewsets.GenericViewSet):
    """Base for every model endpoint: rows come only from `visible_to(request.user)`; outside scope is 404.

    Subclasses name `queryset` (with its select_related/prefetch) and, for writes,
    implement `perform_create`/`perform_update` by calling services.
    """

    def get_queryset(self):
        return self.queryset.visible_to(self.request.user)

    def filter_queryset(self, queryset):
        # List filters (and their "current records only" default) do not hide a single object.
        if self.detail:
            return queryset
        return super().filter_queryset(queryset)


class ScopedReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    pass
