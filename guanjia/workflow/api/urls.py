from django.urls import path

from guanjia.workflow.api.views import WorklistView

urlpatterns = [path("worklist/", WorklistView.as_view(), name="api-worklist")]
