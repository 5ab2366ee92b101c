from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "guanjia.org"
    label = "org"
    verbose_name = _("组织")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from guanjia.org import models

        auditlog.register(models.Zone)
        auditlog.register(models.Workstation)
        auditlog.register(models.Unit)
        auditlog.register(models.UnitGroup, m2m_fields={"partners"})
        auditlog.register(
            models.User,
            m2m_fields={"roles"},
            exclude_fields=["password", "last_login"],
        )
