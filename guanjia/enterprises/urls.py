from django.urls import path

from guanjia.enterprises import views, views_import

app_name = "enterprises"
urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="list"),
    path("new/", views.EnterpriseCreateView.as_view(), name="create"),
    path("export/", views.EnterpriseExportView.as_view(), name="export"),
    path("import/", views_import.RosterImportView.as_view(), name="import"),
    path("import/template/", views_import.RosterTemplateView.as_view(), name="import-template"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.EnterpriseUpdateView.as_view(), name="update"),
    path("<int:pk>/butler/", views.EnterpriseAssignView.as_view(duty="butler", assign=views._assign_butler), name="assign-butler"),
    path("<int:pk>/leader/", views.EnterpriseAssignView.as_view(duty="leader", assign=views._assign_leader), name="assign-leader"),
    path("<int:pk>/archive/", views.EnterpriseArchiveView.as_view(), name="archive"),
    path("<int:pk>/restore/", views.EnterpriseArchiveView.as_view(restore=True), name="restore"),
    path("<int:pk>/contacts/new/", views.ContactFormView.as_view(), name="contact-create"),
    path("<int:pk>/contacts/<int:contact_pk>/", views.ContactFormView.as_view(), name="contact-update"),
]
