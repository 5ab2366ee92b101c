from django.urls import path

from guanjia.org import views

app_name = "org"
urlpatterns = [
    path("units/", views.UnitListView.as_view(), name="units"),
    path("workstations/", views.WorkstationListView.as_view(), name="workstations"),
    path("people/", views.PeopleListView.as_view(), name="people"),
    path("units/new/", views.UnitFormView.as_view(), name="unit-create"),
    path("units/<int:pk>/edit/", views.UnitFormView.as_view(object_view=True), name="unit-update"),
    path("workstations/new/", views.WorkstationFormView.as_view(), name="workstation-create"),
    path("workstations/<int:pk>/edit/", views.WorkstationFormView.as_view(object_view=True),
         name="workstation-update"),
    path("people/new/", views.PersonFormView.as_view(), name="person-create"),
    path("people/<int:pk>/edit/", views.PersonFormView.as_view(object_view=True), name="person-update"),
]
