from rest_framework.routers import SimpleRouter

from guanjia.notifications.api.views import NotificationViewSet

# A SimpleRouter: the API root view belongs to the main router in guanjia/api_urls.py.
router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")
urlpatterns = router.urls
