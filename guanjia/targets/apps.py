from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "guanjia.targets"
    label = "targets"
    verbose_name = _("年度目标与投资")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from guanjia.targets import models

        # A corrected month or target keeps what it said before, with who changed it (services.py).
        auditlog.register(models.Target)
        auditlog.register(models.InvestmentPlan)
        auditlog.register(models.InvestmentReport)
