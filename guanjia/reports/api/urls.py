from django.urls import path

from guanjia.reports.api.views import RequestStatsView

urlpatterns = [
    path("stats/requests/", RequestStatsView.as_view(), name="api-stats-requests"),
]
