from django.http import JsonResponse
from django.urls import include, path


def floor_json(request):
    """Django's own minimal JSON view: the floor every figure is divided by."""
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/floor/json/", floor_json),
    path("", include("guanjia.urls")),
]
