from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "guanjia.notifications"
    label = "notifications"
    verbose_name = _("提醒与通知")
