from django.urls import path

from guanjia.org import views

app_name = "org"
urlpatterns = [
    path("units/", views.UnitListView.as_view(), name="units"),
    path("workstations/", views.WorkstationListView.as_view(), name="workstations"),
    path("people/", views.PeopleListView.as_view(), name="people"),
]
