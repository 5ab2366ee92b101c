from django.urls import path

from guanjia.approvals import views_catalogue as catalogue
from guanjia.approvals import views_lifecycle

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
    path("report/", views_lifecycle.ApprovalReportView.as_view(), name="report"),
    path("report.xlsx", views_lifecycle.ApprovalReportExportView.as_view(), name="report-xlsx"),
    # The handbook's own page is the planning part's; until it is there, its address leads to the project.
    path("handbooks/<int:pk>/", views_lifecycle.HandbookRedirectView.as_view(), name="handbook"),
    path("<int:pk>/", views_lifecycle.ApprovalDetailView.as_view(), name="approval"),
    path("<int:pk>/files/<int:attachment_pk>/", views_lifecycle.ApprovalAttachmentView.as_view(), name="attachment"),
    path("<int:pk>/<str:action>/", views_lifecycle.ApprovalActionView.as_view(), name="act"),
]
