"""代办's pages under /approvals/ (the handbook's in urls_handbooks)."""

from django.urls import path

from guanjia.approvals import views_handbooks
from guanjia.approvals.urls_handbooks import handbook_urlpatterns

app_name = "approvals"
urlpatterns = [
    *handbook_urlpatterns,
    # A stand-in for an item's own page (the lifecycle part's): its row on its handbook's page. The merge keeps
    # the item's page and drops this line.
    path("<int:pk>/", views_handbooks.ApprovalOnHandbookView.as_view(), name="approval"),
]
