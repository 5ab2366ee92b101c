from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("网页")
    API = "api", _("接口")


class Outcome(models.TextChoices):
    """What happened (API.md names the first six)."""

    SUCCESS = "success", _("登录成功")
    FAILURE = "failure", _("登录失败")
    LOCKED = "locked", _("已锁定")
    LOGOUT = "logout", _("退出登录")
    TOKEN_REVOKED = "token_revoked", _("令牌吊销")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    ROLE_CHANGED = "role_changed", _("角色变更")
    DEACTIVATED = "deactivated", _("停用账号")
