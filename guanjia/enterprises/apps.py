from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class EnterprisesConfig(AppConfig):
    name = "guanjia.enterprises"
    label = "enterprises"
    verbose_name = pgettext_lazy("plural", "企业")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from guanjia.enterprises import models

        auditlog.register(models.Enterprise, m2m_fields={"tags"})
        auditlog.register(models.Contact)
        auditlog.register(models.EnterpriseAssignment)
