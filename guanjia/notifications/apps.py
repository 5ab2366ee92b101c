from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "guanjia.notifications"
    label = "notifications"
    verbose_name = _("提醒与通知")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from guanjia.notifications import models, receivers, tasks  # noqa: F401  (signal receiver, huey tasks)

        # Robots are configuration: who changed which one is kept, but never the secret.
        auditlog.register(models.WebhookEndpoint, exclude_fields=["secret"])
