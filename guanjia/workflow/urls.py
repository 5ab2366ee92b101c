from django.urls import path

from guanjia.workflow import views

app_name = "workflow"
urlpatterns = [
    path("", views.WorklistView.as_view(), name="worklist"),
]
