from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "guanjia.approvals"
    label = "approvals"
    verbose_name = _("代办")

    def ready(self) -> None:
        from guanjia.approvals import workflow

        workflow.register()

        from guanjia.approvals import receivers  # noqa: F401  (the planner re-plans when an item moves)
