from django.urls import path

from guanjia.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.ProjectListView.as_view(), name="list"),
    path("new/", views.ProjectCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="update"),
    path("<int:pk>/butler/", views.ProjectAssignView.as_view(duty="butler", assign=views._assign_butler),
         name="assign-butler"),
    path("<int:pk>/leader/", views.ProjectAssignView.as_view(duty="leader", assign=views._assign_leader),
         name="assign-leader"),
    path("<int:pk>/archive/", views.ProjectArchiveView.as_view(), name="archive"),
    path("<int:pk>/restore/", views.ProjectArchiveView.as_view(restore=True), name="restore"),
]
