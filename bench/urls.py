from django.http import JsonResponse
from django.urls import include, path

from bench import floors, planning_figures


def floor_json(request):
    """Django's own minimal JSON view: the floor every figure is divided by."""
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/floor/json/", floor_json),
    # The request figures' floors: one hand-written SQL query each (bench/floors.py).
    path("bench/floor/worklist/", floors.floor_worklist),
    path("bench/floor/stats/", floors.floor_stats),
    path("bench/floor/post/", floors.floor_post),
    path("bench/ceiling/signed-in-post/", floors.signed_in_post),
    path("bench/floor/handbook/<int:pk>/", planning_figures.floor_handbook),
    path("", include("guanjia.urls")),
]
