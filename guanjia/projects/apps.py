from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "guanjia.projects"
    label = "projects"
    verbose_name = _("项目")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from guanjia.projects import models

        auditlog.register(models.Project)
        auditlog.register(models.ProjectAssignment)
