from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from guanjia.targets.api.views import (
    InvestmentReportViewSet,
    ProjectInvestmentPlanView,
    ProjectInvestmentView,
    ProjectStatsView,
    TargetViewSet,
)

# A SimpleRouter: the API root view belongs to the main router in guanjia/api_urls.py.
router = SimpleRouter()
router.register("targets", TargetViewSet, basename="target")
router.register("investment-reports", InvestmentReportViewSet, basename="investment-report")

urlpatterns = [
    *router.urls,
    path("stats/projects/", ProjectStatsView.as_view(), name="api-stats-projects"),
    # A project's id as ScopedViewSet reads one (ASCII digits; the schema then says a row id's bounds).
    re_path(r"^projects/(?P<pk>[0-9]+)/investment/$", ProjectInvestmentView.as_view(), name="api-project-investment"),
    re_path(r"^projects/(?P<pk>[0-9]+)/investment/plan/$", ProjectInvestmentPlanView.as_view(),
            name="api-project-investment-plan"),
]
