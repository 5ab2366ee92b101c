from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    """The workflow kernel: tracked items, their clocks, timeline, duties (我的待办) and transitions."""

    name = "guanjia.workflow"
    label = "workflow"
    verbose_name = _("工作流")

    def ready(self) -> None:
        from guanjia.workflow import receivers  # noqa: F401  (the calendar hook)
