from django.urls import path

from guanjia.targets import views

app_name = "targets"
urlpatterns = [
    path("", views.TargetListView.as_view(), name="list"),
    path("save/", views.TargetSaveView.as_view(), name="save"),
    path("<int:pk>/delete/", views.TargetDeleteView.as_view(), name="delete"),
    path("projects/", views.ProjectStatsView.as_view(), name="stats"),
    path("projects.xlsx", views.ProjectStatsExportView.as_view(), name="stats-xlsx"),
    path("projects/<int:pk>/investment/", views.InvestmentReportView.as_view(), name="report"),
    path("projects/<int:pk>/plan/", views.InvestmentPlanView.as_view(), name="plan"),
]
