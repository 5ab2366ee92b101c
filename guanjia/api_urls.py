"""/api/: v1 resources (API.md), the OpenAPI schema and its locally served docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from guanjia.accounts.api.views import MyTokenViewSet, PasswordView, SignInLogView, TokenView
from guanjia.core.urls_calendar import api_urlpatterns as calendar_api_urlpatterns
from guanjia.enterprises.api.views import EnterpriseViewSet
from guanjia.org.api.views import MeView, PersonViewSet, UnitViewSet, WorkstationViewSet
from guanjia.projects.api.views import ProjectViewSet
from guanjia.requests.api.views import RequestViewSet

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("workstations", WorkstationViewSet, basename="workstation")
router.register("people", PersonViewSet, basename="person")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("projects", ProjectViewSet, basename="project")
router.register("requests", RequestViewSet, basename="request")
router.register("me/tokens", MyTokenViewSet, basename="my-token")

v1 = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("me/password/", PasswordView.as_view(), name="api-password"),
    path("sign-in-log/", SignInLogView.as_view(), name="api-sign-in-log"),
    *calendar_api_urlpatterns,
    path("", include(router.urls)),
    path("", include("guanjia.meetings.api.urls")),
    path("", include("guanjia.notifications.api.urls")),
    path("", include("guanjia.reports.api.urls")),
    path("", include("guanjia.workflow.api.urls")),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
