from django.urls import path

from guanjia.reports import views

app_name = "reports"
urlpatterns = [
    path("requests/", views.RequestStatsView.as_view(), name="requests"),
    path("requests.xlsx", views.RequestStatsExportView.as_view(), name="requests-xlsx"),
]
