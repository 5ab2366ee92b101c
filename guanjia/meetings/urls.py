from django.urls import path

from guanjia.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.MeetingListView.as_view(), name="list"),
    path("new/", views.MeetingCreateView.as_view(), name="create"),
    path("actions/", views.ActionItemListView.as_view(), name="action-list"),
    path("actions/<int:pk>/", views.ActionItemView.as_view(), name="action-item"),
    path("actions/<int:pk>/complete/", views.ActionItemCompleteView.as_view(), name="action-complete"),
    path("<int:pk>/", views.MeetingDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.MeetingUpdateView.as_view(), name="update"),
    path("<int:pk>/hold/", views.MeetingHoldView.as_view(), name="hold"),
    path("<int:pk>/close/", views.MeetingCloseView.as_view(), name="close"),
    path("<int:pk>/cancel/", views.MeetingCancelView.as_view(), name="cancel"),
    path("<int:pk>/actions/new/", views.ActionItemAddView.as_view(), name="action-add"),
    path("<int:pk>/settle/", views.MeetingSettleView.as_view(), name="settle"),
    path("<int:pk>/minutes.docx", views.MinutesDocxView.as_view(), name="minutes"),
]
