from django.urls import path

from guanjia.requests import views

app_name = "requests"
urlpatterns = [
    path("", views.RequestListView.as_view(), name="list"),
    path("mine/", views.WorklistView.as_view(), name="worklist"),
    path("new/", views.RaiseView.as_view(), name="create"),
    path("new/enterprises/", views.RaiseEnterpriseSearchView.as_view(), name="enterprise-search"),
    path("new/projects/", views.RaiseProjectsView.as_view(), name="raise-projects"),
    path("export/", views.RequestExportView.as_view(), name="export"),
    path("rules/", views.ClockRuleListView.as_view(), name="rules"),
    path("rules/new/", views.ClockRuleFormView.as_view(), name="rule-create"),
    path("rules/<int:pk>/edit/", views.ClockRuleFormView.as_view(object_view=True), name="rule-update"),
    path("<int:pk>/", views.RequestDetailView.as_view(), name="detail"),
    path("<int:pk>/act/<str:action>/", views.ActionView.as_view(), name="act"),
    path("<int:pk>/note/", views.NoteView.as_view(), name="note"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.AttachmentView.as_view(), name="attachment"),
]
