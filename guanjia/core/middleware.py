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
    keeps a multi-gigabyte body from ever reaching the disk.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.http import HttpResponse, JsonResponse
        from django.utils.translation import gettext as _

        limit = settings.GUANJIA_UPLOAD_MAX_BYTES * 10 + 1024 * 1024  # ten attachments and the form
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            message = _("提交的内容过大（上限 %(mb)d MB）。") % {"mb": limit // (1024 * 1024)}
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
