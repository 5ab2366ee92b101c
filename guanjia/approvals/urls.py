from django.urls import path

from guanjia.approvals import views_catalogue as catalogue

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
]
