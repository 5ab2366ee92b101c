from django.db import models
from django.utils.translation import gettext_lazy as _

from guanjia.core.choices import Role  # noqa: F401  (re-exported: roles belong to the organization)


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("内设部门")
    AGENCY = "agency", _("职能部门")
    UTILITY = "utility", _("公用事业单位")
    TOWNSHIP = "township", _("街镇")
    OTHER = "other", _("其他单位")
