"""代办's pages under /approvals/ (the handbook's in urls_handbooks)."""

from guanjia.approvals.urls_handbooks import handbook_urlpatterns

app_name = "approvals"
urlpatterns = [
    *handbook_urlpatterns,
]
