from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "guanjia.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from guanjia.core import audit, models

        audit.connect()
        auditlog.register(models.HolidayYear)
        auditlog.register(models.CalendarDay)
