from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "guanjia.meetings"
    label = "meetings"
    verbose_name = _("会办")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from guanjia.meetings import models

        auditlog.register(models.Meeting, m2m_fields={"units", "attendees", "requests", "projects",
                                                      "settled_requests"})
        auditlog.register(models.ActionItem)

        from guanjia.meetings import workflow

        workflow.register()  # action items are tracked items of the workflow kernel
