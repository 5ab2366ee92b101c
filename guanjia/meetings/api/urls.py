from rest_framework.routers import SimpleRouter

from guanjia.meetings.api.views import ActionItemViewSet, MeetingViewSet

# A SimpleRouter: the API root view belongs to the main router in guanjia/api_urls.py.
router = SimpleRouter()
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("meeting-actions", ActionItemViewSet, basename="meeting-action")

urlpatterns = router.urls
