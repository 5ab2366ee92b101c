from rest_framework import mixins

from guanjia.core.api import ScopedViewSet
from guanjia.core.predicates import require
from guanjia.projects import services
from guanjia.projects.api.serializers import ProjectSerializer
from guanjia.projects.filtersets import ProjectFilterSet
from guanjia.projects.models import Project


class ProjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """Projects (项目库) the caller may see; DELETE archives."""

    queryset = Project.objects.select_related("enterprise", "butler", "contact_leader")
    list_related_columns = {"enterprise": ("name",), "butler": ("name", "username"),
                            "contact_leader": ("name", "username")}
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    action_permissions = {"create": "projects.add_project", "update": "projects.change_project",
                          "partial_update": "projects.change_project", "destroy": "projects.archive_project"}

    def perform_create(self, serializer):
        serializer.instance = services.project_create(
            actor=self.request.user, zone=self.request.user.zone, **serializer.validated_data
        )

    def perform_update(self, serializer):
        project = serializer.instance
        user = self.request.user
        data = dict(serializer.validated_data)
        butler = data.pop("butler", project.butler)
        leader = data.pop("contact_leader", project.contact_leader)
        if butler != project.butler or leader != project.contact_leader:
            require(user, "projects.assign_project", project)
        project = services.project_update(actor=user, project=project, **data)
        if butler != project.butler:
            project = services.project_assign_butler(actor=user, project=project, butler=butler)
        if leader != project.contact_leader:
            project = services.project_assign_contact_leader(actor=user, project=project, leader=leader)
        serializer.instance = self.get_queryset().get(pk=project.pk)

    def perform_destroy(self, instance):
        services.project_archive(actor=self.request.user, project=instance)
