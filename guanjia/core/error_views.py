"""Django's error handlers for 403 and 404 (`handler403`, `handler404` in guanjia/urls.py).

Pages get the product's own templates (403.html, 404.html: the layout, Chinese, a way back);
anything under /api/ gets API.md's JSON `{"detail": …}`, also for an address no route matches.
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("未找到。")}, status=404)
    return defaults.page_not_found(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": str(exception) or _("您没有执行该操作的权限。")}, status=403)
    return defaults.permission_denied(request, exception)
