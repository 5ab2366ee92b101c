from rest_framework.routers import SimpleRouter

from guanjia.approvals.api.catalogue import ApprovalItemViewSet

# A SimpleRouter: the API root view belongs to the main router in guanjia/api_urls.py.
router = SimpleRouter()
router.register("approval-items", ApprovalItemViewSet, basename="approval-item")

urlpatterns = router.urls
