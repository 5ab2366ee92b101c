from django.urls import path

from guanjia.approvals.api.handbooks import PlanHandbookView, ProjectApprovalsView

urlpatterns = [
    path("projects/<int:project_id>/approvals/", ProjectApprovalsView.as_view(), name="project-approvals"),
    path("projects/<int:project_id>/approvals/plan/", PlanHandbookView.as_view(), name="project-approvals-plan"),
]
