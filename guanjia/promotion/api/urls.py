from django.urls import path
from rest_framework.routers import SimpleRouter

from guanjia.promotion.api.views import ProjectWorkItemViewSet, WorkItemViewSet

# A SimpleRouter: the API root view belongs to the main router in guanjia/api_urls.py.
router = SimpleRouter()
router.register("work-items", WorkItemViewSet, basename="work-item")

urlpatterns = [
    path("projects/<int:project_pk>/work-items/",
         ProjectWorkItemViewSet.as_view({"get": "list", "post": "create"}), name="project-work-items"),
    *router.urls,
]
