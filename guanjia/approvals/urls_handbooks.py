from django.urls import path

from guanjia.approvals import views_handbooks as views

handbook_urlpatterns = [
    path("handbooks/", views.HandbookListView.as_view(), name="handbooks"),
    path("handbooks/<int:pk>/", views.HandbookDetailView.as_view(), name="handbook"),
    path("handbooks/<int:pk>/plan/", views.HandbookPlanView.as_view(), name="handbook-plan"),
    path("handbooks/<int:pk>/agent/", views.HandbookAgentView.as_view(), name="handbook-agent"),
    path("handbooks/<int:pk>/authorize/", views.HandbookAuthorizeView.as_view(), name="handbook-authorize"),
    path("handbooks/<int:pk>/items/<int:approval_pk>/prerequisites/", views.PrerequisitesView.as_view(),
         name="handbook-prerequisites"),
    path("handbooks/<int:pk>/attachments/<int:attachment_pk>/", views.HandbookAttachmentView.as_view(),
         name="handbook-attachment"),
    path("handbooks/<int:pk>/docx/", views.HandbookDocxView.as_view(), name="handbook-docx"),
    path("handbooks/new/<int:project_pk>/", views.HandbookCreateView.as_view(), name="handbook-create"),
]
