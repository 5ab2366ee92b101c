from django.urls import re_path

from guanjia.approvals.api.handbooks import PlanHandbookView, ProjectApprovalsView

# Ids in addresses are ASCII digits (as ScopedViewSet's lookup_value_regex), read as a row's id.
urlpatterns = [
    re_path(r"^projects/(?P<project_id>[0-9]+)/approvals/$", ProjectApprovalsView.as_view(),
            name="project-approvals"),
    re_path(r"^projects/(?P<project_id>[0-9]+)/approvals/plan/$", PlanHandbookView.as_view(),
            name="project-approvals-plan"),
]
