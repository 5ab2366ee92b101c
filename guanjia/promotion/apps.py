from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionConfig(AppConfig):
    name = "guanjia.promotion"
    label = "promotion"
    verbose_name = _("一表制")

    def ready(self) -> None:
        from guanjia.promotion import workflow

        workflow.register()
