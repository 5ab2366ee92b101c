from django.urls import path

from guanjia.approvals import views_lifecycle

app_name = "approvals"
urlpatterns = [
    path("report/", views_lifecycle.ApprovalReportView.as_view(), name="report"),
    path("report.xlsx", views_lifecycle.ApprovalReportExportView.as_view(), name="report-xlsx"),
    # The handbook's own page is the planning part's; until it is there, its address leads to the project.
    path("handbooks/<int:pk>/", views_lifecycle.HandbookRedirectView.as_view(), name="handbook"),
    path("<int:pk>/", views_lifecycle.ApprovalDetailView.as_view(), name="approval"),
    path("<int:pk>/files/<int:attachment_pk>/", views_lifecycle.ApprovalAttachmentView.as_view(), name="attachment"),
    path("<int:pk>/<str:action>/", views_lifecycle.ApprovalActionView.as_view(), name="act"),
]
