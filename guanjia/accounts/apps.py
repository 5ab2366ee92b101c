from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "guanjia.accounts"
    label = "accounts"
    verbose_name = _("登录与账号安全")

    def ready(self) -> None:
        from guanjia.accounts import signals  # noqa: F401  (connects the receivers)
