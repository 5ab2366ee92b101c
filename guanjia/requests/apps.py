from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "guanjia.requests"
    label = "requests"
    verbose_name = _("诉求")

    def ready(self) -> None:
        from guanjia.requests import workflow

        workflow.register()  # its three kinds of tracked item (the workflow kernel's specs)
