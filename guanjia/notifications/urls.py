from django.urls import path

from guanjia.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("badge/", views.BadgeView.as_view(), name="badge"),
    path("read-all/", views.MarkAllReadView.as_view(), name="read-all"),
    path("<int:pk>/read/", views.MarkReadView.as_view(), name="read"),
    path("webhooks/", views.WebhookListView.as_view(), name="webhooks"),
    path("webhooks/new/", views.WebhookFormView.as_view(), name="webhook-create"),
    path("webhooks/<int:pk>/edit/", views.WebhookFormView.as_view(object_view=True), name="webhook-update"),
]
