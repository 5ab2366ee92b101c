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
