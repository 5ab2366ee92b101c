from django.urls import path
from rest_framework.routers import SimpleRouter

from guanjia.approvals.api.catalogue import ApprovalItemViewSet
from guanjia.approvals.api.lifecycle import ApprovalViewSet
from guanjia.approvals.api.report import ApprovalStatsView

# A SimpleRouter: the API root view belongs to the main router in guanjia/api_urls.py.
router = SimpleRouter()
router.register("approval-items", ApprovalItemViewSet, basename="approval-item")
router.register("approvals", ApprovalViewSet, basename="approval")

urlpatterns = [
    path("stats/approvals/", ApprovalStatsView.as_view(), name="api-stats-approvals"),
    *router.urls,
]
