"""代办's pages under /approvals/: the catalogue, the handbooks (urls_handbooks), each item, the report."""

from django.urls import path

from guanjia.approvals import views_catalogue as catalogue
from guanjia.approvals import views_lifecycle
from guanjia.approvals.urls_handbooks import handbook_urlpatterns

app_name = "approvals"
urlpatterns = [
    path("catalogue/", catalogue.CatalogueListView.as_view(), name="catalogue"),
    path("catalogue/new/", catalogue.CatalogueCreateView.as_view(), name="catalogue-create"),
    path("catalogue/export.xlsx", catalogue.CatalogueExportView.as_view(), name="catalogue-export"),
    path("catalogue/template.xlsx", catalogue.CatalogueTemplateView.as_view(), name="catalogue-template"),
    path("catalogue/import/", catalogue.CatalogueImportView.as_view(), name="catalogue-import"),
    path("catalogue/<int:pk>/", catalogue.CatalogueItemView.as_view(), name="catalogue-item"),
    path("catalogue/<int:pk>/edit/", catalogue.CatalogueUpdateView.as_view(), name="catalogue-update"),
    path("catalogue/<int:pk>/archive/", catalogue.CatalogueArchiveView.as_view(), name="catalogue-archive"),
    path("catalogue/<int:pk>/restore/", catalogue.CatalogueArchiveView.as_view(restore=True),
         name="catalogue-restore"),
    *handbook_urlpatterns,
    path("report/", views_lifecycle.ApprovalReportView.as_view(), name="report"),
    path("report.xlsx", views_lifecycle.ApprovalReportExportView.as_view(), name="report-xlsx"),
    path("<int:pk>/", views_lifecycle.ApprovalDetailView.as_view(), name="approval"),
    path("<int:pk>/files/<int:attachment_pk>/", views_lifecycle.ApprovalAttachmentView.as_view(), name="attachment"),
    path("<int:pk>/<str:action>/", views_lifecycle.ApprovalActionView.as_view(), name="act"),
]
