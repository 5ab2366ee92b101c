from django.urls import path

from guanjia.promotion import views

app_name = "promotion"
urlpatterns = [
    path("", views.BoardView.as_view(), name="board"),
    path("export.xlsx", views.BoardExportView.as_view(), name="board-export"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("projects/<int:pk>/hand-over/", views.HandOverView.as_view(), name="hand-over"),
    path("tables/<int:pk>/", views.TableView.as_view(), name="table"),
    path("tables/<int:pk>/export.xlsx", views.TableExportView.as_view(), name="table-export"),
    path("tables/<int:pk>/<slug:action>/", views.TableActView.as_view(), name="table-act"),
    path("items/<int:pk>/", views.WorkItemView.as_view(), name="work-item"),
    path("items/<int:pk>/<slug:action>/", views.WorkItemActView.as_view(), name="work-item-act"),
    path("templates/", views.TemplateListView.as_view(), name="templates"),
    path("templates/new/", views.TemplateCreateView.as_view(), name="template-create"),
    path("templates/<int:pk>/items/new/", views.TemplateItemAddView.as_view(), name="template-item-add"),
    path("templates/items/<int:pk>/", views.TemplateItemEditView.as_view(), name="template-item"),
    path("templates/items/<int:pk>/<slug:action>/", views.TemplateItemPostView.as_view(), name="template-item-post"),
]
