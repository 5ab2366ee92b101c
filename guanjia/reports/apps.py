from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "guanjia.reports"
    label = "reports"
    verbose_name = _("统计")
