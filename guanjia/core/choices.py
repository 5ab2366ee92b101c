"""Choices shared by every app: the roles of DOMAIN.md and the audit sources."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("服务中心管理员")
    LEADER = "leader", _("园区领导")
    BUTLER = "butler", _("管家")
    UNIT = "unit", _("部门经办人")
    SUPERVISOR = "supervisor", _("督查人员")
    ENTERPRISE = "enterprise", _("企业联系人")


# Roles that see the whole zone (DOMAIN.md "Who uses it").
ZONE_WIDE_ROLES = frozenset({Role.ADMIN, Role.LEADER, Role.SUPERVISOR})
# Roles that may read contacts' full phone numbers; the others see them masked.
PHONE_ROLES = frozenset({Role.ADMIN, Role.LEADER, Role.BUTLER, Role.ENTERPRISE})


class AuditSource(models.TextChoices):
    WEB = "web", _("网页")
    API = "api", _("接口")
    IMPORT = "import", _("导入")
    COMMAND = "command", _("命令")
