from django.urls import re_path
from rest_framework.routers import SimpleRouter

from guanjia.promotion.api.views import ProjectWorkItemViewSet, WorkItemViewSet

# A SimpleRouter: the API root view belongs to the main router in guanjia/api_urls.py.
router = SimpleRouter()
router.register("work-items", WorkItemViewSet, basename="work-item")

urlpatterns = [
    # A project's id as ScopedViewSet reads one (ASCII digits; the schema then says a row id's bounds).
    re_path(r"^projects/(?P<project_pk>[0-9]+)/work-items/$",
            ProjectWorkItemViewSet.as_view({"get": "list", "post": "create"}), name="project-work-items"),
    *router.urls,
]
