from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "guanjia.approvals"
    label = "approvals"
    verbose_name = _("代办")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from guanjia.approvals import models, workflow

        auditlog.register(models.ApprovalItem, m2m_fields={"prerequisites"})

        workflow.register()

        from guanjia.approvals import receivers  # noqa: F401  (the planner re-plans when an item moves)
