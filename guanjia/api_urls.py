"""/api/: v1 resources (API.md), the OpenAPI schema and its locally served docs."""

from csp.constants import SELF
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from guanjia.accounts.api.views import MyTokenViewSet, PasswordView, SignInLogView, TokenView
from guanjia.core.urls_calendar import api_urlpatterns as calendar_api_urlpatterns
from guanjia.enterprises.api.views import EnterpriseViewSet
from guanjia.org.api.views import MeView, PersonViewSet, UnitViewSet, WorkstationViewSet
from guanjia.projects.api.views import ProjectViewSet
from guanjia.requests.api.views import RequestViewSet

# What Redoc needs beyond the site's Content-Security-Policy: its search runs in a worker made from a blob:
# URL, and the one stylesheet its bundle adds as it loads (perfect-scrollbar's), before Redoc can give it the
# nonce, is allowed by its hash (and by the empty one: the element is added empty, then filled).
REDOC_STYLE_HASHES = [
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
]
redoc_policy = csp_update({"worker-src": [SELF, "blob:"], "style-src": REDOC_STYLE_HASHES})

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
    path("", include("guanjia.approvals.api.handbook_urls")),
    path("", include(router.urls)),
    path("", include("guanjia.approvals.api.urls")),
    path("", include("guanjia.meetings.api.urls")),
    path("", include("guanjia.promotion.api.urls")),
    path("", include("guanjia.notifications.api.urls")),
    path("", include("guanjia.reports.api.urls")),
    path("", include("guanjia.targets.api.urls")),
    path("", include("guanjia.workflow.api.urls")),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script from its own address (docs/?script), not inline in
    # the page, so the Content-Security-Policy needs no nonce for scripts.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", redoc_policy(SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
]
