from django.http import JsonResponse
from django.urls import include, path

from bench import detail_figures, floors, home_figures, list_figures, planning_figures, replay


def floor_json(request):
    """Django's own minimal JSON view: the floor every figure is divided by."""
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/floor/json/", floor_json),
    # The request figures' floors: one hand-written SQL query each (bench/floors.py).
    path("bench/floor/worklist/", floors.floor_worklist),
    path("bench/floor/stats/", floors.floor_stats),
    path("bench/floor/post/", floors.floor_post),
    path("bench/floor/raise/", floors.floor_raise),
    path("bench/floor/list/<str:key>/<str:variant>/", list_figures.floor_list),
    path("bench/floor/detail/<str:kind>/<int:pk>/", detail_figures.floor_detail),
    path("bench/floor/home/", home_figures.floor_home),
    path("bench/floor/replay/<int:key>/", replay.floor_replay),
    path("bench/floor/handbook/<int:pk>/", planning_figures.floor_handbook),
    path("", include("guanjia.urls")),
]
