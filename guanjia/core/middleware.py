from guanjia.core.audit import audit_context
from guanjia.core.choices import AuditSource


class AuditContextMiddleware:
    """Marks every write made while serving a request as from the web UI or the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = AuditSource.API if request.path.startswith("/api/") else AuditSource.WEB
        with audit_context(source=source, request=request):
            return self.get_response(request)


class UploadLimitMiddleware:
    """Refuse a request body far larger than any form may carry, before Django reads it (413).

    The per-file limit (GUANJIA_UPLOAD_MAX_BYTES) is checked where files are accepted; this guard
    keeps a multi-gigabyte body from ever reaching the disk. A body without files (JSON, a plain
    form) may be at most DATA_UPLOAD_MAX_MEMORY_SIZE: past it Django would refuse it with a bare
    HTML 400 once read, so it is refused here with the same clear message (JSON for the API).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        if request.content_type.startswith("multipart/"):
            limit = settings.GUANJIA_UPLOAD_MAX_BYTES * 10 + 1024 * 1024  # ten attachments and the form
        else:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return too_large(request, limit)
        return self.get_response(request)


def too_large(request, limit: int):
    """413 with a clear message: JSON for the API, plain text for the pages."""
    from django.http import HttpResponse, JsonResponse
    from django.utils.translation import gettext as _

    message = _("提交的内容过大（上限 %(mb)d MB）。") % {"mb": max(1, limit // (1024 * 1024))}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


def bad_request(request, exception=None):
    """handler400: a form's text past DATA_UPLOAD_MAX_MEMORY_SIZE (found only once Django reads a multipart
    body) is the same 413 as above; any other 400 is Django's own page."""
    from django.conf import settings
    from django.core.exceptions import RequestDataTooBig
    from django.views import defaults

    if isinstance(exception, RequestDataTooBig):
        return too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return defaults.bad_request(request, exception)

